import { describePodSecurityTable } from "./table";

const R = "pod-security-restricted-run-as-user";

// Mirrors upstream policy/check_runAsUser.go (runAsUser1_23, runAsUser1_35) and test/fixtures_runAsUser.go.
describePodSecurityTable("runAsUser (restricted)", [
  {
    name: "pod runAsUser: 0",
    mirrors: "runAsUser1_23: pod RunAsUser == 0",
    mutate: (spec) => (spec.securityContext.runAsUser = 0),
    baseline: [],
    restricted: [`${R} spec.securityContext.runAsUser`],
  },
  {
    name: "init container runAsUser: 0 under a non-root pod",
    mirrors: "runAsUser1_23: container RunAsUser == 0",
    mutate: (spec) => {
      spec.securityContext.runAsUser = 1000;
      spec.initContainers[0].securityContext.runAsUser = 0;
    },
    baseline: [],
    restricted: [`${R} spec.initContainers[0].securityContext.runAsUser`],
  },
  {
    name: "non-zero UIDs are allowed",
    mirrors: "allowed values: non-zero, undefined",
    mutate: (spec) => {
      spec.securityContext.runAsUser = 1000;
      spec.containers[0].securityContext.runAsUser = 65534;
    },
    baseline: [],
    restricted: [],
  },
  {
    name: "user namespaces relax it from 1.35",
    mirrors: "runAsUser1_35: relaxPolicyForUserNamespacePod",
    mutate: (spec) => {
      spec.hostUsers = false;
      spec.containers[0].securityContext.runAsUser = 0;
    },
    baseline: [],
    restricted: [],
  },
  {
    name: "the check does not exist in the 1.22 policy",
    mirrors: "CheckRunAsUser MinimumVersion 1.23",
    version: "v1.22",
    mutate: (spec) => (spec.securityContext.runAsUser = 0),
    baseline: [],
    restricted: [],
  },
]);
