/** Datadog and autoscaling as the prod stack renders them, with and without Datadog. */
import * as path from "node:path";
import { render, type RenderResult } from "../scripts/render/render";
import { sharedSchemasAvailable, validateKubernetesObjects } from "./support/schema-validation";

type Obj = Record<string, any>;
const USERS = path.join(__dirname, "fixtures", "alice-and-bob.yaml");
const API_KEY = "sentinel-api-key-0123456789abcdef";
const APP_KEY = "sentinel-app-key-fedcba9876543210";
const AUTOSCALER_KINDS = ["WatermarkPodAutoscaler", "DatadogPodAutoscaler", "HorizontalPodAutoscaler"];

const targetsOf = (r: RenderResult) =>
  r.objects
    .map((o) => o.object as Obj)
    .filter((o) => AUTOSCALER_KINDS.includes(o.kind))
    .map((o) => `${o.kind} → ${o.metadata.namespace}/${(o.spec.scaleTargetRef ?? o.spec.targetRef).name}`)
    .sort();

describe("prod with Datadog enabled", () => {
  let result: RenderResult;
  beforeAll(async () => {
    result = await render({
      stack: "prod",
      usersFile: USERS,
      overrides: { "datadog:enabled": "true", "datadog:apiKey": API_KEY, "datadog:appKey": APP_KEY },
    });
  });

  it("gives Authelia and Traefik exactly one autoscaler each: a WatermarkPodAutoscaler", () => {
    expect(targetsOf(result)).toEqual(["WatermarkPodAutoscaler → authelia/authelia", "WatermarkPodAutoscaler → traefik/traefik"]);
  });

  it("renders schema-valid autoscalers and Datadog objects", () => {
    if (!sharedSchemasAvailable()) console.warn("../shared/schemas is absent: Datadog CRs were checked against the core API only");
    // The vendored WPA CustomResourceDefinition itself is compared byte for byte with upstream in components/observability.
    const objects = result.objects.map((o) => o.object).filter((o) => o.kind !== "CustomResourceDefinition");
    expect(validateKubernetesObjects(objects)).toEqual([]);
  });

  it("keeps the API and app keys in their Secret only", () => {
    const text = (o: { object: unknown }) => JSON.stringify(o.object);
    const mentions = (o: { object: unknown }) =>
      [API_KEY, APP_KEY, Buffer.from(API_KEY).toString("base64"), Buffer.from(APP_KEY).toString("base64")].some((k) => text(o).includes(k));
    const holders = result.objects.filter(mentions).map((o) => `${o.object.kind}/${(o.object.metadata as Obj).namespace}/${(o.object.metadata as Obj).name}`);
    expect(holders).toEqual(["Secret/datadog/datadog-keys"]);
    expect(JSON.stringify(result.resources)).not.toContain(API_KEY);
    expect(JSON.stringify(result.resources)).not.toContain(APP_KEY);
    const release = result.resources.find((r: Obj) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "datadog") as Obj;
    expect(release.inputs.values.datadog.apiKeyExistingSecret).toBeDefined();
    expect(JSON.stringify(release.inputs.values)).not.toContain(API_KEY);
  });
});

describe("prod with Datadog disabled (the default)", () => {
  it("renders no Datadog object and lets HPAs scale the shared services", async () => {
    const result = await render({ stack: "prod", usersFile: USERS });
    expect(targetsOf(result)).toEqual(["HorizontalPodAutoscaler → authelia/authelia", "HorizontalPodAutoscaler → traefik/traefik"]);
    const datadogish = result.objects.filter((o) => /datadog/i.test(`${o.object.apiVersion} ${o.object.kind} ${(o.object.metadata as Obj).namespace ?? ""} ${(o.object.metadata as Obj).name}`));
    expect(datadogish).toEqual([]);
    expect(result.resources.filter((r: Obj) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "datadog")).toEqual([]);
  });

  it("refuses Datadog enabled without keys, naming the key", async () => {
    await expect(render({ stack: "prod", usersFile: USERS, overrides: { "datadog:enabled": "true" } })).rejects.toThrow(/config key "datadog:apiKey"/);
  });
});
