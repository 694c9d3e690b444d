/**
 * The corpus of deliberately bad manifests (test/policy-corpus/<rule>/bad-*.yaml) and their good twins
 * (good-*.yaml). Each bad file names, in `# expect: <policy> <field path>` header lines, exactly the violations the
 * checker must report for it — no more, no fewer — and its good twin must pass every rule. A `# config: {…}` line
 * gives checker settings (YAML, as in a `--config` file) for that file.
 *
 * Files are read with the checker's own loader, so the corpus also exercises multi-document parsing.
 */
import * as fs from "fs";
import * as path from "path";
import type { SourcedObject } from "../policies/checker/load";
import { parseManifestText } from "../policies/checker/load";
import { parseConfig } from "../policies/config";
import { evaluate } from "../policies/engine";
import { RULES } from "../policies/registry";
import { DEFAULT_SETTINGS } from "../policies/types";

const CORPUS = path.join(__dirname, "policy-corpus");
const ruleDirs = fs.readdirSync(CORPUS).filter((d) => fs.statSync(path.join(CORPUS, d)).isDirectory()).sort();

interface CorpusFile {
  readonly rule: string;
  readonly file: string;
  readonly text: string;
}

function header(text: string, key: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith(`# ${key}: `))
    .map((line) => line.slice(`# ${key}: `.length).trim());
}

function check(file: CorpusFile): string[] {
  const objects: SourcedObject[] = [];
  const errors: string[] = [];
  parseManifestText(file.text, file.file, objects, errors);
  expect(errors).toEqual([]);
  const [configText] = header(file.text, "config");
  const config = configText ? parseConfig(configText, `${file.file} (config)`) : { settings: DEFAULT_SETTINGS, enforcement: {} };
  return evaluate(
    objects.map((o) => o.object),
    config,
  )
    .map((f) => `${f.violation.policy} ${f.violation.path}`)
    .sort();
}

const files: CorpusFile[] = ruleDirs.flatMap((rule) =>
  fs
    .readdirSync(path.join(CORPUS, rule))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ rule, file: `${rule}/${f}`, text: fs.readFileSync(path.join(CORPUS, rule, f), "utf8") })),
);

describe("policy corpus", () => {
  it("has a directory for every rule, and only for rules", () => {
    expect(ruleDirs).toEqual(RULES.map((r) => r.name).sort());
  });

  it.each(ruleDirs)("%s: at least 3 bad manifests, each with a good twin", (rule) => {
    const names = files.filter((f) => f.rule === rule).map((f) => path.basename(f.file));
    const bad = names.filter((n) => n.startsWith("bad-"));
    expect(bad.length).toBeGreaterThanOrEqual(3);
    expect(names.filter((n) => n.startsWith("good-")).sort()).toEqual(bad.map((n) => n.replace(/^bad-/, "good-")).sort());
  });

  it.each(files.filter((f) => path.basename(f.file).startsWith("bad-")).map((f) => [f.file, f] as const))("%s is flagged by its rule at the stated fields", (_name, file) => {
    const expected = header(file.text, "expect").sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.every((e) => e.startsWith(`${file.rule} `))).toBe(true);
    expect(check(file)).toEqual(expected);
  });

  it.each(files.filter((f) => path.basename(f.file).startsWith("good-")).map((f) => [f.file, f] as const))("%s passes every rule", (_name, file) => {
    expect(check(file)).toEqual([]);
  });
});
