import type { Loose } from "../testing";
import { clone, settings, specOf, violationsOfRule, workload } from "../testing";
import { hostAccessRule } from "./host-access";

const P = "isolation-host-access";

describe(P, () => {
  it.each<[string, string, string | undefined, (spec: Loose) => void, string[]]>([
    ["hostNetwork in an app namespace", "DaemonSet", "apps", (s) => (s.hostNetwork = true), [`${P} spec.template.spec.hostNetwork`]],
    ["hostPID and hostIPC", "Pod", "apps", (s) => Object.assign(s, { hostPID: true, hostIPC: true }), [`${P} spec.hostPID`, `${P} spec.hostIPC`]],
    ["hostPath volume in a CronJob", "CronJob", "apps", (s) => (s.volumes = [{ name: "h", hostPath: { path: "/etc" } }]), [`${P} spec.jobTemplate.spec.template.spec.volumes[0].hostPath`]],
    ["objects without a namespace are not system", "Pod", undefined, (s) => (s.hostNetwork = true), [`${P} spec.hostNetwork`]],
    ["kube-system may", "DaemonSet", "kube-system", (s) => Object.assign(s, { hostNetwork: true, hostPID: true, volumes: [{ name: "h", hostPath: { path: "/" } }] }), []],
    ["kube-node-lease and kube-public may", "Pod", "kube-public", (s) => (s.hostIPC = true), []],
    ["false is fine", "Pod", "apps", (s) => Object.assign(s, { hostNetwork: false, hostPID: false, hostIPC: false }), []],
  ])("%s", (_name, kind, ns, mutate, expected) => {
    const obj = clone(workload(kind, ns ?? "x"));
    if (ns === undefined) delete obj.metadata.namespace;
    mutate(specOf(obj));
    expect(violationsOfRule(hostAccessRule, [obj])).toEqual(expected);
  });

  it("system namespaces are configurable", () => {
    const obj = clone(workload("DaemonSet", "datadog"));
    specOf(obj).hostPID = true;
    expect(violationsOfRule(hostAccessRule, [obj], { settings: settings({ systemNamespaces: ["kube-system", "datadog"] }) })).toEqual([]);
  });
});
