import { describePodSecurityTable } from "./table";

const B = "pod-security-baseline-capabilities";
const R = "pod-security-restricted-capabilities";
const ADD = "spec.containers[0].securityContext.capabilities.add";

// Mirrors upstream policy/check_capabilities_baseline.go (capabilitiesBaseline_1_0) and
// test/fixtures_capabilities_baseline.go. At restricted (1.22+) capabilities_restricted overrides this check.
describePodSecurityTable("capabilities_baseline", [
  {
    name: "adding NET_RAW",
    mirrors: "capabilitiesBaseline_1_0: NET_RAW is outside capabilities_allowed_1_0",
    mutate: (spec) => (spec.containers[0].securityContext.capabilities.add = ["NET_RAW"]),
    baseline: [`${B} ${ADD}`],
    restricted: [`${R} ${ADD}`],
  },
  {
    name: "adding a default capability (CHOWN) passes baseline only",
    mirrors: "capabilities_allowed_1_0 contains CHOWN; capabilitiesRestricted_1_22 allows only NET_BIND_SERVICE",
    mutate: (spec) => (spec.containers[0].securityContext.capabilities.add = ["CHOWN", "KILL"]),
    baseline: [],
    restricted: [`${R} ${ADD}`],
  },
  {
    name: "CAP_ prefix and lower case are not the default names",
    mirrors: "capabilitiesBaseline_1_0 compares capability strings exactly",
    mutate: (spec) => (spec.initContainers[0].securityContext.capabilities.add = ["CAP_CHOWN", "chown"]),
    baseline: [`${B} spec.initContainers[0].securityContext.capabilities.add`],
    restricted: [`${R} spec.initContainers[0].securityContext.capabilities.add`],
  },
  {
    name: "before 1.22 the baseline check also covers restricted namespaces",
    mirrors: "registry.go overrides: capabilities_restricted starts at 1.22, so restricted/v1.21 runs capabilities_baseline",
    version: "v1.21",
    mutate: (spec) => (spec.containers[0].securityContext.capabilities.add = ["SYS_ADMIN"]),
    baseline: [`${B} ${ADD}`],
    restricted: [`${B} ${ADD}`],
  },
  {
    name: "NET_BIND_SERVICE is allowed at both levels",
    mirrors: "in capabilities_allowed_1_0 and the single restricted exception",
    mutate: (spec) => (spec.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE"]),
    baseline: [],
    restricted: [],
  },
]);
