/**
 * Test helpers for the data services: run a component under the mock runtime, get its Kubernetes objects as the API
 * server would receive them, and find every place a secret value appears.
 */
import * as pulumi from "@pulumi/pulumi";
import { isSecretValue, runUnderMocks, type RecordedResource } from "../../scripts/render/mock-runtime";

/** Runs `make` under the mock runtime; returns what it registered and the component it built. */
export async function runComponent<T>(make: () => T): Promise<{ resources: RecordedResource[]; component: T }> {
  let component: T | undefined;
  const run = await runUnderMocks(
    () => {
      component = make();
    },
    { project: "test", stack: "unit" },
  );
  return { resources: run.resources, component: component as T };
}

/** The value of an Output (resolved under the mock runtime). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** The same value with Pulumi's secret wrappers removed (what the provider would send to the API server). */
export function unwrapSecrets(v: unknown): unknown {
  if (isSecretValue(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  return v;
}

/** Kubernetes objects among the registered resources (not Helm releases), secrets unwrapped. */
export function kubernetesObjects(resources: RecordedResource[]): Record<string, any>[] {
  return resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && typeof r.inputs.kind === "string")
    .map((r) => unwrapSecrets(r.inputs) as Record<string, any>);
}

/** One place a string containing the needle was found. */
export interface Occurrence {
  /** Name of the resource whose inputs hold it. */
  resource: string;
  type: string;
  /** Dotted path inside the inputs. */
  path: string;
  /** Whether a Pulumi secret wrapper encloses it. */
  underSecret: boolean;
}

/** Every input string (of every resource) that contains `needle`, with whether it is inside a Pulumi secret. */
export function findOccurrences(resources: RecordedResource[], needle: string): Occurrence[] {
  const found: Occurrence[] = [];
  const walk = (r: RecordedResource, v: unknown, path: string, underSecret: boolean): void => {
    if (isSecretValue(v)) return walk(r, v.value, path, true);
    if (typeof v === "string") {
      if (v.includes(needle)) found.push({ resource: r.name, type: r.type, path, underSecret });
      return;
    }
    if (Array.isArray(v)) return v.forEach((x, i) => walk(r, x, `${path}[${i}]`, underSecret));
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes(needle)) found.push({ resource: r.name, type: r.type, path: `${path}.<key>`, underSecret });
        walk(r, x, path ? `${path}.${k}` : k, underSecret);
      }
    }
  };
  for (const r of resources) {
    walk(r, r.inputs, "", false);
    if (r.name.includes(needle) || r.urn.includes(needle)) found.push({ resource: r.name, type: r.type, path: "<name>", underSecret: false });
  }
  return found;
}

/** The containers of a StatefulSet object. */
export function podSpecOf(obj: Record<string, any>): Record<string, any> {
  return obj.spec.template.spec;
}

export { isSecretValue };
