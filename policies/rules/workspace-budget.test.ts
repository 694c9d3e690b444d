import type { Loose } from "../testing";
import { createContext } from "../context";
import { evaluate } from "../engine";
import { namespace, settings, violationsOfRule, workspaceCompanions } from "../testing";
import { workspaceBudgetRule } from "./workspace-budget";

const P = "quota-workspace-budget";

function fleet(quotas: { cpu: string; memory: string }[]): Loose[] {
  return quotas.flatMap((q, i) => [namespace(`ws-${i}`, { workspace: true }), ...workspaceCompanions(`ws-${i}`, q)]);
}

describe(P, () => {
  const budget = settings({ budget: { cpu: "4", memory: "8Gi" } });
  it.each<[string, () => Loose[], string[], string[]]>([
    ["within budget", () => fleet([{ cpu: "2", memory: "4Gi" }, { cpu: "2", memory: "4Gi" }]), [], []],
    ["CPU over budget: reported on the quota that crosses it", () => fleet([{ cpu: "2", memory: "1Gi" }, { cpu: "1500m", memory: "1Gi" }, { cpu: "1", memory: "1Gi" }]), [`${P} spec.hard["limits.cpu"]`], ["ws-2"]],
    ["memory over budget by one byte", () => fleet([{ cpu: "1", memory: "4Gi" }, { cpu: "1", memory: "4294967297" }]), [`${P} spec.hard["limits.memory"]`], ["ws-1"]],
    [
      "the smallest of a namespace's quotas is its cap",
      () => {
        const objects = fleet([{ cpu: "3", memory: "1Gi" }, { cpu: "3", memory: "1Gi" }]);
        objects.push({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "tight", namespace: "ws-1" }, spec: { hard: { "limits.cpu": "1" } } });
        return objects;
      },
      [],
      [],
    ],
    [
      "quotas outside workspace namespaces are not counted",
      () => [...fleet([{ cpu: "4", memory: "1Gi" }]), ...workspaceCompanions("platform", { cpu: "100", memory: "1Ti" })],
      [],
      [],
    ],
  ])("%s", (_name, build, expected, namespaces) => {
    const objects = build();
    expect(violationsOfRule(workspaceBudgetRule, objects, { settings: budget })).toEqual(expected);
    const ctx = createContext(objects, budget);
    const flagged = objects.filter((o) => workspaceBudgetRule.check(o, ctx).length > 0);
    expect(flagged.map((o) => o.metadata.namespace)).toEqual(namespaces);
  });

  it("memory totals are shown in bytes next to the budget as written", () => {
    const [finding] = evaluate(fleet([{ cpu: "1", memory: "6Gi" }, { cpu: "1", memory: "6Gi" }]), { rules: [workspaceBudgetRule], settings: budget });
    expect(finding!.violation.message).toMatch(/total limits\.memory 12884901888 bytes, budget 8Gi = 8589934592 bytes$/);
  });

  it("reports nothing without a configured budget", () => {
    expect(violationsOfRule(workspaceBudgetRule, fleet([{ cpu: "1000", memory: "1Ei" }]))).toEqual([]);
  });

  it("the message names the total and the budget", () => {
    const [finding] = evaluate(fleet([{ cpu: "3", memory: "1Gi" }, { cpu: "3", memory: "1Gi" }]), { rules: [workspaceBudgetRule], settings: budget });
    expect(finding!.violation.message).toBe('spec.hard["limits.cpu"] takes the workspace quotas over the cluster budget: 2 workspace namespaces total limits.cpu 6, budget 4');
  });
});
