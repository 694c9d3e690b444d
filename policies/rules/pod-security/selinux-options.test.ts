import { describePodSecurityTable } from "./table";

const P = "pod-security-baseline-selinux";

// Mirrors upstream policy/check_seLinuxOptions.go (seLinuxOptions1_0, seLinuxOptions1_31) and
// test/fixtures_seLinuxOptions.go.
describePodSecurityTable("seLinuxOptions (baseline)", [
  {
    name: "pod-level custom type",
    mirrors: "seLinuxOptions: type not in selinuxAllowedTypes",
    mutate: (spec) => (spec.securityContext.seLinuxOptions = { type: "spc_t" }),
    baseline: [`${P} spec.securityContext.seLinuxOptions.type`],
    restricted: [`${P} spec.securityContext.seLinuxOptions.type`],
  },
  {
    name: "container user and init container role",
    mirrors: "seLinuxOptions: user and role must be empty",
    mutate: (spec) => {
      spec.containers[0].securityContext.seLinuxOptions = { user: "system_u" };
      spec.initContainers[0].securityContext.seLinuxOptions = { role: "system_r" };
    },
    baseline: [`${P} spec.containers[0].securityContext.seLinuxOptions.user`, `${P} spec.initContainers[0].securityContext.seLinuxOptions.role`],
    restricted: [`${P} spec.containers[0].securityContext.seLinuxOptions.user`, `${P} spec.initContainers[0].securityContext.seLinuxOptions.role`],
  },
  {
    name: "container_engine_t is allowed from 1.31",
    mirrors: "selinuxAllowedTypes1_31 adds container_engine_t",
    mutate: (spec) => (spec.containers[0].securityContext.seLinuxOptions = { type: "container_engine_t" }),
    baseline: [],
    restricted: [],
  },
  {
    name: "container_engine_t is refused by the 1.30 policy",
    mirrors: "selinuxAllowedTypes1_0 (versions before 1.31)",
    version: "v1.30",
    mutate: (spec) => (spec.containers[0].securityContext.seLinuxOptions = { type: "container_engine_t" }),
    baseline: [`${P} spec.containers[0].securityContext.seLinuxOptions.type`],
    restricted: [`${P} spec.containers[0].securityContext.seLinuxOptions.type`],
  },
  {
    name: "container types and a level are allowed",
    mirrors: "allowed: container_t, container_init_t, container_kvm_t; level is not restricted",
    mutate: (spec) => {
      spec.securityContext.seLinuxOptions = { type: "container_t", level: "s0:c123,c456" };
      spec.initContainers[0].securityContext.seLinuxOptions = { type: "container_init_t" };
      spec.containers[0].securityContext.seLinuxOptions = { type: "container_kvm_t" };
    },
    baseline: [],
    restricted: [],
  },
]);
