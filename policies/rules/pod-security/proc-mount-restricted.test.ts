import { compliantContainer } from "../../testing";
import { describePodSecurityTable } from "./table";

const B = "pod-security-baseline-proc-mount";
const R = "pod-security-restricted-proc-mount";

// Mirrors upstream policy/check_procMount_restricted.go (procMount_restricted, 1.35+) and test/fixtures_procMount.go.
describePodSecurityTable("procMount_restricted", [
  {
    name: "user namespace does not relax restricted",
    mirrors: "procMount_restricted runs procMount_1_0 unconditionally",
    mutate: (spec) => {
      spec.hostUsers = false;
      spec.containers[0].securityContext.procMount = "Unmasked";
    },
    baseline: [],
    restricted: [`${R} spec.containers[0].securityContext.procMount`],
  },
  {
    name: "ephemeral container Unmasked",
    mirrors: "visitContainers visits ephemeral containers",
    mutate: (spec) => {
      const debug = compliantContainer("debug");
      debug.securityContext.procMount = "Unmasked";
      spec.ephemeralContainers = [debug];
    },
    baseline: [`${B} spec.ephemeralContainers[0].securityContext.procMount`],
    restricted: [`${R} spec.ephemeralContainers[0].securityContext.procMount`],
  },
  {
    name: "an empty procMount is not Default",
    mirrors: "procMount_1_0 compares the string with Default",
    mutate: (spec) => (spec.containers[0].securityContext.procMount = ""),
    baseline: [`${B} spec.containers[0].securityContext.procMount`],
    restricted: [`${R} spec.containers[0].securityContext.procMount`],
  },
]);
