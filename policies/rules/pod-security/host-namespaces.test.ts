import { describePodSecurityTable } from "./table";

const P = "pod-security-baseline-host-namespaces";

// Mirrors upstream policy/check_hostNamespaces.go (hostNamespaces_1_0) and test/fixtures_hostNamespaces.go.
describePodSecurityTable("hostNamespaces (baseline)", [
  {
    name: "hostNetwork: true",
    mirrors: "hostNamespaces_1_0: HostNetwork",
    mutate: (spec) => (spec.hostNetwork = true),
    baseline: [`${P} spec.hostNetwork`],
    restricted: [`${P} spec.hostNetwork`],
  },
  {
    name: "hostPID: true",
    mirrors: "hostNamespaces_1_0: HostPID",
    mutate: (spec) => (spec.hostPID = true),
    baseline: [`${P} spec.hostPID`],
    restricted: [`${P} spec.hostPID`],
  },
  {
    name: "hostIPC: true",
    mirrors: "hostNamespaces_1_0: HostIPC",
    mutate: (spec) => (spec.hostIPC = true),
    baseline: [`${P} spec.hostIPC`],
    restricted: [`${P} spec.hostIPC`],
  },
  {
    name: "all three at once are each reported",
    mirrors: "hostNamespaces_1_0 lists every shared namespace",
    mutate: (spec) => Object.assign(spec, { hostNetwork: true, hostPID: true, hostIPC: true }),
    baseline: [`${P} spec.hostNetwork`, `${P} spec.hostPID`, `${P} spec.hostIPC`],
    restricted: [`${P} spec.hostNetwork`, `${P} spec.hostPID`, `${P} spec.hostIPC`],
  },
  {
    name: "explicit false is allowed",
    mirrors: "allowed values: undefined, false",
    mutate: (spec) => Object.assign(spec, { hostNetwork: false, hostPID: false, hostIPC: false }),
    baseline: [],
    restricted: [],
  },
]);
