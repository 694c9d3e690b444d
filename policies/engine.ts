/**
 * Runs the rules over a set of objects: builds the context once, resolves each rule's enforcement, and collects
 * findings in a stable order (objects in input order, rules in registry order). Shared by the checker and tests;
 * the Pulumi pack calls the same rules through its own adapters (`pack.ts`).
 */
import { createContext } from "./context";
import { RULES } from "./registry";
import type { Enforcement, KubeObject, PolicySettings, Rule, Violation } from "./types";
import { DEFAULT_SETTINGS } from "./types";

/**
 * Enforcement overrides by rule name. A key ending in `*` is a prefix pattern (`pod-security-*`, `hygiene-*`);
 * an exact name beats any pattern, and a longer pattern beats a shorter one.
 */
export type EnforcementOverrides = Readonly<Record<string, Enforcement>>;

/** Whether an override key (exact or `prefix*`) applies to `ruleName`. */
export function overrideMatches(key: string, ruleName: string): boolean {
  return key.endsWith("*") ? ruleName.startsWith(key.slice(0, -1)) : key === ruleName;
}

export function enforcementFor(rule: Rule, overrides: EnforcementOverrides = {}): Enforcement {
  if (Object.prototype.hasOwnProperty.call(overrides, rule.name)) return overrides[rule.name]!;
  let best: string | undefined;
  for (const key of Object.keys(overrides)) {
    if (key.endsWith("*") && overrideMatches(key, rule.name) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? rule.defaultEnforcement : overrides[best]!;
}

/** One violation of one rule by one object, with the enforcement it is reported at. */
export interface Finding {
  readonly rule: Rule;
  readonly enforcement: Exclude<Enforcement, "disabled">;
  /** Index of the object in the evaluated list. */
  readonly objectIndex: number;
  readonly object: KubeObject;
  readonly violation: Violation;
}

export interface EvaluateOptions {
  readonly settings?: PolicySettings;
  readonly enforcement?: EnforcementOverrides;
  readonly rules?: readonly Rule[];
}

export function evaluate(objects: readonly KubeObject[], options: EvaluateOptions = {}): Finding[] {
  const ctx = createContext(objects, options.settings ?? DEFAULT_SETTINGS);
  const active = (options.rules ?? RULES)
    .map((rule) => ({ rule, enforcement: enforcementFor(rule, options.enforcement) }))
    .filter((r): r is { rule: Rule; enforcement: Exclude<Enforcement, "disabled"> } => r.enforcement !== "disabled");
  const findings: Finding[] = [];
  objects.forEach((object, objectIndex) => {
    for (const { rule, enforcement } of active) {
      for (const violation of rule.check(object, ctx)) {
        findings.push({ rule, enforcement, objectIndex, object, violation });
      }
    }
  });
  return findings;
}

/** Convenience for tests and callers that only need the violations. */
export function violationsOf(objects: readonly KubeObject[], options: EvaluateOptions = {}): Violation[] {
  return evaluate(objects, options).map((f) => f.violation);
}
