import type { Loose } from "../testing";
import { namespace, violationsOfRule, workspace } from "../testing";
import { defaultDenyNetworkPolicyRule, isDefaultDeny } from "./default-deny-network-policy";

const P = "isolation-default-deny";
const policy = (spec: Loose): Loose => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p", namespace: "ws-a" }, spec });

describe(P, () => {
  it.each<[string, Loose, boolean]>([
    ["podSelector {}, both types, no rules", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, true],
    ["empty rule lists", { podSelector: { matchLabels: {} }, policyTypes: ["Egress", "Ingress"], ingress: [], egress: [] }, true],
    ["only Ingress", { podSelector: {}, policyTypes: ["Ingress"] }, false],
    ["policyTypes omitted (Kubernetes assumes Ingress)", { podSelector: {} }, false],
    ["selects some pods only", { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] }, false],
    ["selects by expression", { podSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] }, policyTypes: ["Ingress", "Egress"] }, false],
    ["allows something", { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] }, false],
    ["an allow-all ingress rule ({})", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}] }, false],
    ["no podSelector", { policyTypes: ["Ingress", "Egress"] }, false],
  ])("isDefaultDeny: %s", (_name, spec, expected) => {
    expect(isDefaultDeny(policy(spec))).toBe(expected);
  });

  it.each<[string, () => Loose[], string[]]>([
    ["a complete workspace", () => workspace("ws-a"), []],
    ["no NetworkPolicy", () => workspace("ws-a").filter((o) => o.kind !== "NetworkPolicy"), [`${P} metadata.name`]],
    [
      "only allow policies",
      () => [...workspace("ws-a").filter((o) => o.kind !== "NetworkPolicy"), policy({ podSelector: {}, policyTypes: ["Egress"], egress: [{}] })],
      [`${P} metadata.name`],
    ],
    ["non-workspace namespaces are not required to", () => [namespace("tools")], []],
  ])("%s", (_name, build, expected) => {
    expect(violationsOfRule(defaultDenyNetworkPolicyRule, build())).toEqual(expected);
  });
});
