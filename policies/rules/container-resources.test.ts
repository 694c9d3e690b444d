import type { Loose } from "../testing";
import { clone, compliantContainer, specOf, violationsOfRule, workload } from "../testing";
import { containerResourcesRule } from "./container-resources";

const P = "quota-container-resources";

describe(P, () => {
  it.each<[string, string, (spec: Loose) => void, string[]]>([
    ["all set", "Deployment", () => {}, []],
    [
      "no resources on the container",
      "Deployment",
      (spec) => delete spec.containers[0].resources,
      ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"].map((f) => `${P} spec.template.spec.containers[0].resources.${f}`),
    ],
    ["init container without a memory limit", "Pod", (spec) => delete spec.initContainers[0].resources.limits.memory, [`${P} spec.initContainers[0].resources.limits.memory`]],
    ["CronJob template container without a CPU request", "CronJob", (spec) => delete spec.containers[0].resources.requests.cpu, [`${P} spec.jobTemplate.spec.template.spec.containers[0].resources.requests.cpu`]],
    [
      "ephemeral containers are exempt (the API forbids their resources)",
      "Pod",
      (spec) => {
        const debug = compliantContainer("debug");
        delete debug.resources;
        spec.ephemeralContainers = [debug];
      },
      [],
    ],
    [
      "pod-level resources cover the containers",
      "Pod",
      (spec) => {
        delete spec.containers[0].resources;
        delete spec.initContainers[0].resources;
        spec.resources = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } };
      },
      [],
    ],
    [
      "pod-level resources cover only what they set",
      "Pod",
      (spec) => {
        delete spec.containers[0].resources;
        spec.resources = { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "2Gi" } };
      },
      [`${P} spec.containers[0].resources.limits.cpu`],
    ],
  ])("%s (%s)", (_name, kind, mutate, expected) => {
    const obj = clone(workload(kind));
    mutate(specOf(obj));
    expect(violationsOfRule(containerResourcesRule, [obj])).toEqual(expected);
  });

  it("ignores objects without pods", () => {
    expect(violationsOfRule(containerResourcesRule, [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }])).toEqual([]);
  });
});
