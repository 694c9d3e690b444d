import { describePodSecurityTable } from "./table";

const R = "pod-security-restricted-run-as-non-root";
const APP = "spec.containers[0].securityContext.runAsNonRoot";
const INIT = "spec.initContainers[0].securityContext.runAsNonRoot";

// Mirrors upstream policy/check_runAsNonRoot.go (runAsNonRoot1_0, runAsNonRoot1_35) and
// test/fixtures_runAsNonRoot.go.
describePodSecurityTable("runAsNonRoot (restricted)", [
  {
    name: "neither pod nor containers set it",
    mirrors: "fixture fail: all nil (implicitly bad containers)",
    mutate: (spec) => delete spec.securityContext.runAsNonRoot,
    baseline: [],
    restricted: [`${R} ${APP}`, `${R} ${INIT}`],
  },
  {
    name: "pod false, even when every container says true",
    mirrors: "fixture fail: pod RunAsNonRoot=false (explicitly bad pod)",
    mutate: (spec) => {
      spec.securityContext.runAsNonRoot = false;
      spec.containers[0].securityContext.runAsNonRoot = true;
      spec.initContainers[0].securityContext.runAsNonRoot = true;
    },
    baseline: [],
    restricted: [`${R} spec.securityContext.runAsNonRoot`],
  },
  {
    name: "container false overrides pod true",
    mirrors: "fixture fail: container RunAsNonRoot=false",
    mutate: (spec) => (spec.containers[0].securityContext.runAsNonRoot = false),
    baseline: [],
    restricted: [`${R} ${APP}`],
  },
  {
    name: "every container true, pod unset",
    mirrors: "fixture pass: containers set, pod nil",
    mutate: (spec) => {
      delete spec.securityContext.runAsNonRoot;
      spec.containers[0].securityContext.runAsNonRoot = true;
      spec.initContainers[0].securityContext.runAsNonRoot = true;
    },
    baseline: [],
    restricted: [],
  },
  {
    name: "user namespaces relax it from 1.35",
    mirrors: "runAsNonRoot1_35: relaxPolicyForUserNamespacePod",
    mutate: (spec) => {
      spec.hostUsers = false;
      spec.securityContext.runAsNonRoot = false;
    },
    baseline: [],
    restricted: [],
  },
  {
    name: "user namespaces do not relax the 1.34 policy",
    mirrors: "runAsNonRoot1_0 before 1.35",
    version: "v1.34",
    mutate: (spec) => {
      spec.hostUsers = false;
      delete spec.securityContext.runAsNonRoot;
    },
    baseline: [],
    restricted: [`${R} ${APP}`, `${R} ${INIT}`],
  },
  {
    name: "hostUsers: true is no user namespace",
    mirrors: "relaxPolicyForUserNamespacePod requires HostUsers == false",
    mutate: (spec) => {
      spec.hostUsers = true;
      delete spec.securityContext.runAsNonRoot;
    },
    baseline: [],
    restricted: [`${R} ${APP}`, `${R} ${INIT}`],
  },
  {
    name: "Windows pods are not exempt",
    mirrors: "runAsNonRoot has no Windows variant",
    mutate: (spec) => {
      spec.os = { name: "windows" };
      delete spec.securityContext.runAsNonRoot;
    },
    baseline: [],
    restricted: [`${R} ${APP}`, `${R} ${INIT}`],
  },
]);
