import type { Loose } from "../testing";
import { namespace, violationsOfRule, workspace } from "../testing";
import { workspaceResourceQuotaRule } from "./workspace-resource-quota";

const P = "quota-workspace-resource-quota";
const quotaOf = (objects: Loose[]) => objects.find((o) => o.kind === "ResourceQuota");

describe(P, () => {
  it.each<[string, () => Loose[], string[]]>([
    ["a complete workspace", () => workspace("ws-a"), []],
    ["no ResourceQuota", () => workspace("ws-a").filter((o) => o.kind !== "ResourceQuota"), [`${P} metadata.name`]],
    [
      "a quota without limits.memory",
      () => {
        const objects = workspace("ws-a");
        delete quotaOf(objects).spec.hard["limits.memory"];
        return objects;
      },
      [`${P} metadata.name`],
    ],
    [
      "a scoped quota does not count",
      () => {
        const objects = workspace("ws-a");
        quotaOf(objects).spec.scopes = ["BestEffort"];
        return objects;
      },
      [`${P} metadata.name`, `${P} metadata.name`],
    ],
    [
      "a quota in another namespace does not count",
      () => {
        const objects = workspace("ws-a");
        quotaOf(objects).metadata.namespace = "ws-b";
        return objects;
      },
      [`${P} metadata.name`],
    ],
    ["non-workspace namespaces need none", () => [namespace("tools")], []],
    ["the label must be exactly \"true\"", () => [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "x", labels: { "vibecode.dev/workspace": "yes" } } }], []],
  ])("%s", (_name, build, expected) => {
    expect(violationsOfRule(workspaceResourceQuotaRule, build())).toEqual(expected);
  });
});
