import { describePodSecurityTable } from "./table";

const P = "pod-security-baseline-host-probes-lifecycle";

// Mirrors upstream policy/check_hostProbesAndhostLifecycle.go (hostProbesAndHostLifecycleV1Dot34) and
// test/fixtures_hostProbesAndHostLifecycle.go.
describePodSecurityTable("hostProbesAndHostLifecycle (baseline)", [
  {
    name: "livenessProbe.httpGet.host",
    mirrors: "getForbiddenHostProbes: HTTPGet.Host",
    mutate: (spec) => (spec.containers[0].livenessProbe = { httpGet: { host: "bad.host", port: 8080 } }),
    baseline: [`${P} spec.containers[0].livenessProbe.httpGet.host`],
    restricted: [`${P} spec.containers[0].livenessProbe.httpGet.host`],
  },
  {
    name: "sidecar init container readinessProbe.tcpSocket.host",
    mirrors: "fixture: restartable init container with TCPSocket.Host 8.8.8.8",
    mutate: (spec) => {
      spec.initContainers[0].restartPolicy = "Always";
      spec.initContainers[0].readinessProbe = { tcpSocket: { host: "8.8.8.8", port: 8080 } };
    },
    baseline: [`${P} spec.initContainers[0].readinessProbe.tcpSocket.host`],
    restricted: [`${P} spec.initContainers[0].readinessProbe.tcpSocket.host`],
  },
  {
    name: "lifecycle postStart.httpGet.host and preStop.tcpSocket.host",
    mirrors: "getForbiddenHostLifecycle: PostStart and PreStop, HTTPGet and (deprecated) TCPSocket",
    mutate: (spec) =>
      (spec.containers[0].lifecycle = {
        postStart: { httpGet: { host: "127.0.0.1", port: 80 } },
        preStop: { tcpSocket: { host: "::1", port: 80 } },
      }),
    baseline: [`${P} spec.containers[0].lifecycle.postStart.httpGet.host`, `${P} spec.containers[0].lifecycle.preStop.tcpSocket.host`],
    restricted: [`${P} spec.containers[0].lifecycle.postStart.httpGet.host`, `${P} spec.containers[0].lifecycle.preStop.tcpSocket.host`],
  },
  {
    name: "the check does not exist in the 1.33 policy",
    mirrors: "CheckHostProbesAndHostLifecycle MinimumVersion 1.34",
    version: "v1.33",
    mutate: (spec) => (spec.containers[0].startupProbe = { httpGet: { host: "169.254.169.254", port: 80 } }),
    baseline: [],
    restricted: [],
  },
  {
    name: "probes without a host (and gRPC/exec probes) are allowed",
    mirrors: "fixture pass cases; allowed values: \"\", undefined",
    mutate: (spec) => {
      spec.containers[0].livenessProbe = { httpGet: { path: "/healthz", port: 8080, host: "" } };
      spec.containers[0].readinessProbe = { tcpSocket: { port: 8080 } };
      spec.containers[0].startupProbe = { grpc: { port: 9090 } };
      spec.containers[0].lifecycle = { preStop: { exec: { command: ["sleep", "5"] } } };
    },
    baseline: [],
    restricted: [],
  },
]);
