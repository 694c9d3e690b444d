import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks } from "../../scripts/render/mock-runtime";
import { DatadogConfigError, datadogClusterName, datadogEnv, parseDatadogConfig, type DatadogConfig } from "./datadog-config";

const SECRETS = ["datadog:apiKey", "datadog:appKey"];
const enabled = { "datadog:enabled": "true", "datadog:apiKey": "k-api", "datadog:appKey": "k-app" };

function problems(raw: Record<string, string>, secretKeys: string[] = SECRETS): string[] {
  try {
    parseDatadogConfig(raw, "Pulumi.prod.yaml", secretKeys);
  } catch (err) {
    if (err instanceof DatadogConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("parseDatadogConfig", () => {
  it("is off by default, with HPAs, and ignores other namespaces", () => {
    expect(parseDatadogConfig({ "vibecode-platform:domain": "x.example.com", "kubernetes:context": "kind" }, "Pulumi.dev.yaml", [])).toEqual({
      enabled: false,
      autoscaler: "hpa",
      site: "datadoghq.com",
      kubeletTlsVerify: true,
    });
  });

  it("defaults to WPA when enabled and keeps the keys as Pulumi secrets", async () => {
    const c = parseDatadogConfig({ ...enabled, "datadog:clusterName": "prod.eu-1", "datadog:site": "datadoghq.eu" }, "Pulumi.prod.yaml", SECRETS) as Extract<DatadogConfig, { enabled: true }>;
    expect(c).toMatchObject({ enabled: true, autoscaler: "wpa", site: "datadoghq.eu", clusterName: "prod.eu-1" });
    expect(pulumi.Output.isInstance(c.apiKey)).toBe(true);
    expect(await (c.apiKey as any).isSecret).toBe(true);
    expect(await (c.appKey as any).isSecret).toBe(true);
    expect(JSON.stringify(c)).not.toContain("k-api");
  });

  it.each(["wpa", "dpa", "hpa"])("takes autoscaler %s when enabled", (autoscaler) => {
    expect(parseDatadogConfig({ ...enabled, "datadog:autoscaler": autoscaler }, "s", SECRETS).autoscaler).toBe(autoscaler);
  });

  it("falls back to HPA whatever autoscaler is chosen while Datadog is off (nothing else could drive them)", () => {
    expect(parseDatadogConfig({ "datadog:enabled": "false", "datadog:autoscaler": "dpa" }, "s", []).autoscaler).toBe("hpa");
  });

  it("names each missing key when enabled", () => {
    expect(problems({ "datadog:enabled": "true" })).toEqual([
      'Pulumi.prod.yaml: config key "datadog:apiKey": is required with datadog:enabled true — set it with `pulumi config set --secret datadog:apiKey <key>`',
      'Pulumi.prod.yaml: config key "datadog:appKey": is required with datadog:enabled true — set it with `pulumi config set --secret datadog:appKey <key>`',
    ]);
  });

  it("refuses keys stored in plain text, enabled or not", () => {
    expect(problems(enabled, ["datadog:appKey"])).toEqual(['Pulumi.prod.yaml: config key "datadog:apiKey": must be a secret — set it with `pulumi config set --secret datadog:apiKey <key>`']);
    expect(problems({ "datadog:appKey": "k" }, [])).toEqual(['Pulumi.prod.yaml: config key "datadog:appKey": must be a secret — set it with `pulumi config set --secret datadog:appKey <key>`']);
  });

  it("refuses unknown keys by name (a typo must not fall back to a default)", () => {
    expect(problems({ ...enabled, "datadog:apikey": "x" })).toEqual([
      'Pulumi.prod.yaml: config key "datadog:apikey": unknown key; known keys: enabled, apiKey, appKey, site, clusterName, env, autoscaler, kubeletTlsVerify',
    ]);
  });

  it.each([
    [{ "datadog:enabled": "yes" }, 'config key "datadog:enabled": must be "true" or "false"'],
    [{ "datadog:site": "datadoghq.co" }, 'config key "datadog:site": must be one of datadoghq.com, us3.datadoghq.com'],
    [{ "datadog:autoscaler": "vpa" }, 'config key "datadog:autoscaler": must be one of wpa, dpa, hpa'],
    [{ "datadog:clusterName": "Prod_Cluster" }, 'config key "datadog:clusterName": must be lowercase letters'],
    [{ "datadog:env": "prod env" }, 'config key "datadog:env": must be a Kubernetes label value'],
    [{ ...enabled, "datadog:apiKey": "abc\n" }, 'config key "datadog:apiKey": must not contain whitespace'],
  ])("refuses %j", (raw, message) => {
    const found = problems(raw as Record<string, string>);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`Pulumi.prod.yaml: ${message}`);
  });

  it("reads which keys are secret from the Pulumi runtime when no list is given (pulumi up)", async () => {
    let parsed: DatadogConfig | undefined;
    await runUnderMocks(() => (parsed = parseDatadogConfig(pulumi.runtime.allConfig(), "Pulumi.prod.yaml")), {
      project: "vibecode-platform",
      stack: "prod",
      config: enabled,
      secretKeys: SECRETS,
    });
    expect(parsed?.enabled).toBe(true);
    await runUnderMocks(
      () => expect(() => parseDatadogConfig(pulumi.runtime.allConfig(), "Pulumi.prod.yaml")).toThrow('config key "datadog:apiKey": must be a secret'),
      { project: "vibecode-platform", stack: "prod", config: enabled, secretKeys: ["datadog:appKey"] },
    );
  });

  it("derives cluster name and env from the stack unless set", () => {
    const off = parseDatadogConfig({}, "s", []);
    expect([datadogClusterName(off, "prod"), datadogEnv(off, "prod")]).toEqual(["vibecode-prod", "prod"]);
    const set = parseDatadogConfig({ "datadog:clusterName": "eu1", "datadog:env": "production" }, "s", []);
    expect([datadogClusterName(set, "prod"), datadogEnv(set, "prod")]).toEqual(["eu1", "production"]);
  });
});
