import { describePodSecurityTable } from "./table";

const P = "pod-security-baseline-apparmor";
const ANN = "container.apparmor.security.beta.kubernetes.io";

// Mirrors upstream policy/check_appArmorProfile.go (appArmorProfile_1_0) and test/fixtures_appArmorProfile.go.
describePodSecurityTable("appArmorProfile (baseline)", [
  {
    name: "pod-level Unconfined",
    mirrors: "appArmorProfile_1_0: pod AppArmorProfile.Type not RuntimeDefault/Localhost",
    mutate: (spec) => (spec.securityContext.appArmorProfile = { type: "Unconfined" }),
    baseline: [`${P} spec.securityContext.appArmorProfile.type`],
    restricted: [`${P} spec.securityContext.appArmorProfile.type`],
  },
  {
    name: "init container Unconfined",
    mirrors: "appArmorProfile_1_0: visitContainers",
    mutate: (spec) => (spec.initContainers[0].securityContext.appArmorProfile = { type: "Unconfined" }),
    baseline: [`${P} spec.initContainers[0].securityContext.appArmorProfile.type`],
    restricted: [`${P} spec.initContainers[0].securityContext.appArmorProfile.type`],
  },
  {
    name: "a profile without a type",
    mirrors: "allowedProfileType(\"\") is false",
    mutate: (spec) => (spec.containers[0].securityContext.appArmorProfile = {}),
    baseline: [`${P} spec.containers[0].securityContext.appArmorProfile.type`],
    restricted: [`${P} spec.containers[0].securityContext.appArmorProfile.type`],
  },
  {
    name: "deprecated annotation unconfined",
    mirrors: "fixtures_appArmorProfile.go fail: container annotation = unconfined",
    mutate: (_spec, meta) => (meta.annotations = { [`${ANN}/app`]: "unconfined" }),
    baseline: [`${P} metadata.annotations["${ANN}/app"]`],
    restricted: [`${P} metadata.annotations["${ANN}/app"]`],
  },
  {
    name: "annotation for a container that does not exist still counts",
    mirrors: "appArmorProfile_1_0 checks every annotation key with the prefix",
    mutate: (_spec, meta) => (meta.annotations = { [`${ANN}/ghost`]: "unconfined" }),
    baseline: [`${P} metadata.annotations["${ANN}/ghost"]`],
    restricted: [`${P} metadata.annotations["${ANN}/ghost"]`],
  },
  {
    name: "RuntimeDefault, Localhost, runtime/default, localhost/* and empty are allowed",
    mirrors: "fixtures_appArmorProfile.go pass cases; allowedAnnotationValue",
    mutate: (spec, meta) => {
      spec.securityContext.appArmorProfile = { type: "RuntimeDefault" };
      spec.containers[0].securityContext.appArmorProfile = { type: "Localhost", localhostProfile: "k8s-apparmor-example" };
      meta.annotations = { [`${ANN}/app`]: "runtime/default", [`${ANN}/init`]: "localhost/foo", [`${ANN}/x`]: "" };
    },
    baseline: [],
    restricted: [],
  },
]);
