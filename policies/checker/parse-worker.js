"use strict";
/**
 * Phase one of reading manifests: YAML text to plain values, one entry per document. Plain JavaScript (not
 * TypeScript) so that it runs unchanged in worker threads — the checker parses large inputs on every core, since
 * YAML parsing is most of its time — as well as inline in the main thread.
 *
 * Parse options are Kubernetes' (see yaml.ts): YAML 1.1, so `yes`/`no`/`on`/`off` are booleans as they are to
 * kubectl, without the timestamp type (Kubernetes keeps dates as strings).
 */
const fs = require("fs");
const { parseAllDocuments } = require("yaml");
const { isMainThread, parentPort, workerData } = require("worker_threads");

const PARSE_OPTIONS = {
  version: "1.1",
  customTags: (tags) => tags.filter((t) => typeof t === "string" || t.tag !== "tag:yaml.org,2002:timestamp"),
  prettyErrors: true,
};
/** Anchors and aliases are legal; a "billion laughs" document is not a manifest. */
const TO_JS_OPTIONS = { maxAliasCount: 1000 };

/** Every document of `text`: `{ value }` (null for an empty document) or `{ errors: [{ message, line, col }] }`. */
function parseText(text) {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(docs)) return [];
  return docs.map((doc) => {
    if (doc.errors.length > 0) {
      return {
        errors: doc.errors.map((e) => ({
          message: String(e.message).split("\n")[0],
          line: e.linePos ? e.linePos[0].line : 1,
          col: e.linePos ? e.linePos[0].col : 1,
        })),
      };
    }
    try {
      const value = doc.toJS(TO_JS_OPTIONS);
      return { value: value === undefined ? null : value };
    } catch (e) {
      return { errors: [{ message: e.message, line: 1, col: 1 }] };
    }
  });
}

/** Reads and parses one file: `{ docs }`, or `{ readError }` when it cannot be read. */
function parseFile(file) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    return { readError: e.message };
  }
  return { docs: parseText(text) };
}

module.exports = { PARSE_OPTIONS, TO_JS_OPTIONS, parseText, parseFile };

if (!isMainThread && workerData && workerData.task === "parse-manifests") {
  parentPort.postMessage(workerData.files.map(parseFile));
}
