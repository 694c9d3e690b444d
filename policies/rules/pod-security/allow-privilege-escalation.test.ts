import { compliantContainer } from "../../testing";
import { describePodSecurityTable } from "./table";

const R = "pod-security-restricted-privilege-escalation";

// Mirrors upstream policy/check_allowPrivilegeEscalation.go (allowPrivilegeEscalation_1_8, _1_25) and
// test/fixtures_allowPrivilegeEscalation.go.
describePodSecurityTable("allowPrivilegeEscalation (restricted)", [
  {
    name: "unset",
    mirrors: "allowPrivilegeEscalation_1_8: AllowPrivilegeEscalation == nil",
    mutate: (spec) => delete spec.containers[0].securityContext.allowPrivilegeEscalation,
    baseline: [],
    restricted: [`${R} spec.containers[0].securityContext.allowPrivilegeEscalation`],
  },
  {
    name: "true on the init container",
    mirrors: "allowPrivilegeEscalation_1_8: *AllowPrivilegeEscalation == true",
    mutate: (spec) => (spec.initContainers[0].securityContext.allowPrivilegeEscalation = true),
    baseline: [],
    restricted: [`${R} spec.initContainers[0].securityContext.allowPrivilegeEscalation`],
  },
  {
    name: "ephemeral container without a securityContext",
    mirrors: "SecurityContext == nil; capabilities_restricted reports the missing drop too",
    mutate: (spec) => {
      const debug = compliantContainer("debug");
      delete debug.securityContext;
      spec.ephemeralContainers = [debug];
    },
    baseline: [],
    restricted: [
      `${R} spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation`,
      "pod-security-restricted-capabilities spec.ephemeralContainers[0].securityContext.capabilities.drop",
    ],
  },
  {
    name: "Windows pods are exempt from 1.25",
    mirrors: "allowPrivilegeEscalation_1_25: podSpec.OS.Name == windows",
    mutate: (spec) => {
      spec.os = { name: "windows" };
      delete spec.containers[0].securityContext.allowPrivilegeEscalation;
    },
    baseline: [],
    restricted: [],
  },
  {
    name: "Windows pods are not exempt under the 1.24 policy",
    mirrors: "allowPrivilegeEscalation_1_8 applies before 1.25",
    version: "v1.24",
    mutate: (spec) => {
      spec.os = { name: "windows" };
      delete spec.containers[0].securityContext.allowPrivilegeEscalation;
    },
    baseline: [],
    restricted: [`${R} spec.containers[0].securityContext.allowPrivilegeEscalation`],
  },
  {
    name: "os linux is not exempt",
    mirrors: "only windows is exempt",
    mutate: (spec) => {
      spec.os = { name: "linux" };
      spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    },
    baseline: [],
    restricted: [`${R} spec.containers[0].securityContext.allowPrivilegeEscalation`],
  },
]);
