import { describePodSecurityTable } from "./table";

const P = "pod-security-baseline-sysctls";
const NAME0 = "spec.securityContext.sysctls[0].name";

// Mirrors upstream policy/check_sysctls.go (sysctlsV1Dot0/27/29/32) and test/fixtures_sysctls.go.
describePodSecurityTable("sysctls (baseline)", [
  {
    name: "an unsafe sysctl",
    mirrors: "sysctls: name not in the allowed set",
    mutate: (spec) => (spec.securityContext.sysctls = [{ name: "kernel.msgmax", value: "65536" }]),
    baseline: [`${P} ${NAME0}`],
    restricted: [`${P} ${NAME0}`],
  },
  {
    name: "the second entry is unsafe",
    mirrors: "every sysctl is checked",
    mutate: (spec) => (spec.securityContext.sysctls = [{ name: "net.ipv4.tcp_syncookies", value: "1" }, { name: "vm.swappiness", value: "10" }]),
    baseline: [`${P} spec.securityContext.sysctls[1].name`],
    restricted: [`${P} spec.securityContext.sysctls[1].name`],
  },
  {
    name: "tcp_rmem is safe in the newest policy",
    mirrors: "sysctlsAllowedV1Dot32",
    mutate: (spec) => (spec.securityContext.sysctls = [{ name: "net.ipv4.tcp_rmem", value: "4096 87380 16777216" }]),
    baseline: [],
    restricted: [],
  },
  {
    name: "tcp_rmem under the 1.31 policy",
    mirrors: "sysctlsAllowedV1Dot29 lacks tcp_rmem",
    version: "v1.31",
    mutate: (spec) => (spec.securityContext.sysctls = [{ name: "net.ipv4.tcp_rmem", value: "4096 87380 16777216" }]),
    baseline: [`${P} ${NAME0}`],
    restricted: [`${P} ${NAME0}`],
  },
  {
    name: "ip_local_reserved_ports under the 1.26 policy",
    mirrors: "sysctlsAllowedV1Dot27 adds ip_local_reserved_ports",
    version: "v1.26",
    mutate: (spec) => (spec.securityContext.sysctls = [{ name: "net.ipv4.ip_local_reserved_ports", value: "30000-30100" }]),
    baseline: [`${P} ${NAME0}`],
    restricted: [`${P} ${NAME0}`],
  },
  {
    name: "sysctls only announced for the unreleased 1.37 policy are not safe yet",
    mirrors: "sysctlsAllowedV1Dot37 is not in a released policy",
    mutate: (spec) => (spec.securityContext.sysctls = [{ name: "net.ipv4.tcp_slow_start_after_idle", value: "0" }]),
    baseline: [`${P} ${NAME0}`],
    restricted: [`${P} ${NAME0}`],
  },
  {
    name: "the slash spelling is not in the set",
    mirrors: "sysctl names are compared exactly",
    mutate: (spec) => (spec.securityContext.sysctls = [{ name: "net/ipv4/tcp_syncookies", value: "1" }]),
    baseline: [`${P} ${NAME0}`],
    restricted: [`${P} ${NAME0}`],
  },
]);
