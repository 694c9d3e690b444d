/**
 * YAML reading the way Kubernetes tooling reads it, with positions kept for messages and SARIF.
 *
 * kubectl decodes manifests with a YAML 1.1 parser (go-yaml v2 via sigs.k8s.io/yaml), where `yes`/`no`/`on`/`off`
 * are booleans: `hostNetwork: yes` *is* `true` to the API server. Parsing as YAML 1.2 would read the string "yes"
 * and let that pod through, so documents are parsed with the YAML 1.1 schema — minus timestamps, which
 * Kubernetes' YAML-to-JSON step keeps as strings.
 */
import type { Document, DocumentOptions, LineCounter, ParseOptions, SchemaOptions, ToJSOptions } from "yaml";
import { isMap, isScalar, isSeq } from "yaml";
import type { FieldPath } from "../types";
import { PARSE_OPTIONS, TO_JS_OPTIONS as WORKER_TO_JS_OPTIONS } from "./parse-worker";

/** Parse options matching Kubernetes' YAML decoding (defined once, in parse-worker.js, which workers also run). */
export const KUBERNETES_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = PARSE_OPTIONS;

/** Conversion options: anchors and aliases are legal, a "billion laughs" document is not a manifest. */
export const TO_JS_OPTIONS: ToJSOptions = WORKER_TO_JS_OPTIONS;

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/**
 * Where `path` is in `doc`: by default the key of the deepest map entry (or the list item) of `path` that exists —
 * pointing at the key puts a missing field's parent on the reported line, which is where it has to be added.
 * With `at: "value"`, the value of the full path when it exists (for "this value is wrong" messages).
 */
export function positionOf(doc: Document, path: FieldPath, lineCounter: LineCounter, at: "key" | "value" = "key"): Position {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  let complete = true;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) {
        complete = false;
        break;
      }
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) {
        complete = false;
        break;
      }
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      complete = false;
      break;
    }
  }
  if (at === "value" && complete) offset = rangeStart(node) ?? offset;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : undefined;
}
