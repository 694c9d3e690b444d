import { compliantContainer } from "../../testing";
import { describePodSecurityTable } from "./table";

const P = "pod-security-baseline-host-process";

// Mirrors upstream policy/check_windowsHostProcess.go (windowsHostProcess_1_0) and test/fixtures_windowsHostProcess.go.
describePodSecurityTable("windowsHostProcess (baseline)", [
  {
    name: "pod-level hostProcess: true",
    mirrors: "windowsHostProcess_1_0: pod SecurityContext.WindowsOptions.HostProcess",
    mutate: (spec) => (spec.securityContext.windowsOptions = { hostProcess: true }),
    baseline: [`${P} spec.securityContext.windowsOptions.hostProcess`],
    restricted: [`${P} spec.securityContext.windowsOptions.hostProcess`],
  },
  {
    name: "container hostProcess: true",
    mirrors: "windowsHostProcess_1_0: visitContainers, container WindowsOptions.HostProcess",
    mutate: (spec) => (spec.containers[0].securityContext.windowsOptions = { hostProcess: true }),
    baseline: [`${P} spec.containers[0].securityContext.windowsOptions.hostProcess`],
    restricted: [`${P} spec.containers[0].securityContext.windowsOptions.hostProcess`],
  },
  {
    name: "init container hostProcess: true",
    mirrors: "windowsHostProcess_1_0: init containers are visited",
    mutate: (spec) => (spec.initContainers[0].securityContext.windowsOptions = { hostProcess: true }),
    baseline: [`${P} spec.initContainers[0].securityContext.windowsOptions.hostProcess`],
    restricted: [`${P} spec.initContainers[0].securityContext.windowsOptions.hostProcess`],
  },
  {
    name: "ephemeral container hostProcess: true",
    mirrors: "visitContainers also visits ephemeral containers",
    mutate: (spec) => {
      const debug = compliantContainer("debug");
      debug.securityContext.windowsOptions = { hostProcess: true };
      spec.ephemeralContainers = [debug];
    },
    baseline: [`${P} spec.ephemeralContainers[0].securityContext.windowsOptions.hostProcess`],
    restricted: [`${P} spec.ephemeralContainers[0].securityContext.windowsOptions.hostProcess`],
  },
  {
    name: "hostProcess: false and other windowsOptions are allowed",
    mirrors: "allowed values: undefined/false",
    mutate: (spec) => {
      spec.securityContext.windowsOptions = { hostProcess: false, runAsUserName: "ContainerUser" };
      spec.containers[0].securityContext.windowsOptions = { gmsaCredentialSpecName: "spec" };
    },
    baseline: [],
    restricted: [],
  },
]);
