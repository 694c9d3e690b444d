/**
 * Agreement with pod-security-admission beyond single checks: which checks run at each level and version
 * (policy/registry.go), how a namespace's labels choose the policy (api/helpers.go PolicyToEvaluate), and which
 * objects carry a pod spec (admission/admission.go DefaultPodSpecExtractor).
 *
 * The per-check tables beside this file hold the per-field cases. Optionally, the whole upstream reference corpus
 * can be replayed: point PSA_TESTDATA at a checkout's `test/testdata` (kubernetes/pod-security-admission) and every
 * `<level>/v1.<minor>/{pass,fail}/*.yaml` pod must be admitted or refused exactly as the directory says.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { KUBERNETES_YAML_OPTIONS } from "../../checker/yaml";
import { createContext, podSecurityOfNamespace } from "../../context";
import { POD_BEARING_KINDS } from "../../objects";
import { DEFAULT_SETTINGS } from "../../types";
import type { KubeObject } from "../../types";
import { clone, namespace, settings, specOf, violationKeys, workload, POD_SPEC_PATHS } from "../../testing";
import { POD_SECURITY_CHECKS, POD_SECURITY_RULES, NEWEST_POLICY_VERSION, activeChecks, effectiveVersion } from "./index";
import { podViewOf } from "./check";

const BASELINE_IDS = [
  "windowsHostProcess",
  "hostNamespaces",
  "privileged",
  "capabilities_baseline",
  "hostPathVolumes",
  "hostPorts",
  "appArmorProfile",
  "seLinuxOptions",
  "procMount",
  "seccompProfile_baseline",
  "sysctls",
  "hostProbesAndHostLifecycle",
];

describe("check selection per level and version (registry.go)", () => {
  const ids = (level: "privileged" | "baseline" | "restricted", version: number | "latest") => [...activeChecks({ level, version }).keys()].sort();

  it.each([
    ["privileged runs nothing", "privileged", "latest", []],
    ["baseline latest runs every baseline check", "baseline", "latest", [...BASELINE_IDS].sort()],
    [
      "restricted latest replaces the overridden baseline checks",
      "restricted",
      "latest",
      [
        ...BASELINE_IDS.filter((id) => !["capabilities_baseline", "hostPathVolumes", "seccompProfile_baseline", "procMount"].includes(id)),
        "restrictedVolumes",
        "allowPrivilegeEscalation",
        "runAsNonRoot",
        "runAsUser",
        "seccompProfile_restricted",
        "capabilities_restricted",
        "procMount_restricted",
      ].sort(),
    ],
    [
      "restricted v1.21: no capabilities_restricted yet, so capabilities_baseline runs; no runAsUser",
      "restricted",
      21,
      [
        ...BASELINE_IDS.filter((id) => !["hostPathVolumes", "seccompProfile_baseline", "procMount", "hostProbesAndHostLifecycle"].includes(id)),
        "procMount",
        "restrictedVolumes",
        "allowPrivilegeEscalation",
        "runAsNonRoot",
        "seccompProfile_restricted",
      ].sort(),
    ],
    [
      "restricted v1.7: before allowPrivilegeEscalation and seccompProfile_restricted",
      "restricted",
      7,
      [...BASELINE_IDS.filter((id) => !["hostPathVolumes", "hostProbesAndHostLifecycle"].includes(id)), "restrictedVolumes", "runAsNonRoot"].sort(),
    ],
  ] as const)("%s", (_name, level, version, expected) => {
    expect(ids(level, version)).toEqual(expected);
  });

  it("clamps latest and future versions to the newest policy change (1.35)", () => {
    expect(NEWEST_POLICY_VERSION).toBe(35);
    expect(effectiveVersion("latest")).toBe(35);
    expect(effectiveVersion(36)).toBe(35);
    expect(effectiveVersion(99)).toBe(35);
    expect(effectiveVersion(20)).toBe(20);
  });

  it("registers one rule per upstream check, named by level", () => {
    expect(POD_SECURITY_CHECKS.map((c) => c.id).sort()).toEqual(
      [...BASELINE_IDS, "restrictedVolumes", "allowPrivilegeEscalation", "runAsNonRoot", "runAsUser", "seccompProfile_restricted", "capabilities_restricted", "procMount_restricted"].sort(),
    );
    for (const check of POD_SECURITY_CHECKS) {
      expect(check.policy.startsWith(`pod-security-${check.level}-`)).toBe(true);
      const versions = check.versions.map((v) => v.minimumVersion);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      if (check.level === "baseline") expect(check.versions.every((v) => !v.overrides)).toBe(true);
    }
  });
});

describe("namespace labels choose the policy (api.PolicyToEvaluate)", () => {
  const fallback = { level: "baseline", version: 30 } as const;
  it.each([
    ["no Namespace object: the fallback", undefined, fallback],
    ["no enforce label: the fallback", namespace("a"), fallback],
    ["enforce: privileged", namespace("a", { level: "privileged" }), { level: "privileged", version: 30 }],
    ["enforce-version v1.24", namespace("a", { level: "restricted", version: "v1.24" }), { level: "restricted", version: 24 }],
    ["enforce-version latest", namespace("a", { level: "baseline", version: "latest" }), { level: "baseline", version: "latest" }],
    [
      "an invalid level fails closed to restricted",
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "a", labels: { "pod-security.kubernetes.io/enforce": "strict" } } },
      { level: "restricted", version: 30 },
    ],
    [
      "an invalid version evaluates as latest",
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "a", labels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "1.30" } } },
      { level: "baseline", version: "latest" },
    ],
  ] as const)("%s", (_name, ns, expected) => {
    expect(podSecurityOfNamespace(ns as KubeObject | undefined, fallback)).toEqual(expected);
  });

  it("uses the settings' default level for namespaces that are not among the inputs", () => {
    const privileged = clone(workload("Deployment", "elsewhere"));
    specOf(privileged).containers[0].securityContext.privileged = true;
    expect(violationKeys([privileged], { rules: POD_SECURITY_RULES, settings: settings({ defaultPodSecurityLevel: "baseline" }) })).toEqual([
      "pod-security-baseline-privileged spec.template.spec.containers[0].securityContext.privileged",
    ]);
    expect(violationKeys([privileged], { rules: POD_SECURITY_RULES, settings: settings({ defaultPodSecurityLevel: "privileged" }) })).toEqual([]);
    // A labelled Namespace among the inputs wins over the default.
    expect(
      violationKeys([namespace("elsewhere", { level: "privileged" }), privileged], { rules: POD_SECURITY_RULES, settings: settings({ defaultPodSecurityLevel: "restricted" }) }),
    ).toEqual([]);
  });

  it("defaults to restricted", () => {
    expect(createContext([], DEFAULT_SETTINGS).podSecurity("anything")).toEqual({ level: "restricted", version: "latest" });
  });
});

describe("objects evaluated (DefaultPodSpecExtractor)", () => {
  it.each(POD_BEARING_KINDS.map((k) => [k]))("%s: the pod spec is found and checked", (kind) => {
    const obj = clone(workload(kind));
    specOf(obj).containers[0].securityContext.privileged = true;
    expect(violationKeys([obj], { rules: POD_SECURITY_RULES })).toEqual([
      `pod-security-baseline-privileged ${POD_SPEC_PATHS[kind]}.containers[0].securityContext.privileged`,
    ]);
  });

  it.each([
    ["a Service", { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { hostNetwork: true } }],
    ["a Deployment of another group", { apiVersion: "example.com/v1", kind: "Deployment", metadata: { name: "d" }, spec: { template: { spec: { hostNetwork: true, containers: [] } } } }],
    ["a Pod without spec", { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } }],
  ])("%s is not a pod", (_name, obj) => {
    expect(podViewOf(obj as KubeObject)).toBeUndefined();
    expect(violationKeys([obj as KubeObject], { rules: POD_SECURITY_RULES })).toEqual([]);
  });

  it("the pod template's metadata (not the workload's) carries the annotations that count", () => {
    const obj = clone(workload("Deployment"));
    obj.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" };
    expect(violationKeys([obj], { rules: POD_SECURITY_RULES })).toEqual([]);
    obj.spec.template.metadata.annotations = obj.metadata.annotations;
    expect(violationKeys([obj], { rules: POD_SECURITY_RULES })).toEqual([
      'pod-security-baseline-apparmor spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]',
    ]);
  });
});

// Replays the upstream reference fixtures when available (they are not vendored here).
const testdata = process.env.PSA_TESTDATA;
(testdata ? describe : describe.skip)("upstream reference fixtures (PSA_TESTDATA)", () => {
  it("admits every pass fixture and refuses every fail fixture, at every level and version", () => {
    const disagreements: string[] = [];
    let count = 0;
    for (const level of ["baseline", "restricted"] as const) {
      for (const versionDir of fs.readdirSync(path.join(testdata!, level))) {
        const version = Number(versionDir.replace(/^v1\./, ""));
        for (const outcome of ["pass", "fail"] as const) {
          const dir = path.join(testdata!, level, versionDir, outcome);
          if (!fs.existsSync(dir)) continue;
          for (const file of fs.readdirSync(dir)) {
            const pod = parse(fs.readFileSync(path.join(dir, file), "utf8"), KUBERNETES_YAML_OPTIONS) as KubeObject;
            const view = podViewOf(pod)!;
            const refused = [...activeChecks({ level, version }).values()].some((evaluate) => evaluate(view).length > 0);
            count++;
            if (refused !== (outcome === "fail")) disagreements.push(`${level}/${versionDir}/${outcome}/${file}`);
          }
        }
      }
    }
    expect(count).toBeGreaterThan(1000);
    expect(disagreements).toEqual([]);
  });
});
