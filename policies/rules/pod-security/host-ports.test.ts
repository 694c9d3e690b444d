import { describePodSecurityTable } from "./table";

const P = "pod-security-baseline-host-ports";

// Mirrors upstream policy/check_hostPorts.go (hostPorts_1_0) and test/fixtures_hostPorts.go.
describePodSecurityTable("hostPorts (baseline)", [
  {
    name: "container hostPort",
    mirrors: "hostPorts_1_0: ports[*].HostPort != 0",
    mutate: (spec) => (spec.containers[0].ports = [{ containerPort: 8080, hostPort: 8080 }]),
    baseline: [`${P} spec.containers[0].ports[0].hostPort`],
    restricted: [`${P} spec.containers[0].ports[0].hostPort`],
  },
  {
    name: "init container hostPort on its second port",
    mirrors: "hostPorts_1_0: init containers and every port are visited",
    mutate: (spec) => (spec.initContainers[0].ports = [{ containerPort: 80 }, { containerPort: 9090, hostPort: 19090 }]),
    baseline: [`${P} spec.initContainers[0].ports[1].hostPort`],
    restricted: [`${P} spec.initContainers[0].ports[1].hostPort`],
  },
  {
    name: "hostPort: 0 is allowed",
    mirrors: "allowed values: undefined/0",
    mutate: (spec) => (spec.containers[0].ports = [{ containerPort: 8080, hostPort: 0, protocol: "TCP" }]),
    baseline: [],
    restricted: [],
  },
]);
