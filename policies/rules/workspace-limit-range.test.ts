import type { Loose } from "../testing";
import { namespace, violationsOfRule, workspace } from "../testing";
import { workspaceLimitRangeRule } from "./workspace-limit-range";

const P = "quota-workspace-limit-range";

describe(P, () => {
  it.each<[string, () => Loose[], string[]]>([
    ["a complete workspace", () => workspace("ws-a"), []],
    ["no LimitRange", () => workspace("ws-a").filter((o) => o.kind !== "LimitRange"), [`${P} metadata.name`]],
    [
      "a LimitRange for claims only",
      () => {
        const objects = workspace("ws-a");
        objects.find((o) => o.kind === "LimitRange").spec.limits = [{ type: "PersistentVolumeClaim", max: { storage: "10Gi" } }];
        return objects;
      },
      [`${P} metadata.name`],
    ],
    ["non-workspace namespaces need none", () => [namespace("tools")], []],
  ])("%s", (_name, build, expected) => {
    expect(violationsOfRule(workspaceLimitRangeRule, build())).toEqual(expected);
  });
});
