/**
 * Reads manifests for the checker: files and directories (recursively, `*.yaml`, `*.yml`, `*.json`), multi-document
 * YAML, and `kind: List` (or any `…List` with `items`) expanded into its items.
 *
 * Anything that is not a set of Kubernetes objects is bad input and is reported with its position, never
 * skipped: invalid YAML, a document that is not a map with string `apiVersion` and `kind`, a path that cannot be
 * read, a directory without manifests. The caller exits 2 on any of them.
 *
 * Reading is two phases. Parsing (parse-worker.js) turns each file into plain values; it is nearly all of the
 * checker's time, so large inputs are parsed in worker threads, one per core. Positions (for SARIF lines and
 * messages) are needed only for the few objects with violations, so a file is parsed again, with its syntax
 * tree kept, only when one of its positions is asked for.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Worker } from "worker_threads";
import type { Document } from "yaml";
import { LineCounter, parseAllDocuments } from "yaml";
import { isRecord, list } from "../objects";
import type { FieldPath, KubeObject } from "../types";
import type { ParsedDocument, ParsedFile } from "./parse-worker";
import { parseFile, parseText } from "./parse-worker";
import type { Position } from "./yaml";
import { KUBERNETES_YAML_OPTIONS, positionOf } from "./yaml";

/** An object read from a file, with what is needed to locate its fields. */
export interface SourcedObject {
  readonly object: KubeObject;
  /** The file as displayed: relative to the working directory when inside it, POSIX separators. */
  readonly file: string;
  /** Locates a field path of this object in its file. */
  locate(path: FieldPath): Position;
}

export interface LoadResult {
  readonly objects: SourcedObject[];
  readonly files: string[];
  /** `file:line:column: message` lines; non-empty means bad input. */
  readonly errors: string[];
}

export interface LoadOptions {
  /** `auto` (default): worker threads for large inputs on multi-core machines; `never`/`always` force it. */
  readonly parallel?: "auto" | "never" | "always";
}

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
/** Below this much YAML, starting workers costs more than it saves. */
const PARALLEL_MIN_BYTES = 2 * 1024 * 1024;

/** How a path is shown: relative to `cwd` if inside it, with forward slashes (SARIF and GitHub want that). */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  const shown = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
  return shown.split(path.sep).join("/");
}

/** Manifest files under `dir`, sorted, skipping dot-directories (`.git`, `.github`…). */
function manifestFilesUnder(dir: string, errors: string[], shown: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    errors.push(`${shown}: cannot read directory: ${(e as Error).message}`);
    return out;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const stat = fs.statSync(full);
        isDir = stat.isDirectory();
        isFile = stat.isFile();
      } catch {
        isFile = true; // let reading it report the broken link
      }
    }
    if (isDir) {
      if (!entry.name.startsWith(".")) out.push(...manifestFilesUnder(full, errors, shown));
    } else if (isFile && MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
      out.push(full);
    }
  }
  return out;
}

/** Expands the command-line paths into files; directories without manifests are errors. */
export function resolveInputs(inputs: readonly string[], cwd: string, errors: string[]): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const full = path.resolve(cwd, input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch (e) {
      errors.push(`${input}: cannot read: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`);
      continue;
    }
    const found = stat.isDirectory() ? manifestFilesUnder(full, errors, input) : [full];
    if (stat.isDirectory() && found.length === 0) {
      errors.push(`${input}: no Kubernetes manifests (*.yaml, *.yml, *.json) in this directory`);
    }
    for (const file of found) {
      if (!seen.has(file)) files.push(file);
      seen.add(file);
    }
  }
  return files;
}

/** Whether a document is a Kubernetes list to expand (`kind: List`, or `PodList`-style output with items). */
function isListObject(value: Record<string, unknown>): boolean {
  return typeof value.kind === "string" && value.kind.endsWith("List") && Array.isArray(value.items);
}

function isKubernetesObject(value: unknown): value is KubeObject {
  return isRecord(value) && typeof value.apiVersion === "string" && value.apiVersion !== "" && typeof value.kind === "string" && value.kind !== "";
}

/**
 * Phase two: turns one file's parsed documents into objects (appended to `objects`) or errors. `text` gives the
 * file's content for positions; it is read (and parsed with its syntax tree) only when a position is needed.
 */
function interpret(docs: readonly ParsedDocument[], file: string, text: () => string, objects: SourcedObject[], errors: string[]): void {
  let trees: { docs: Document.Parsed[]; lineCounter: LineCounter } | undefined;
  const where = (docIndex: number, p: FieldPath): Position => {
    if (!trees) {
      const lineCounter = new LineCounter();
      const parsed = parseAllDocuments(text(), { ...KUBERNETES_YAML_OPTIONS, lineCounter });
      trees = { docs: Array.isArray(parsed) ? parsed : [], lineCounter };
    }
    const doc = trees.docs[docIndex];
    return doc ? positionOf(doc, p, trees.lineCounter) : { line: 1, column: 1 };
  };
  docs.forEach((doc, docIndex) => {
    if ("errors" in doc) {
      for (const e of doc.errors) errors.push(`${file}:${e.line}:${e.col}: invalid YAML: ${e.message}`);
      return;
    }
    // An empty document (`---` with nothing, only comments, or an explicit null), as Helm output often has.
    if (doc.value === null || doc.value === undefined) return;
    const notAnObject = (p: FieldPath, label: string) => {
      const pos = where(docIndex, p);
      errors.push(`${file}:${pos.line}:${pos.column}: ${label} is not a Kubernetes object (a map with string apiVersion and kind)`);
    };
    const label = `document ${docIndex + 1}`;
    if (!isKubernetesObject(doc.value)) return notAnObject([], label);
    const top = doc.value;
    if (!isListObject(top)) {
      objects.push({ object: top, file, locate: (p) => where(docIndex, p) });
      return;
    }
    list(top.items).forEach((item, i) => {
      if (!isKubernetesObject(item)) return notAnObject(["items", i], `${label}, items[${i}]`);
      objects.push({ object: item, file, locate: (p) => where(docIndex, ["items", i, ...p]) });
    });
  });
}

/** Parses one file's text (already read) into objects or errors. */
export function parseManifestText(text: string, file: string, objects: SourcedObject[], errors: string[]): void {
  interpret(parseText(text), file, () => text, objects, errors);
}

/** Parses files in worker threads, about the same number of bytes each; results in `files` order. */
async function parseInWorkers(files: readonly string[], sizes: readonly number[], workers: number): Promise<ParsedFile[]> {
  const buckets: number[][] = Array.from({ length: workers }, () => []);
  const load = new Array<number>(workers).fill(0);
  // Largest first onto the least loaded worker.
  for (const i of files.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]!)) {
    const w = load.indexOf(Math.min(...load));
    buckets[w]!.push(i);
    load[w]! += sizes[i]!;
  }
  const results = new Array<ParsedFile>(files.length);
  const script = require.resolve("./parse-worker.js");
  await Promise.all(
    buckets
      .filter((bucket) => bucket.length > 0)
      .map(
        (bucket) =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(script, { workerData: { task: "parse-manifests", files: bucket.map((i) => files[i]) } });
            worker.once("message", (parsed: ParsedFile[]) => {
              parsed.forEach((r, k) => (results[bucket[k]!] = r));
              void worker.terminate();
              resolve();
            });
            worker.once("error", reject);
          }),
      ),
  );
  return results;
}

/** Loads every input path. */
export async function loadManifests(inputs: readonly string[], cwd: string, options: LoadOptions = {}): Promise<LoadResult> {
  const errors: string[] = [];
  const objects: SourcedObject[] = [];
  const files = resolveInputs(inputs, cwd, errors);
  const sizes = files.map((f) => {
    try {
      return fs.statSync(f).size;
    } catch {
      return 0;
    }
  });
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  const parallel = options.parallel ?? "auto";
  const useWorkers =
    parallel === "always" || (parallel === "auto" && cores > 1 && files.length > 1 && sizes.reduce((a, b) => a + b, 0) >= PARALLEL_MIN_BYTES);
  const parsed = useWorkers ? await parseInWorkers(files, sizes, Math.max(1, Math.min(cores, files.length, 8))) : files.map(parseFile);
  const shownFiles: string[] = [];
  files.forEach((file, i) => {
    const shown = displayPath(file, cwd);
    shownFiles.push(shown);
    const result = parsed[i]!;
    if ("readError" in result) {
      errors.push(`${shown}: cannot read: ${result.readError}`);
      return;
    }
    interpret(result.docs, shown, () => fs.readFileSync(file, "utf8"), objects, errors);
  });
  return { objects, files: shownFiles, errors };
}
