import { describePodSecurityTable } from "./table";

const R = "pod-security-restricted-capabilities";
const DROP = "spec.containers[0].securityContext.capabilities.drop";
const ADD = "spec.containers[0].securityContext.capabilities.add";

// Mirrors upstream policy/check_capabilities_restricted.go (capabilitiesRestricted_1_22, _1_25) and
// test/fixtures_capabilities_restricted.go.
describePodSecurityTable("capabilities_restricted", [
  {
    name: "no capabilities at all",
    mirrors: "capabilitiesRestricted_1_22: Capabilities == nil → missing drop ALL",
    mutate: (spec) => delete spec.containers[0].securityContext.capabilities,
    baseline: [],
    restricted: [`${R} ${DROP}`],
  },
  {
    name: "dropping all in lower case, or only NET_RAW",
    mirrors: "drop must contain exactly \"ALL\"",
    mutate: (spec) => {
      spec.containers[0].securityContext.capabilities.drop = ["all"];
      spec.initContainers[0].securityContext.capabilities.drop = ["NET_RAW"];
    },
    baseline: [],
    restricted: [`${R} ${DROP}`, `${R} spec.initContainers[0].securityContext.capabilities.drop`],
  },
  {
    name: "adding SYS_TIME",
    mirrors: "only NET_BIND_SERVICE may be added; baseline refuses it too",
    mutate: (spec) => (spec.containers[0].securityContext.capabilities.add = ["SYS_TIME"]),
    baseline: ["pod-security-baseline-capabilities spec.containers[0].securityContext.capabilities.add"],
    restricted: [`${R} ${ADD}`],
  },
  {
    name: "drop ALL and add NET_BIND_SERVICE",
    mirrors: "fixture pass case",
    mutate: (spec) => (spec.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] }),
    baseline: [],
    restricted: [],
  },
  {
    name: "Windows pods are exempt from 1.25",
    mirrors: "capabilitiesRestricted_1_25: podSpec.OS.Name == windows",
    mutate: (spec) => {
      spec.os = { name: "windows" };
      delete spec.containers[0].securityContext.capabilities;
      delete spec.initContainers[0].securityContext.capabilities;
    },
    baseline: [],
    restricted: [],
  },
  {
    name: "the check does not exist in the 1.21 policy",
    mirrors: "CheckCapabilitiesRestricted MinimumVersion 1.22",
    version: "v1.21",
    mutate: (spec) => delete spec.containers[0].securityContext.capabilities,
    baseline: [],
    restricted: [],
  },
]);
