import { describePodSecurityTable } from "./table";

const R = "pod-security-restricted-seccomp";
const APP = "spec.containers[0].securityContext.seccompProfile.type";
const INIT = "spec.initContainers[0].securityContext.seccompProfile.type";

// Mirrors upstream policy/check_seccompProfile_restricted.go (seccompProfileRestricted_1_19, _1_25) and
// test/fixtures_seccompProfile_restricted.go.
describePodSecurityTable("seccompProfile_restricted", [
  {
    name: "no profile anywhere",
    mirrors: "seccompProfileRestricted_1_19: implicitly bad containers",
    mutate: (spec) => delete spec.securityContext.seccompProfile,
    baseline: [],
    restricted: [`${R} ${APP}`, `${R} ${INIT}`],
  },
  {
    name: "every container sets RuntimeDefault, pod unset",
    mirrors: "container-level profiles satisfy the check",
    mutate: (spec) => {
      delete spec.securityContext.seccompProfile;
      spec.containers[0].securityContext.seccompProfile = { type: "RuntimeDefault" };
      spec.initContainers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "p.json" };
    },
    baseline: [],
    restricted: [],
  },
  {
    name: "only one container sets it",
    mirrors: "the init container has neither its own nor a pod-level profile",
    mutate: (spec) => {
      delete spec.securityContext.seccompProfile;
      spec.containers[0].securityContext.seccompProfile = { type: "RuntimeDefault" };
    },
    baseline: [],
    restricted: [`${R} ${INIT}`],
  },
  {
    name: "container Unconfined under a RuntimeDefault pod",
    mirrors: "explicitly bad container overrides the pod default",
    mutate: (spec) => (spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" }),
    baseline: ["pod-security-baseline-seccomp spec.containers[0].securityContext.seccompProfile.type"],
    restricted: [`${R} ${APP}`],
  },
  {
    name: "Windows pods are exempt from 1.25",
    mirrors: "seccompProfileRestricted_1_25: podSpec.OS.Name == windows",
    mutate: (spec) => {
      spec.os = { name: "windows" };
      delete spec.securityContext.seccompProfile;
    },
    baseline: [],
    restricted: [],
  },
  {
    name: "Windows pods are not exempt under the 1.24 policy",
    mirrors: "seccompProfileRestricted_1_19 before 1.25",
    version: "v1.24",
    mutate: (spec) => {
      spec.os = { name: "windows" };
      delete spec.securityContext.seccompProfile;
    },
    baseline: [],
    restricted: [`${R} ${APP}`, `${R} ${INIT}`],
  },
]);
