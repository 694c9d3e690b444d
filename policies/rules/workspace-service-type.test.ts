import type { Loose } from "../testing";
import { namespace, violationsOfRule, workspace } from "../testing";
import { workspaceServiceTypeRule } from "./workspace-service-type";

const P = "isolation-service-type";
const service = (ns: string, type?: string, labels?: Record<string, string>): Loose => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "code-server", namespace: ns, ...(labels ? { labels } : {}) },
  spec: { ...(type ? { type } : {}), ports: [{ port: 80 }] },
});

describe(P, () => {
  it.each<[string, Loose[], string[]]>([
    ["ClusterIP in a workspace", [...workspace("ws-a"), service("ws-a", "ClusterIP")], []],
    ["type omitted", [...workspace("ws-a"), service("ws-a")], []],
    ["LoadBalancer in a workspace", [...workspace("ws-a"), service("ws-a", "LoadBalancer")], [`${P} spec.type`]],
    ["NodePort in a workspace", [...workspace("ws-a"), service("ws-a", "NodePort")], [`${P} spec.type`]],
    ["labelled workspace Service without its Namespace object", [service("ws-b", "NodePort", { "vibecode.dev/workspace": "true" })], [`${P} spec.type`]],
    ["LoadBalancer outside workspaces (the ingress controller)", [namespace("traefik"), service("traefik", "LoadBalancer")], []],
  ])("%s", (_name, objects, expected) => {
    expect(violationsOfRule(workspaceServiceTypeRule, objects)).toEqual(expected);
  });
});
