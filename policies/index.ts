/**
 * The platform's Pulumi policy pack: `pulumi preview --policy-pack policies` (or `pulumi up`) runs every rule in
 * `policies/rules/` on the stack's Kubernetes resources. See `pack.ts` for how rules map onto resource and stack
 * policies and what each policy's config accepts, and `registry.ts` for the rule list.
 *
 * The same rules run outside Pulumi in the standalone checker (`npm run policy -- check <dir>`).
 */
import { PolicyPack } from "@pulumi/policy";
import { buildPolicies } from "./pack";

new PolicyPack("vibecode-kubernetes", {
  description:
    "VibeCode platform policies for Kubernetes: Pod Security Standards (baseline/restricted per namespace), workspace quotas and budget, isolation (default-deny, no service-account tokens, no host access, no public Services) and hygiene (pinned images, TLS and single sign-on on Ingresses, no credentials in ConfigMaps).",
  policies: buildPolicies(),
});
