import { compliantContainer } from "../../testing";
import { describePodSecurityTable } from "./table";

const P = "pod-security-baseline-privileged";

// Mirrors upstream policy/check_privileged.go (privileged_1_0) and test/fixtures_privileged.go.
describePodSecurityTable("privileged (baseline)", [
  {
    name: "container privileged: true",
    mirrors: "privileged_1_0: container SecurityContext.Privileged",
    mutate: (spec) => (spec.containers[0].securityContext.privileged = true),
    baseline: [`${P} spec.containers[0].securityContext.privileged`],
    restricted: [`${P} spec.containers[0].securityContext.privileged`],
  },
  {
    name: "init container privileged: true",
    mirrors: "privileged_1_0: init containers are visited",
    mutate: (spec) => (spec.initContainers[0].securityContext.privileged = true),
    baseline: [`${P} spec.initContainers[0].securityContext.privileged`],
    restricted: [`${P} spec.initContainers[0].securityContext.privileged`],
  },
  {
    name: "ephemeral container privileged: true",
    mirrors: "visitContainers visits ephemeral containers",
    mutate: (spec) => {
      const debug = compliantContainer("debug");
      debug.securityContext.privileged = true;
      spec.ephemeralContainers = [debug];
    },
    baseline: [`${P} spec.ephemeralContainers[0].securityContext.privileged`],
    restricted: [`${P} spec.ephemeralContainers[0].securityContext.privileged`],
  },
  {
    name: "privileged: false is allowed",
    mirrors: "allowed values: false, undefined/null",
    mutate: (spec) => (spec.containers[0].securityContext.privileged = false),
    baseline: [],
    restricted: [],
  },
]);
