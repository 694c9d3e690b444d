/**
 * Field paths: formatted the way Kubernetes documentation and API errors write them
 * (`spec.containers[0].securityContext.privileged`, `metadata.annotations["example.com/key"]`) and parsed back,
 * so a violation's `path` string alone is enough to locate the field in a YAML document.
 */
import type { FieldPath, PathSegment } from "./types";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Formats a path; keys that are not plain identifiers (annotation keys, sysctl names…) are written `["…"]`. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") {
      out += `[${segment}]`;
    } else if (IDENTIFIER.test(segment)) {
      out += out === "" ? segment : `.${segment}`;
    } else {
      out += `[${JSON.stringify(segment)}]`;
    }
  }
  return out;
}

/** Inverse of {@link formatPath}. Throws on a string {@link formatPath} cannot have produced. */
export function parsePath(text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ".") {
      i++;
      continue;
    }
    if (ch === "[") {
      if (text[i + 1] === '"') {
        // A JSON string literal: find its closing quote, skipping escaped characters.
        let j = i + 2;
        while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
        segments.push(JSON.parse(text.slice(i + 1, j + 1)) as string);
        if (text[j + 1] !== "]") throw new Error(`bad path ${text}`);
        i = j + 2;
      } else {
        const end = text.indexOf("]", i);
        if (end < 0) throw new Error(`bad path ${text}`);
        const n = Number(text.slice(i + 1, end));
        if (!Number.isInteger(n)) throw new Error(`bad path ${text}`);
        segments.push(n);
        i = end + 1;
      }
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== "." && text[j] !== "[") j++;
    segments.push(text.slice(i, j));
    i = j;
  }
  return segments;
}

/** Appends segments to a path (paths are immutable arrays). */
export function join(path: FieldPath, ...more: PathSegment[]): FieldPath {
  return [...path, ...more];
}
