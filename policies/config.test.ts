import { ConfigError, parseConfig } from "./config";
import { enforcementFor } from "./engine";
import { ruleNamed } from "./registry";

function errorsOf(text: string): string[] {
  try {
    parseConfig(text, "policy.yaml");
  } catch (e) {
    if (e instanceof ConfigError) return [...e.messages];
    throw e;
  }
  return [];
}

describe("checker config file", () => {
  it("reads every setting", () => {
    const config = parseConfig(
      [
        "podSecurity:",
        "  level: baseline",
        "  version: v1.33",
        "systemNamespaces: [kube-system, datadog]",
        "budget:",
        "  cpu: 64",
        "  memory: 256Gi",
        "rules:",
        "  hygiene-image-tag: advisory",
        '  "pod-security-*": mandatory',
        "  pod-security-baseline-sysctls: { enforcement: disabled }",
      ].join("\n"),
      "policy.yaml",
    );
    expect(config.settings).toEqual({
      defaultPodSecurityLevel: "baseline",
      defaultPodSecurityVersion: 33,
      systemNamespaces: ["kube-system", "datadog"],
      budget: { cpu: "64", memory: "256Gi" },
    });
    expect(enforcementFor(ruleNamed("hygiene-image-tag")!, config.enforcement)).toBe("advisory");
    expect(enforcementFor(ruleNamed("pod-security-baseline-sysctls")!, config.enforcement)).toBe("disabled");
    expect(enforcementFor(ruleNamed("pod-security-restricted-seccomp")!, config.enforcement)).toBe("mandatory");
    expect(enforcementFor(ruleNamed("quota-container-resources")!, config.enforcement)).toBe("mandatory");
  });

  it("an empty file is the defaults", () => {
    expect(parseConfig("# nothing\n", "policy.yaml").settings.defaultPodSecurityLevel).toBe("restricted");
  });

  it.each<[string, string, string[]]>([
    ["unknown top-level key", "podsecurity:\n  level: baseline\n", ["policy.yaml:1:1: podsecurity: unknown setting"]],
    ["bad level", "podSecurity:\n  level: strict\n", ["policy.yaml:2:10: podSecurity.level: must be privileged, baseline or restricted"]],
    ["unquoted version (a number)", "podSecurity:\n  version: 1.30\n", ['policy.yaml:2:12: podSecurity.version: must be "latest" or "v1.<minor>" (quote it: "v1.30")']],
    ["bad version", "podSecurity:\n  version: v2.0\n", ['policy.yaml:2:12: podSecurity.version: must be "latest" or "v1.<minor>"']],
    ["bad quantity", "budget:\n  cpu: 64 cores\n", ["policy.yaml:2:8: budget.cpu: not a valid Kubernetes quantity (e.g. 64, 500m, 256Gi)"]],
    ["unknown rule", "rules:\n  hygiene-image-tags: advisory\n", ['policy.yaml:2:3: rules.hygiene-image-tags: no rule is called "hygiene-image-tags"']],
    ["bad enforcement", "rules:\n  hygiene-image-tag: warn\n", ["policy.yaml:2:22: rules.hygiene-image-tag: must be mandatory, advisory or disabled, or { enforcement: <one of those> }"]],
    ["invalid YAML", "rules: [\n", [expect.stringMatching(/^policy\.yaml:\d+:\d+: invalid YAML: /) as unknown as string]],
  ])("%s is reported with its position", (_name, text, expected) => {
    expect(errorsOf(text)).toEqual(expected);
  });
});
