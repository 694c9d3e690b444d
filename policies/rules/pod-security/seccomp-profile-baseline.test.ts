import { describePodSecurityTable } from "./table";

const B = "pod-security-baseline-seccomp";
const R = "pod-security-restricted-seccomp";
const POD_ANN = "seccomp.security.alpha.kubernetes.io/pod";
const CTR_ANN = "container.seccomp.security.alpha.kubernetes.io";

// Mirrors upstream policy/check_seccompProfile_baseline.go (seccompProfileBaseline_1_0 on annotations,
// seccompProfileBaseline_1_19 on fields) and test/fixtures_seccompProfile_baseline.go.
describePodSecurityTable("seccompProfile_baseline", [
  {
    name: "pod-level Unconfined",
    mirrors: "seccompProfileBaseline_1_19: pod SeccompProfile.Type; restricted also finds every container unprotected",
    mutate: (spec) => (spec.securityContext.seccompProfile = { type: "Unconfined" }),
    baseline: [`${B} spec.securityContext.seccompProfile.type`],
    restricted: [
      `${R} spec.securityContext.seccompProfile.type`,
      `${R} spec.initContainers[0].securityContext.seccompProfile.type`,
      `${R} spec.containers[0].securityContext.seccompProfile.type`,
    ],
  },
  {
    name: "container Unconfined",
    mirrors: "seccompProfileBaseline_1_19: visitContainers",
    mutate: (spec) => (spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" }),
    baseline: [`${B} spec.containers[0].securityContext.seccompProfile.type`],
    restricted: [`${R} spec.containers[0].securityContext.seccompProfile.type`],
  },
  {
    name: "a profile without a type",
    mirrors: "validSeccomp(\"\") is false",
    mutate: (spec) => (spec.initContainers[0].securityContext.seccompProfile = {}),
    baseline: [`${B} spec.initContainers[0].securityContext.seccompProfile.type`],
    restricted: [`${R} spec.initContainers[0].securityContext.seccompProfile.type`],
  },
  {
    name: "the deprecated annotations are ignored from 1.19",
    mirrors: "seccompProfileBaseline_1_19 does not read annotations",
    mutate: (_spec, meta) => (meta.annotations = { [POD_ANN]: "unconfined", [`${CTR_ANN}/app`]: "unconfined" }),
    baseline: [],
    restricted: [],
  },
  {
    name: "the 1.18 policy checks the annotations",
    mirrors: "seccompProfileBaseline_1_0; restricted/v1.18 has no seccompProfile_restricted yet",
    version: "v1.18",
    mutate: (_spec, meta) => (meta.annotations = { [POD_ANN]: "unconfined", [`${CTR_ANN}/init`]: "unconfined", [`${CTR_ANN}/ghost`]: "unconfined" }),
    baseline: [`${B} metadata.annotations["${POD_ANN}"]`, `${B} metadata.annotations["${CTR_ANN}/init"]`],
    restricted: [`${B} metadata.annotations["${POD_ANN}"]`, `${B} metadata.annotations["${CTR_ANN}/init"]`],
  },
  {
    name: "the 1.18 policy ignores the fields",
    mirrors: "seccompProfileBaseline_1_0 reads annotations only",
    version: "v1.18",
    mutate: (spec) => (spec.securityContext.seccompProfile = { type: "Unconfined" }),
    baseline: [],
    restricted: [],
  },
  {
    name: "Localhost and the allowed annotation values pass",
    mirrors: "validSeccomp; validSeccompAnnotationValue (runtime/default, docker/default, localhost/*)",
    version: "v1.18",
    mutate: (spec, meta) => {
      spec.containers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "profiles/audit.json" };
      meta.annotations = { [POD_ANN]: "runtime/default", [`${CTR_ANN}/app`]: "localhost/audit.json", [`${CTR_ANN}/init`]: "docker/default" };
    },
    baseline: [],
    restricted: [],
  },
]);
