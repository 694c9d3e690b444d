/**
 * Table-test harness for the Pod Security checks. Each case mutates a pod that is compliant at the restricted
 * level and states, for both levels, exactly which pod-security violations (policy and field path) the
 * admission reference behaviour implies — an empty list meaning the pod is admitted. Cases run on a Pod and on
 * the pod templates of a Deployment and a CronJob (the deepest template path), in a namespace whose
 * `pod-security.kubernetes.io/enforce` label sets the level.
 *
 * Expected paths are written for a Pod (`spec.…`, `metadata.…`) and translated for the templates.
 */
import type { Loose } from "../../testing";
import { POD_SPEC_PATHS, clone, namespace, specOf, violationKeys, workload } from "../../testing";
import { POD_SECURITY_RULES } from "./index";

export interface PodSecurityCase {
  readonly name: string;
  /** Which upstream check function or fixture this case mirrors. */
  readonly mirrors: string;
  /** Changes the compliant pod: `spec` is the pod spec, `meta` the pod (template) metadata. */
  readonly mutate: (spec: Loose, meta: Loose) => void;
  /** `policy path` of each expected violation at baseline (empty: admitted). */
  readonly baseline: readonly string[];
  /** The same at restricted. */
  readonly restricted: readonly string[];
  /** `enforce-version` label (default: none, i.e. latest). */
  readonly version?: string;
}

const KINDS = ["Pod", "Deployment", "CronJob"] as const;

function translate(expected: string, kind: string): string {
  const [policy, path] = expected.split(" ") as [string, string];
  const specPath = POD_SPEC_PATHS[kind]!;
  const metaPath = specPath.replace(/spec$/, "metadata");
  const translated = path.startsWith("spec") ? specPath + path.slice("spec".length) : path.startsWith("metadata") ? metaPath + path.slice("metadata".length) : path;
  return `${policy} ${translated}`;
}

/** The pod (template) metadata of a workload built by `workload()`, created if absent. */
function metadataOf(obj: Loose): Loose {
  if (obj.kind === "Pod") return obj.metadata;
  // The object that holds the pod spec (`template`) also holds the pod metadata.
  let template: Loose = obj;
  for (const key of POD_SPEC_PATHS[obj.kind as string]!.split(".").slice(0, -1)) template = template[key];
  template.metadata ??= {};
  return template.metadata;
}

/** Evaluates `obj` in namespace "apps" labelled with `level`/`version`; returns pod-security `policy path` keys. */
export function podSecurityViolations(obj: Loose, level: "baseline" | "restricted", version?: string): string[] {
  return violationKeys([namespace("apps", { level, version }), obj], { rules: POD_SECURITY_RULES }).sort();
}

/** Declares the jest tests for one check's table. */
export function describePodSecurityTable(title: string, cases: readonly PodSecurityCase[]): void {
  describe(title, () => {
    for (const kind of KINDS) {
      describe(kind, () => {
        for (const level of ["baseline", "restricted"] as const) {
          it.each(cases.map((c) => [c.name, c] as const))(`%s (${level})`, (_name, c) => {
            const obj = clone(workload(kind));
            c.mutate(specOf(obj), metadataOf(obj));
            const expected = (level === "baseline" ? c.baseline : c.restricted).map((e) => translate(e, kind)).sort();
            expect(podSecurityViolations(obj, level, c.version)).toEqual(expected);
          });
        }
      });
    }
  });
}
