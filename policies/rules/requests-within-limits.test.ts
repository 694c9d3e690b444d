import type { Loose } from "../testing";
import { clone, specOf, violationsOfRule, workload } from "../testing";
import { requestsWithinLimitsRule } from "./requests-within-limits";

const P = "quota-requests-within-limits";
const C = "spec.template.spec.containers[0].resources";

describe(P, () => {
  it.each<[string, (spec: Loose) => void, string[]]>([
    ["requests below limits", () => {}, []],
    ["equal in different notations (100m = 0.1, 1Gi = 1024Mi)", (s) => (s.containers[0].resources = { requests: { cpu: "100m", memory: "1024Mi" }, limits: { cpu: "0.1", memory: "1Gi" } }), []],
    ["CPU request above the limit", (s) => (s.containers[0].resources.requests.cpu = "2"), [`${P} ${C}.requests.cpu`]],
    ["1Gi request over a 1G limit (binary vs decimal)", (s) => (s.containers[0].resources = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1G" } }), [`${P} ${C}.requests.memory`]],
    ["numbers from YAML", (s) => (s.containers[0].resources = { requests: { cpu: 2, memory: "1Gi" }, limits: { cpu: 1.5, memory: "2Gi" } }), [`${P} ${C}.requests.cpu`]],
    ["init container memory", (s) => (s.initContainers[0].resources.requests.memory = "512Mi"), [`${P} spec.template.spec.initContainers[0].resources.requests.memory`]],
    ["an invalid quantity", (s) => (s.containers[0].resources.limits.memory = "1.5 GB"), [`${P} ${C}.limits.memory`]],
    ["extended resources are compared too", (s) => (s.containers[0].resources = { ...s.containers[0].resources, requests: { ...s.containers[0].resources.requests, "ephemeral-storage": "2Gi" }, limits: { ...s.containers[0].resources.limits, "ephemeral-storage": "1Gi" } }), [`${P} ${C}.requests.ephemeral-storage`]],
    ["pod-level resources", (s) => (s.resources = { requests: { cpu: "4" }, limits: { cpu: "2" } }), [`${P} spec.template.spec.resources.requests.cpu`]],
  ])("%s", (_name, mutate, expected) => {
    const obj = clone(workload("Deployment"));
    mutate(specOf(obj));
    expect(violationsOfRule(requestsWithinLimitsRule, [obj])).toEqual(expected);
  });
});
