/**
 * Every rule, registered in one table. The table's order is the order violations of one object are reported in.
 * To add a rule: write `rules/<name>.ts` exporting a {@link Rule} (doc comment: restricted fields and allowed
 * values), add it here, give it a table test beside it and bad/good manifests under `test/policy-corpus/<name>/`.
 */
import { configMapCredentialsRule } from "./rules/configmap-credentials";
import { containerResourcesRule } from "./rules/container-resources";
import { defaultDenyNetworkPolicyRule } from "./rules/default-deny-network-policy";
import { hostAccessRule } from "./rules/host-access";
import { imageTagRule } from "./rules/image-tag";
import { ingressForwardAuthRule } from "./rules/ingress-forward-auth";
import { ingressTlsRule } from "./rules/ingress-tls";
import { POD_SECURITY_RULES } from "./rules/pod-security";
import { requestsWithinLimitsRule } from "./rules/requests-within-limits";
import { serviceAccountTokenRule } from "./rules/service-account-token";
import { workspaceBudgetRule } from "./rules/workspace-budget";
import { workspaceLimitRangeRule } from "./rules/workspace-limit-range";
import { workspaceResourceQuotaRule } from "./rules/workspace-resource-quota";
import { workspaceServiceTypeRule } from "./rules/workspace-service-type";
import type { Rule } from "./types";

export const RULES: readonly Rule[] = [
  // Pod Security Standards (baseline, then restricted), per namespace level.
  ...POD_SECURITY_RULES,
  // Quotas.
  workspaceResourceQuotaRule,
  workspaceLimitRangeRule,
  containerResourcesRule,
  requestsWithinLimitsRule,
  workspaceBudgetRule,
  // Isolation.
  defaultDenyNetworkPolicyRule,
  serviceAccountTokenRule,
  hostAccessRule,
  workspaceServiceTypeRule,
  // Hygiene.
  imageTagRule,
  ingressTlsRule,
  ingressForwardAuthRule,
  configMapCredentialsRule,
];

const byName = new Map(RULES.map((rule) => [rule.name, rule]));
if (byName.size !== RULES.length) throw new Error("policies/registry.ts: duplicate rule names");

export function ruleNamed(name: string): Rule | undefined {
  return byName.get(name);
}
