/**
 * The offline render: runs the real stack program under Pulumi's mock runtime and turns what it registered into
 * `manifests/*.yaml` (every Kubernetes object, as it would be applied) and `resources.json` (every resource,
 * secrets masked). Deterministic: same inputs, same bytes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { dump } from "js-yaml";
import { isSecretValue, runUnderMocks, type RecordedResource } from "./mock-runtime";
import { loadPlatformInputs, PROJECT_ROOT, runPlatform, type PlatformInputs } from "../../stacks/platform";
import { splitKey } from "../../stacks/config";
import { readStackConfigFile } from "./stack-config-file";

/** Placeholder that replaces every secret value in resources.json. */
export const MASK = "[secret]";

/** What to render. */
export interface RenderRequest {
  stack: string;
  /** Users file path; default from the stack config. */
  usersFile?: string;
  /** `key=value` overrides of the stack config (bare keys belong to the platform namespace). */
  overrides?: Record<string, string>;
  /** Project root holding Pulumi.<stack>.yaml. Default: this project. */
  projectRoot?: string;
}

/** A Kubernetes object of the render with the file it goes to. */
export interface RenderedObject {
  file: string;
  object: Record<string, unknown>;
}

/** The result of a render, before anything is written. */
export interface RenderResult {
  inputs: PlatformInputs;
  objects: RenderedObject[];
  resources: Record<string, unknown>[];
}

/** Config keys whose values are secrets when given on the command line. */
export function isSecretKey(key: string): boolean {
  return /(password|secret|token|apikey|appkey|privatekey|passphrase)$/i.test(key.replace(/[^A-Za-z]/g, ""));
}

/** Validates inputs and runs the program under mocks. Throws StackConfigError / UsersFileError before any run. */
export async function render(req: RenderRequest): Promise<RenderResult> {
  const root = req.projectRoot ?? PROJECT_ROOT;
  const file = readStackConfigFile(root, req.stack);
  const config = { ...file.values };
  const secretKeys = new Set(file.secretKeys);
  for (const [key, value] of Object.entries(req.overrides ?? {})) {
    const [ns, bare] = splitKey(key);
    const full = `${ns}:${bare}`;
    config[full] = value;
    if (isSecretKey(bare)) secretKeys.add(full);
    else secretKeys.delete(full);
  }
  const source = req.overrides && Object.keys(req.overrides).length > 0 ? `${file.name} (with --config overrides)` : file.name;
  const inputs = loadPlatformInputs(req.stack, config, source, req.usersFile ? path.resolve(req.usersFile) : undefined, [...secretKeys]);
  const run = await runUnderMocks(() => runPlatform(inputs), {
    project: "vibecode-platform",
    stack: req.stack,
    config,
    secretKeys: [...secretKeys],
  });
  return { inputs, objects: kubernetesObjects(run.resources), resources: resourceEntries(run.resources) };
}

/** Kubernetes objects are the custom resources of the kubernetes package that carry `kind` (not Helm releases). */
function kubernetesObjects(resources: RecordedResource[]): RenderedObject[] {
  const out: RenderedObject[] = [];
  const seen = new Map<string, string>();
  for (const r of resources) {
    if (!r.custom || !r.type.startsWith("kubernetes:") || typeof r.inputs.kind !== "string") continue;
    if (r.type.startsWith("kubernetes:helm.sh/") || r.type.startsWith("kubernetes:yaml/")) continue;
    const object = canonical(r.inputs, "unwrap", true) as Record<string, unknown>;
    const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
    const file = `${meta.namespace ?? "_cluster"}.${String(object.kind).toLowerCase()}.${meta.name}.yaml`;
    const previous = seen.get(file);
    if (previous) throw new Error(`render: ${r.urn} and ${previous} would both be written to ${file}`);
    seen.set(file, r.urn);
    out.push({ file, object });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

function resourceEntries(resources: RecordedResource[]): Record<string, unknown>[] {
  return [...resources]
    .sort((a, b) => a.urn.localeCompare(b.urn))
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      custom: r.custom,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      dependsOn: r.dependsOn,
      inputs: maskSecrets(r.type, r.inputs),
    }));
}

/**
 * Replaces secret values, and every value of a Kubernetes Secret's data, with {@link MASK}; keys sorted at every
 * level.
 */
export function maskSecrets(type: string, inputs: Record<string, unknown>): unknown {
  const masked = canonical(inputs, "mask", false) as Record<string, unknown>;
  if (type === "kubernetes:core/v1:Secret") {
    for (const field of ["data", "stringData"]) {
      const data = masked[field];
      if (data && typeof data === "object") {
        masked[field] = Object.fromEntries(Object.keys(data).map((k) => [k, MASK]));
      }
    }
  }
  return masked;
}

const LEADING_KEYS = ["apiVersion", "kind", "metadata"];

const byLeadingKeys = (a: string, b: string) => {
  const ia = LEADING_KEYS.indexOf(a);
  const ib = LEADING_KEYS.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
};
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A copy with keys sorted at every level (Kubernetes' conventional apiVersion, kind, metadata first at the top),
 * and every secret either unwrapped to its value (manifests) or replaced by {@link MASK} (resources.json). One
 * walk, one copy: a 1,000-person render has 400,000 values.
 */
function canonical(v: unknown, secrets: "unwrap" | "mask", top: boolean): unknown {
  if (isSecretValue(v)) return secrets === "mask" ? MASK : canonical(v.value, secrets, top);
  if (Array.isArray(v)) return v.map((x) => canonical(x, secrets, false));
  if (!v || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort(top ? byLeadingKeys : byCodeUnits)) out[k] = canonical((v as Record<string, unknown>)[k], secrets, false);
  return out;
}

/** Writes a render to `outDir`, replacing an earlier render there (and nothing else). */
export function writeRender(result: RenderResult, outDir: string): void {
  const manifests = path.join(outDir, "manifests");
  fs.rmSync(manifests, { recursive: true, force: true });
  fs.mkdirSync(manifests, { recursive: true });
  for (const { file, object } of result.objects) {
    // js-yaml: several times faster than `yaml` at emitting thousands of plain objects (parsing stays with `yaml`).
    fs.writeFileSync(path.join(manifests, file), dump(object, { lineWidth: -1, noRefs: true }));
  }
  const doc = { project: "vibecode-platform", stack: result.inputs.stack, resources: result.resources };
  fs.writeFileSync(path.join(outDir, "resources.json"), JSON.stringify(doc, null, 2) + "\n");
}
