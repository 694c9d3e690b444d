import { describePodSecurityTable } from "./table";

const B = "pod-security-baseline-host-path-volumes";
const R = "pod-security-restricted-volume-types";

// Mirrors upstream policy/check_hostPathVolumes.go (hostPathVolumes_1_0) and test/fixtures_hostPathVolumes.go.
// At restricted, restrictedVolumes overrides it (restrictedVolumes_1_0 OverrideCheckIDs).
describePodSecurityTable("hostPathVolumes (baseline)", [
  {
    name: "a hostPath volume",
    mirrors: "hostPathVolumes_1_0: volume.HostPath != nil",
    mutate: (spec) => (spec.volumes = [{ name: "host", hostPath: { path: "/var/run/docker.sock" } }]),
    baseline: [`${B} spec.volumes[0].hostPath`],
    restricted: [`${R} spec.volumes[0].hostPath`],
  },
  {
    name: "the second of two volumes",
    mirrors: "hostPathVolumes_1_0 checks every volume",
    mutate: (spec) => (spec.volumes = [{ name: "tmp", emptyDir: {} }, { name: "logs", hostPath: { path: "/var/log", type: "Directory" } }]),
    baseline: [`${B} spec.volumes[1].hostPath`],
    restricted: [`${R} spec.volumes[1].hostPath`],
  },
  {
    name: "hostPath: null is no hostPath (the volume defaults to emptyDir)",
    mirrors: "Go decodes null to a nil pointer; SetDefaults_Volume then sets EmptyDir",
    mutate: (spec) => (spec.volumes = [{ name: "scratch", hostPath: null }]),
    baseline: [],
    restricted: [],
  },
]);
