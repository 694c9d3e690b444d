/**
 * Test support: validate rendered Kubernetes objects (and Authelia configuration) against the real API schemas.
 *
 * - Built-in kinds use the validators generated from the Kubernetes OpenAPI spec that ship in `kubernetes-models`.
 *   Those validators ignore unknown fields, so we additionally record which fields each validator *looks at* and
 *   report every field it never looked at (a typo such as `spec.replica` is silently dropped by the API server, which
 *   is exactly the mistake we want a test to catch).
 * - Custom resources use the `openAPIV3Schema` of the CRDs vendored in `../shared/schemas` (absent in a fresh clone),
 *   compiled with ajv after closing every structural object (`additionalProperties: false`), which mirrors the API
 *   server's strict field validation.
 * - Authelia's configuration and users database use Authelia's own JSON Schema (draft 2020-12).
 *
 * Every schema is compiled once and cached, so validating tens of thousands of objects takes seconds.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type AnySchemaObject, type SchemaValidateFunction, type ErrorObject, type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats";
import YAML from "yaml";

/** One reason why an object does not match its schema. */
export interface SchemaProblem {
  /** Which object, e.g. `"apps/v1 Deployment alice/code-server"`. */
  object: string;
  /** JSON pointer to the offending field inside that object, e.g. `"/spec/replicas"` (`""` for the whole object). */
  path: string;
  /** What is wrong, in words. */
  message: string;
}

/**
 * Folder with the vendored upstream schemas (CRDs, Authelia JSON Schemas), beside the project root.
 * It is ABSENT in a user's fresh clone: check {@link sharedSchemasAvailable} before relying on it.
 */
export const SHARED_SCHEMAS_DIR: string = path.resolve(__dirname, "../../../shared/schemas");

/** True when {@link SHARED_SCHEMAS_DIR} exists; when false, custom resources and Authelia files are not validated. */
export function sharedSchemasAvailable(): boolean {
  try {
    return fs.statSync(SHARED_SCHEMAS_DIR).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Validate one rendered Kubernetes object. Returns `[]` when it is valid.
 *
 * Built-in kinds are always checked; custom resources only when the shared schemas are present (otherwise they are
 * skipped and `[]` is returned — the caller decides how to tell the user). An object of a built-in group whose kind or
 * version has no schema is always a problem; one of an unknown group is a problem only when the shared schemas are
 * present (they are the catalogue of CRDs this project may use).
 */
export function validateKubernetesObject(obj: unknown): SchemaProblem[] {
  if (!isPlainObject(obj)) {
    return [{ object: "<not an object>", path: "", message: `expected a Kubernetes object, got ${describeValue(obj)}` }];
  }
  // Validate what would actually be sent to the API server: JSON drops `undefined`, honours `toJSON`, and gives us a
  // private, unfrozen tree without shared references (needed by the read-tracking proxies below).
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(JSON.stringify(obj, (_key, value: unknown) => (typeof value === "function" ? FUNCTION_MARKER : value))) as Record<string, unknown>;
  } catch (err) {
    return [{ object: objectLabel(obj), path: "", message: `cannot be serialised to JSON: ${(err as Error).message}` }];
  }
  const label = objectLabel(data);
  // A Pulumi Output serialises to a warning *string*, which a string field would happily accept: report it instead.
  const unresolved = findUnresolvedValues(data, "", label);
  if (unresolved.length > 0) return unresolved;
  const { apiVersion, kind } = data;
  if (typeof apiVersion !== "string" || apiVersion === "" || typeof kind !== "string" || kind === "") {
    const problems: SchemaProblem[] = [];
    if (typeof apiVersion !== "string" || apiVersion === "") problems.push({ object: label, path: "/apiVersion", message: "missing required field \"apiVersion\"" });
    if (typeof kind !== "string" || kind === "") problems.push({ object: label, path: "/kind", message: "missing required field \"kind\"" });
    return problems;
  }

  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  if (builtinGroups().has(group)) {
    const removedIn = REMOVED_API_VERSIONS[apiVersion];
    if (removedIn) {
      return [{ object: label, path: "/apiVersion", message: `${apiVersion} was removed in Kubernetes ${removedIn}; use the GA version` }];
    }
    const validate = builtinValidator(apiVersion, kind);
    if (!validate) return [{ object: label, path: "", message: `no schema for ${apiVersion} ${kind}` }];
    return [
      ...runTrackedValidator(validate, data, "", label),
      ...checkPodTemplates(data, label),
      ...checkMetadata(data, label),
    ];
  }

  if (!sharedSchemasAvailable()) return []; // custom resource, but no CRDs to check it against: skip (caller reports)
  const crd = crdIndex().get(`${apiVersion}|${kind}`);
  if (!crd) return [{ object: label, path: "", message: `no schema for ${apiVersion} ${kind}` }];
  if (!crd.served) {
    return [{ object: label, path: "/apiVersion", message: `${apiVersion} ${kind} is not served by CRD ${crd.crdName} (${crd.file})` }];
  }
  const validate = crdValidator(crd);
  const problems = validate(data) ? [] : ajvErrorsToProblems(validate.errors ?? [], data, "", label);
  // The CRD's own `metadata` schema is usually just `type: object`; the API server validates it as ObjectMeta.
  if (isPlainObject(data.metadata)) {
    problems.push(...runTrackedValidator(objectMetaValidator(), data.metadata, "/metadata", label));
  }
  problems.push(...checkMetadata(data, label));
  return problems;
}

/** Validate many objects; the problems of all of them, in order. */
export function validateKubernetesObjects(objs: unknown[]): SchemaProblem[] {
  return objs.flatMap((obj) => validateKubernetesObject(obj));
}

/**
 * Validate an Authelia configuration (the parsed `configuration.yml`) against `authelia/configuration.json`.
 * Returns `[]` when valid, and also when the shared schemas are absent (check {@link sharedSchemasAvailable}).
 * Note the upstream schema has `additionalProperties: false` everywhere and omits keys Authelia removed
 * (e.g. top-level `jwt_secret`, `server.host`): those are problems here even though Authelia still maps some of them
 * with a deprecation warning. Keys that are merely deprecated (`deprecated: true`) are accepted.
 */
export function validateAutheliaConfiguration(config: unknown): SchemaProblem[] {
  return validateAuthelia("authelia/configuration.json", "authelia configuration", config);
}

/**
 * Validate an Authelia file-backend users database (the parsed `users_database.yml`) against
 * `authelia/user-database.json`. Returns `[]` when valid, and also when the shared schemas are absent.
 */
export function validateAutheliaUsersDatabase(db: unknown): SchemaProblem[] {
  return validateAuthelia("authelia/user-database.json", "authelia users database", db);
}

// ---------------------------------------------------------------------------------------------------------------
// Built-in kinds: kubernetes-models' generated validators
// ---------------------------------------------------------------------------------------------------------------

/** Signature of the standalone ajv validators generated in `kubernetes-models/_schemas/*.js`. */
type GeneratedValidator = ((data: unknown, ctx?: { instancePath?: string }) => boolean) & { errors?: ErrorObject[] | null };

/**
 * API versions still shipped by kubernetes-models for old clusters but removed from Kubernetes: a schema match there
 * would be a false comfort, since the API server refuses them.
 */
const REMOVED_API_VERSIONS: Record<string, string> = {
  "extensions/v1beta1": "1.16/1.22",
  "apps/v1beta1": "1.16",
  "apps/v1beta2": "1.16",
  "networking.k8s.io/v1beta1": "1.22",
  "rbac.authorization.k8s.io/v1beta1": "1.22",
  "apiextensions.k8s.io/v1beta1": "1.22",
  "batch/v1beta1": "1.25",
  "policy/v1beta1": "1.25",
  "autoscaling/v2beta1": "1.25",
  "autoscaling/v2beta2": "1.26",
};

/** Directory of an installed package, searched like Node does (nearest `node_modules` first). */
function findPackageDir(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`schema-validation: package ${name} is not installed (run npm ci)`);
  }
}

let kubernetesModelsDirCache: string | undefined;
function kubernetesModelsDir(): string {
  return (kubernetesModelsDirCache ??= findPackageDir("kubernetes-models", __dirname));
}

let builtinGroupsCache: Set<string> | undefined;
/** API groups kubernetes-models knows (one folder each; the core group is the folder `v1`). */
function builtinGroups(): Set<string> {
  if (!builtinGroupsCache) {
    builtinGroupsCache = new Set(
      fs
        .readdirSync(kubernetesModelsDir(), { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_") && entry.name !== "node_modules")
        .map((entry) => (entry.name === "v1" ? "" : entry.name)),
    );
  }
  return builtinGroupsCache;
}

/** The formats the generated validators use; byte and quantity as defined by @kubernetes-models/validate. */
const MODEL_FORMATS: Record<string, { validate: ((value: unknown) => boolean) | RegExp }> = {
  int32: fullFormats.int32 as { validate: (value: unknown) => boolean },
  int64: fullFormats.int64 as { validate: (value: unknown) => boolean },
  double: fullFormats.double as { validate: (value: unknown) => boolean },
  "date-time": fullFormats["date-time"] as { validate: (value: unknown) => boolean },
  byte: { validate: (value: unknown) => typeof value === "string" && /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value) },
  quantity: { validate: /^[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)(?:[KMGTPE]i|(?:[YZEPTGMkhdcmunpfazy]|da)|[eE][+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+))?$/ },
};
/** Fails loudly (at load time) if a kubernetes-models upgrade starts using a format we do not provide. */
const MODEL_FORMATS_GUARD = new Proxy(MODEL_FORMATS, {
  get(target, key) {
    if (typeof key === "string" && !(key in target)) throw new Error(`schema-validation: kubernetes-models uses unknown format "${key}"`);
    return Reflect.get(target, key);
  },
});

const generatedModules = new Map<string, Record<string, unknown>>();

/**
 * Load one of kubernetes-models' generated `_schemas/*.js` files.
 *
 * Why not `require`/`import`: the package is ESM-only with an `import`-only exports map, and Jest (CommonJS mode,
 * ts-jest transforms only .ts) cannot load it. The generated files are uniform minified ajv output whose only module
 * syntax is `import{validate as validateN}from"…"`, `import{formats}from"@kubernetes-models/validate"` and
 * `export const validate=validateN`, so we rewrite exactly those statements and evaluate the result.
 */
function loadGeneratedModule(file: string): Record<string, unknown> {
  const cached = generatedModules.get(file);
  if (cached) return cached;
  const moduleExports: Record<string, unknown> = {};
  generatedModules.set(file, moduleExports); // before evaluating, so that import cycles see this object
  const source = fs.readFileSync(file, "utf8");
  const imports: string[] = [];
  let exportLine = "";
  let body = source.replace(/import\{([^}]*)\}from"([^"]+)";?/g, (_match, names: string, specifier: string) => {
    imports.push(`const {${names.replace(/\s+as\s+/g, ": ")}} = __import(${JSON.stringify(specifier)});`);
    return "";
  });
  body = body.replace(/export const validate=(validate\d+);?/, (_match, fn: string) => {
    exportLine = `exports.validate = ${fn};`; // a hoisted function declaration, so exporting first is safe
    return "";
  });
  if (!exportLine || /(?:^|[;}])\s*(?:import|export)[\s{*]/.test(body)) {
    throw new Error(`schema-validation: unexpected module syntax in ${file} (kubernetes-models changed its output?)`);
  }
  const importModule = (specifier: string): Record<string, unknown> => {
    if (specifier === "@kubernetes-models/validate") return { formats: MODEL_FORMATS_GUARD };
    let target: string;
    if (specifier.startsWith("./") || specifier.startsWith("../")) {
      target = path.resolve(path.dirname(file), specifier);
    } else {
      const match = /^(@kubernetes-models\/[^/]+)\/(.+)$/.exec(specifier);
      if (!match) throw new Error(`schema-validation: cannot resolve ${specifier} from ${file}`);
      target = path.join(findPackageDir(match[1], path.dirname(file)), match[2]);
    }
    return loadGeneratedModule(target.endsWith(".js") ? target : `${target}.js`);
  };
  const evaluate = new Function("exports", "__import", `"use strict";${exportLine}\n${imports.join("\n")}\n${body}\n//# sourceURL=${file}`);
  evaluate(moduleExports, importModule);
  return moduleExports;
}

const builtinValidators = new Map<string, GeneratedValidator | null>();

/** The generated validator for a top-level built-in kind, or undefined if kubernetes-models has no such kind. */
function builtinValidator(apiVersion: string, kind: string): GeneratedValidator | undefined {
  const key = `${apiVersion}|${kind}`;
  if (!builtinValidators.has(key)) builtinValidators.set(key, findBuiltinValidator(apiVersion, kind));
  return builtinValidators.get(key) ?? undefined;
}

function findBuiltinValidator(apiVersion: string, kind: string): GeneratedValidator | null {
  // The model file is `<apiVersion>/<Kind>.js` (core: `v1/Pod.js`); guard the path against odd input.
  if (!/^(?:[a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind)) return null;
  const modelFile = path.join(kubernetesModelsDir(), apiVersion, `${kind}.js`);
  if (!fs.existsSync(modelFile)) return null;
  const model = fs.readFileSync(modelFile, "utf8");
  // Sub-structures (e.g. apps/v1/DeploymentSpec.js) live beside the kinds: only real kinds declare apiVersion and kind.
  if (!model.includes(`this.apiVersion=${JSON.stringify(apiVersion)}`) || !model.includes(`this.kind=${JSON.stringify(kind)}`)) return null;
  const schema = /_schemas\/(\w+)\.js/.exec(model);
  if (!schema) return null;
  return loadGeneratedModule(path.join(kubernetesModelsDir(), "_schemas", `${schema[1]}.js`)).validate as GeneratedValidator;
}

let objectMetaValidatorCache: GeneratedValidator | undefined;
function objectMetaValidator(): GeneratedValidator {
  if (!objectMetaValidatorCache) {
    const dir = findPackageDir("@kubernetes-models/apimachinery", kubernetesModelsDir());
    objectMetaValidatorCache = loadGeneratedModule(path.join(dir, "_schemas", "IoK8sApimachineryPkgApisMetaV1ObjectMeta.js")).validate as GeneratedValidator;
  }
  return objectMetaValidatorCache;
}

interface TrackedNode {
  pointer: string;
  target: object;
  /** Property names the validator read (or tested with `in`). */
  read: Set<string>;
  children: Map<string, object>;
}

/**
 * Run a generated validator on `data` wrapped in read-recording proxies, and report the schema errors plus every
 * field that the validator never read. Generated ajv code reads each declared property (`data.x !== undefined`) and
 * every key of a map (`for (k in data) data[k]`), so an unread key is one the schema does not declare. Objects the
 * validator never looked into at all are free-form in the schema (RawExtension, JSON, FieldsV1) and are skipped.
 */
function runTrackedValidator(validate: GeneratedValidator, data: unknown, basePath: string, label: string): SchemaProblem[] {
  const nodes: TrackedNode[] = [];
  const wrap = (target: object, pointer: string): object => {
    const node: TrackedNode = { pointer, target, read: new Set(), children: new Map() };
    nodes.push(node);
    return new Proxy(target, {
      get(t, key, receiver) {
        const value: unknown = Reflect.get(t, key, receiver);
        if (typeof key !== "string") return value;
        node.read.add(key);
        if (value !== null && typeof value === "object" && Object.prototype.hasOwnProperty.call(t, key)) {
          let child = node.children.get(key);
          if (!child) {
            child = wrap(value, `${pointer}/${escapePointer(key)}`);
            node.children.set(key, child);
          }
          return child;
        }
        return value;
      },
      has(t, key) {
        if (typeof key === "string") node.read.add(key);
        return Reflect.has(t, key);
      },
    });
  };
  const input = data !== null && typeof data === "object" ? wrap(data, basePath) : data;
  const problems = validate(input, { instancePath: basePath }) ? [] : ajvErrorsToProblems(validate.errors ?? [], data, basePath, label);
  for (const node of nodes) {
    if (Array.isArray(node.target) || node.read.size === 0) continue;
    for (const key of Object.keys(node.target)) {
      if (!node.read.has(key)) {
        problems.push({ object: label, path: `${node.pointer}/${escapePointer(key)}`, message: unknownFieldMessage(key, node.read) });
      }
    }
  }
  return problems;
}

/** Where each workload kind keeps its pod spec, as a path of property names. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  "v1|Pod": ["spec"],
  "v1|PodTemplate": ["template", "spec"],
  "v1|ReplicationController": ["spec", "template", "spec"],
  "apps/v1|Deployment": ["spec", "template", "spec"],
  "apps/v1|StatefulSet": ["spec", "template", "spec"],
  "apps/v1|DaemonSet": ["spec", "template", "spec"],
  "apps/v1|ReplicaSet": ["spec", "template", "spec"],
  "batch/v1|Job": ["spec", "template", "spec"],
  "batch/v1|CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/**
 * `image` is optional in the OpenAPI schema (so that tools may fill it in later) but the API server's validation
 * rejects a pod or pod template whose containers have none, so we check it here.
 */
function checkPodTemplates(data: Record<string, unknown>, label: string): SchemaProblem[] {
  const specPath = POD_SPEC_PATHS[`${String(data.apiVersion)}|${String(data.kind)}`];
  if (!specPath) return [];
  let podSpec: unknown = data;
  for (const key of specPath) podSpec = isPlainObject(podSpec) ? podSpec[key] : undefined;
  if (!isPlainObject(podSpec)) return [];
  const problems: SchemaProblem[] = [];
  for (const listName of ["containers", "initContainers"]) {
    const list = podSpec[listName];
    if (!Array.isArray(list)) continue;
    list.forEach((container: unknown, index) => {
      if (isPlainObject(container) && (typeof container.image !== "string" || container.image.trim() === "")) {
        problems.push({ object: label, path: `/${[...specPath, listName, String(index), "image"].join("/")}`, message: "missing required field \"image\"" });
      }
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Metadata rules the API server enforces beyond the OpenAPI schema
// ---------------------------------------------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Why `name` is not a valid object name for this kind, or undefined when it is. */
function nameProblem(apiVersion: string, kind: string, name: string): string | undefined {
  if (apiVersion.startsWith("rbac.authorization.k8s.io/")) {
    // RBAC names are path segments (e.g. "system:auth-delegator"), not DNS names.
    return name === "." || name === ".." || /[/%]/.test(name) ? "must be a valid path segment (no '/', '%', not '.' or '..')" : undefined;
  }
  if (apiVersion === "v1" && kind === "Namespace") {
    return name.length <= 63 && DNS1123_LABEL.test(name) ? undefined : "must be a DNS-1123 label (lower-case alphanumerics and '-', at most 63 characters)";
  }
  if (apiVersion === "v1" && kind === "Service") {
    return name.length <= 63 && DNS1035_LABEL.test(name) ? undefined : "must be a DNS-1035 label (start with a letter; lower-case alphanumerics and '-', at most 63 characters)";
  }
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name) ? undefined : "must be a DNS-1123 subdomain (lower-case alphanumerics, '-' and '.', at most 253 characters)";
}

/** Why `key` is not a valid label/annotation key (`[prefix/]name`), or undefined when it is. */
function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return "prefix must be a DNS-1123 subdomain";
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return "name part must be at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
  }
  return undefined;
}

function checkMetadata(data: Record<string, unknown>, label: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const add = (pathName: string, message: string) => problems.push({ object: label, path: pathName, message });
  const metadata = data.metadata;
  if (!isPlainObject(metadata)) {
    add("/metadata/name", "missing required field \"name\"");
    return problems; // a non-object metadata is already a schema error
  }
  if (typeof metadata.name !== "string" || metadata.name === "") {
    add("/metadata/name", "missing required field \"name\"");
  } else {
    const why = nameProblem(String(data.apiVersion), String(data.kind), metadata.name);
    if (why) add("/metadata/name", `invalid name ${JSON.stringify(metadata.name)}: ${why}`);
  }
  if (typeof metadata.namespace === "string" && (metadata.namespace.length > 63 || !DNS1123_LABEL.test(metadata.namespace))) {
    add("/metadata/namespace", `invalid namespace ${JSON.stringify(metadata.namespace)}: must be a DNS-1123 label`);
  }
  if (isPlainObject(metadata.labels)) {
    for (const [key, value] of Object.entries(metadata.labels)) {
      const keyWhy = qualifiedNameProblem(key);
      if (keyWhy) add(`/metadata/labels/${escapePointer(key)}`, `invalid label key ${JSON.stringify(key)}: ${keyWhy}`);
      if (typeof value === "string" && value !== "" && (value.length > 63 || !QUALIFIED_NAME_PART.test(value))) {
        add(`/metadata/labels/${escapePointer(key)}`, `invalid label value ${JSON.stringify(value)}: at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`);
      }
    }
  }
  if (isPlainObject(metadata.annotations)) {
    let size = 0;
    for (const [key, value] of Object.entries(metadata.annotations)) {
      const keyWhy = qualifiedNameProblem(key);
      if (keyWhy) add(`/metadata/annotations/${escapePointer(key)}`, `invalid annotation key ${JSON.stringify(key)}: ${keyWhy}`);
      size += Buffer.byteLength(key) + (typeof value === "string" ? Buffer.byteLength(value) : 0);
    }
    if (size > ANNOTATIONS_MAX_BYTES) add("/metadata/annotations", `annotations total ${size} bytes, more than the ${ANNOTATIONS_MAX_BYTES} the API server allows`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Custom resources: CRDs from the shared schemas
// ---------------------------------------------------------------------------------------------------------------

type JsonSchema = Record<string, unknown>;

interface CrdVersion {
  crdName: string;
  /** File, relative to SHARED_SCHEMAS_DIR. */
  file: string;
  served: boolean;
  schema: JsonSchema;
  validate?: ValidateFunction;
}

let crdIndexCache: Map<string, CrdVersion> | undefined;

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

/** Every version of every CRD under SHARED_SCHEMAS_DIR, keyed `"<group>/<version>|<Kind>"`. Parsed once. */
function crdIndex(): Map<string, CrdVersion> {
  if (crdIndexCache) return crdIndexCache;
  const index = new Map<string, CrdVersion>();
  for (const file of listFiles(SHARED_SCHEMAS_DIR).filter((f) => /\.ya?ml$/.test(f))) {
    const relative = path.relative(SHARED_SCHEMAS_DIR, file);
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))) {
      if (doc.errors.length > 0) throw new Error(`schema-validation: cannot parse ${relative}: ${doc.errors[0].message}`);
      const crd: unknown = doc.toJS();
      if (!isPlainObject(crd) || crd.kind !== "CustomResourceDefinition" || !isPlainObject(crd.spec)) continue;
      const spec = crd.spec;
      const names = isPlainObject(spec.names) ? spec.names : {};
      const crdName = isPlainObject(crd.metadata) ? String(crd.metadata.name) : relative;
      for (const version of Array.isArray(spec.versions) ? spec.versions : []) {
        if (!isPlainObject(version)) continue;
        // apiextensions/v1 may also put one schema at spec.validation (v1beta1 style); support both.
        const schemaHolder = isPlainObject(version.schema) ? version.schema : isPlainObject(spec.validation) ? spec.validation : {};
        const schema = isPlainObject(schemaHolder.openAPIV3Schema) ? schemaHolder.openAPIV3Schema : { type: "object", "x-kubernetes-preserve-unknown-fields": true };
        const key = `${String(spec.group)}/${String(version.name)}|${String(names.kind)}`;
        const existing = index.get(key);
        if (existing) throw new Error(`schema-validation: ${key} is defined twice (${existing.file} and ${relative})`);
        index.set(key, { crdName, file: relative, served: version.served !== false, schema });
      }
    }
  }
  crdIndexCache = index;
  return index;
}

/**
 * Make a CRD schema strict the way `kubectl apply --validate=strict` is: every structural object (reached through
 * properties/items/additionalProperties, not through anyOf/allOf/oneOf/not, whose branches may only restate fields)
 * gets `additionalProperties: false` unless it is a map or has `x-kubernetes-preserve-unknown-fields`.
 */
function closeStructuralSchema(node: JsonSchema, isRoot: boolean): JsonSchema {
  const out: JsonSchema = { ...node };
  const properties: Record<string, JsonSchema> = isPlainObject(out.properties) ? { ...(out.properties as Record<string, JsonSchema>) } : {};
  for (const [key, child] of Object.entries(properties)) {
    if (isPlainObject(child)) properties[key] = closeStructuralSchema(child, false);
  }
  if (isRoot || out["x-kubernetes-embedded-resource"] === true) {
    // The type meta is implied (we found the schema through it); metadata is validated separately as ObjectMeta.
    properties.apiVersion = { type: "string" };
    properties.kind = { type: "string" };
    properties.metadata = { type: "object" };
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (isPlainObject(out.items)) out.items = closeStructuralSchema(out.items, false);
  if (isPlainObject(out.additionalProperties)) out.additionalProperties = closeStructuralSchema(out.additionalProperties, false);
  const isObject = out.type === "object" || (out.type === undefined && out.properties !== undefined) || isRoot;
  if (isObject && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

let crdAjvCache: Ajv | undefined;
function crdAjv(): Ajv {
  if (crdAjvCache) return crdAjvCache;
  // strict: false — these schemas are written for the API server (OpenAPI v3 subset plus x-kubernetes-* keywords),
  // not for ajv's strict mode. useDefaults mirrors the API server, which defaults before it validates (we validate
  // a private copy). verbose gives errors their parent schema, for "did you mean" hints.
  // unicodeRegExp: false — patterns are Go RE2, which (unlike JavaScript's "u" mode) allows escaping any punctuation.
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true, unicodeRegExp: false });
  addFormats(ajv);
  ajv.addKeyword({
    keyword: "x-kubernetes-int-or-string",
    schemaType: "boolean",
    validate: (schema: boolean, data: unknown) => !schema || typeof data === "string" || Number.isInteger(data),
  });
  const listType: SchemaValidateFunction = (kindOfList: string, data: unknown[], parentSchema?: AnySchemaObject) => {
    const errors: Partial<ErrorObject>[] = [];
    listType.errors = errors;
    if (kindOfList !== "set" && kindOfList !== "map") return true;
    const mapKeys: unknown = parentSchema?.["x-kubernetes-list-map-keys"];
    const keys = Array.isArray(mapKeys) ? mapKeys.map(String) : [];
    const seen = new Map<string, number>();
    data.forEach((item, index) => {
      const identity = kindOfList === "set" ? JSON.stringify(item) : JSON.stringify(keys.map((k) => (isPlainObject(item) ? item[k] : undefined)));
      const first = seen.get(identity);
      if (first === undefined) {
        seen.set(identity, index);
      } else {
        const what = kindOfList === "set" ? `value ${identity}` : `key (${keys.join(", ")}) = ${identity}`;
        errors.push({ keyword: "x-kubernetes-list-type", message: `duplicate ${what}: items ${first} and ${index} (list type "${kindOfList}")`, params: { duplicateOf: first, index } });
      }
    });
    return errors.length === 0;
  };
  ajv.addKeyword({ keyword: "x-kubernetes-list-type", type: "array", schemaType: "string", errors: true, validate: listType });
  // Annotation-only for our purposes (CEL rules in x-kubernetes-validations are NOT evaluated).
  for (const keyword of ["x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-validations", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource"]) {
    ajv.addKeyword({ keyword });
  }
  crdAjvCache = ajv;
  return ajv;
}

function crdValidator(crd: CrdVersion): ValidateFunction {
  crd.validate ??= crdAjv().compile(closeStructuralSchema(crd.schema, true));
  return crd.validate;
}

// ---------------------------------------------------------------------------------------------------------------
// Authelia (JSON Schema draft 2020-12)
// ---------------------------------------------------------------------------------------------------------------

const autheliaValidators = new Map<string, ValidateFunction>();

/**
 * Authelia's "regex" fields hold Go (RE2) expressions, so `(?i)` flags and `(?P<name>…)` groups are valid there but
 * not in JavaScript; translate those before asking RegExp whether the expression parses.
 */
function isGoRegex(value: string): boolean {
  const js = value.replace(/\(\?[imsU-]+\)/g, "").replace(/\(\?[imsU-]+:/g, "(?:").replace(/\(\?P</g, "(?<");
  try {
    new RegExp(js);
    return true;
  } catch {
    return false;
  }
}

function validateAuthelia(relativeFile: string, label: string, value: unknown): SchemaProblem[] {
  if (!sharedSchemasAvailable()) return [];
  let validate = autheliaValidators.get(relativeFile);
  if (!validate) {
    // strict: false — upstream schemas are generated for editors, not ajv's strict mode (e.g. untyped properties).
    // unicodeRegExp: false — patterns are Go RE2 (e.g. `\<` appears), which JavaScript's "u" mode rejects.
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true, unicodeRegExp: false });
    addFormats(ajv);
    ajv.addFormat("regex", isGoRegex);
    const schema = JSON.parse(fs.readFileSync(path.join(SHARED_SCHEMAS_DIR, relativeFile), "utf8")) as AnySchemaObject;
    validate = ajv.compile(schema);
    autheliaValidators.set(relativeFile, validate);
  }
  const data: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  return validate(data) ? [] : ajvErrorsToProblems(validate.errors ?? [], data, "", label);
}

// ---------------------------------------------------------------------------------------------------------------
// Error formatting
// ---------------------------------------------------------------------------------------------------------------

function ajvErrorsToProblems(errors: ErrorObject[], root: unknown, basePath: string, label: string): SchemaProblem[] {
  // ajv reports a failed oneOf/anyOf *and* each branch's error at the same path; fold the branches into one message.
  const junctionPaths = new Set(errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf").map((e) => e.instancePath));
  const branchMessages = new Map<string, string[]>();
  for (const err of errors) {
    if (junctionPaths.has(err.instancePath) && err.keyword !== "oneOf" && err.keyword !== "anyOf") {
      const list = branchMessages.get(err.instancePath) ?? [];
      const message = describeAjvError(err, root, basePath, false);
      if (!list.includes(message)) list.push(message);
      branchMessages.set(err.instancePath, list);
    }
  }
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const err of errors) {
    let problemPath = err.instancePath;
    let message: string;
    if (junctionPaths.has(err.instancePath) && err.keyword !== "oneOf" && err.keyword !== "anyOf") continue;
    if (err.keyword === "oneOf" || err.keyword === "anyOf") {
      const branches = branchMessages.get(err.instancePath) ?? [];
      message = `must match ${err.keyword === "oneOf" ? "exactly one" : "at least one"} of its alternatives${branches.length ? `: ${branches.join(" | ")}` : ""} (got ${describeValue(valueAt(root, err.instancePath, basePath))})`;
    } else {
      message = describeAjvError(err, root, basePath);
      if (err.keyword === "required") problemPath = `${err.instancePath}/${escapePointer(String(err.params.missingProperty))}`;
      if (err.keyword === "additionalProperties") problemPath = `${err.instancePath}/${escapePointer(String(err.params.additionalProperty))}`;
    }
    const key = `${problemPath}\u0000${message}`;
    if (seen.has(key)) continue; // e.g. the same branch error reported by two alternatives
    seen.add(key);
    problems.push({ object: label, path: problemPath, message });
  }
  return problems;
}

function describeAjvError(err: ErrorObject, root: unknown, basePath: string, showValue = true): string {
  const params = err.params as Record<string, unknown>;
  const got = () => (showValue ? ` (got ${describeValue(valueAt(root, err.instancePath, basePath))})` : "");
  switch (err.keyword) {
    case "type":
      return `must be ${String(params.type)}${got()}`;
    case "required":
      return `missing required field ${JSON.stringify(params.missingProperty)}`;
    case "additionalProperties": {
      const known = isPlainObject(err.parentSchema) && isPlainObject(err.parentSchema.properties) ? Object.keys(err.parentSchema.properties) : [];
      return unknownFieldMessage(String(params.additionalProperty), new Set(known));
    }
    case "enum":
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}${got()}`;
    case "const":
      return `must be ${JSON.stringify(params.allowedValue)}${got()}`;
    case "format":
      return `must be a valid ${String(params.format)}${got()}`;
    case "pattern":
      return `must match pattern ${String(params.pattern)}${got()}`;
    default:
      return err.message ?? `fails "${err.keyword}" ${JSON.stringify(params)}`;
  }
}

function unknownFieldMessage(key: string, known: Set<string>): string {
  let best: string | undefined;
  let bestDistance = 3; // only suggest close matches
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return `unknown field ${JSON.stringify(key)}${best ? ` (did you mean ${JSON.stringify(best)}?)` : ""}`;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

const FUNCTION_MARKER = "\u0000schema-validation: function\u0000";
const PULUMI_OUTPUT_JSON = "Calling [toJSON] on an [Output<T>] is not supported";

/** Values that are not data at all: functions and unresolved Pulumi Outputs. */
function findUnresolvedValues(value: unknown, pointer: string, label: string): SchemaProblem[] {
  if (typeof value === "string") {
    if (value === FUNCTION_MARKER) return [{ object: label, path: pointer, message: "is a function, not data" }];
    if (value.startsWith(PULUMI_OUTPUT_JSON)) return [{ object: label, path: pointer, message: "is an unresolved Pulumi Output; validate resolved values" }];
    return [];
  }
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => findUnresolvedValues(child, `${pointer}/${escapePointer(key)}`, label));
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The value at an ajv instancePath (which includes `basePath`) inside `root` (which is the value at `basePath`). */
function valueAt(root: unknown, instancePath: string, basePath: string): unknown {
  const relative = instancePath.startsWith(basePath) ? instancePath.slice(basePath.length) : instancePath;
  let current: unknown = root;
  for (const raw of relative.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    current = current !== null && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const json = JSON.stringify(value);
  return `${typeof value} ${json.length > 60 ? `${json.slice(0, 57)}...` : json}`;
}

/** `"<apiVersion> <kind> <namespace>/<name>"`, as far as the object says. */
function objectLabel(obj: Record<string, unknown>): string {
  const metadata = isPlainObject(obj.metadata) ? obj.metadata : {};
  const name = typeof metadata.name === "string" && metadata.name !== "" ? metadata.name : "<unnamed>";
  const namespace = typeof metadata.namespace === "string" && metadata.namespace !== "" ? `${metadata.namespace}/` : "";
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "<no apiVersion>";
  const kind = typeof obj.kind === "string" ? obj.kind : "<no kind>";
  return `${apiVersion} ${kind} ${namespace}${name}`;
}
