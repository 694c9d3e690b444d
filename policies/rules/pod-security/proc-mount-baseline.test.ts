import { describePodSecurityTable } from "./table";

const B = "pod-security-baseline-proc-mount";
const R = "pod-security-restricted-proc-mount";
const PATH = "spec.containers[0].securityContext.procMount";

// Mirrors upstream policy/check_procMount_baseline.go (procMount_1_0, procMount1_35baseline) and
// test/fixtures_procMount.go; at restricted (1.35+) procMount_restricted overrides it.
describePodSecurityTable("procMount (baseline)", [
  {
    name: "Unmasked",
    mirrors: "procMount_1_0: ProcMount != Default",
    mutate: (spec) => (spec.containers[0].securityContext.procMount = "Unmasked"),
    baseline: [`${B} ${PATH}`],
    restricted: [`${R} ${PATH}`],
  },
  {
    name: "Unmasked in a user namespace passes baseline from 1.35, never restricted",
    mirrors: "procMount1_35baseline relaxPolicyForUserNamespacePod; procMount_restricted is unconditional",
    mutate: (spec) => {
      spec.hostUsers = false;
      spec.initContainers[0].securityContext.procMount = "Unmasked";
    },
    baseline: [],
    restricted: [`${R} spec.initContainers[0].securityContext.procMount`],
  },
  {
    name: "Unmasked in a user namespace under the 1.34 policy",
    mirrors: "procMount_1_0 applies to every version before 1.35 (the relaxation was behind a removed alpha gate)",
    version: "v1.34",
    mutate: (spec) => {
      spec.hostUsers = false;
      spec.containers[0].securityContext.procMount = "Unmasked";
    },
    baseline: [`${B} ${PATH}`],
    restricted: [`${B} ${PATH}`],
  },
  {
    name: "Default is allowed",
    mirrors: "allowed values: undefined/null, Default",
    mutate: (spec) => (spec.containers[0].securityContext.procMount = "Default"),
    baseline: [],
    restricted: [],
  },
]);
