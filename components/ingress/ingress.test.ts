import { runUnderMocks, type RecordedResource } from "../../scripts/render/mock-runtime";
import { sharedSchemasAvailable, validateKubernetesObjects } from "../../test/support/schema-validation";
import { Ingress, issuerObjects, resolveIngressArgs, type IngressArgs } from "./ingress";

async function run(args: IngressArgs): Promise<RecordedResource[]> {
  return (await runUnderMocks(() => new Ingress("ingress", args), { project: "test", stack: "unit" })).resources;
}
const releases = (rs: RecordedResource[]) => rs.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
const release = (rs: RecordedResource[], name: string) => releases(rs).find((r) => r.inputs.name === name)!;
const values = (r: RecordedResource) => r.inputs.values as Record<string, any>;

describe("Ingress (dev: self-signed CA, node ports)", () => {
  let rs: RecordedResource[];
  beforeAll(async () => {
    rs = await run({ exposure: "nodePort", issuer: "selfSigned" });
  });

  it("installs pinned Traefik and cert-manager charts from their official repositories", () => {
    expect(releases(rs).map((r) => [r.inputs.name, r.inputs.chart, r.inputs.version, (r.inputs.repositoryOpts as any).repo, r.inputs.namespace])).toEqual(
      expect.arrayContaining([
        ["traefik", "traefik", "41.3.0", "https://traefik.github.io/charts", "traefik"],
        ["cert-manager", "cert-manager", "v1.21.1", "https://charts.jetstack.io", "cert-manager"],
      ]),
    );
    expect(releases(rs)).toHaveLength(2);
  });

  it("makes Traefik the default IngressClass, redirects HTTP to HTTPS and listens on the KIND-mapped node ports", () => {
    const v = values(release(rs, "traefik"));
    expect(v.ingressClass).toEqual({ enabled: true, isDefaultClass: true, name: "traefik" });
    expect(v.ports.web.http.redirections.entryPoint).toEqual({ to: "websecure", scheme: "https", permanent: true });
    expect([v.ports.web.nodePort, v.ports.websecure.nodePort, v.service.type]).toEqual([30080, 30443, "NodePort"]);
    expect(v.providers.kubernetesCRD.allowCrossNamespace).toBe(false);
    expect(v.image.tag).toBe("v3.7.11");
  });

  it("installs cert-manager's CRDs with the chart (crds.enabled, not the deprecated installCRDs)", () => {
    const v = values(release(rs, "cert-manager"));
    expect(v.crds).toEqual({ enabled: true, keep: true });
    expect(v.installCRDs).toBeUndefined();
  });

  it("chains self-signed root → CA certificate → CA ClusterIssuer, after cert-manager", () => {
    const cm = release(rs, "cert-manager");
    const crs = rs.filter((r) => r.type.startsWith("kubernetes:cert-manager.io/"));
    expect(crs.map((r) => r.name).sort()).toEqual([
      "ingress:Certificate/cert-manager/vibecode-root-ca",
      "ingress:ClusterIssuer/vibecode-ca",
      "ingress:ClusterIssuer/vibecode-ca-selfsigned",
    ]);
    for (const r of crs) expect(r.dependsOn).toContain(cm.urn);
    const objs = issuerObjects(resolveIngressArgs({ issuer: "selfSigned" })) as any[];
    expect(objs[1].spec).toMatchObject({ isCA: true, secretName: "vibecode-root-ca", issuerRef: { name: "vibecode-ca-selfsigned", kind: "ClusterIssuer" } });
    expect(objs[2].spec).toEqual({ ca: { secretName: "vibecode-root-ca" } });
  });

  it("labels its namespaces restricted", () => {
    const namespaces = rs.filter((r) => r.type === "kubernetes:core/v1:Namespace");
    expect(namespaces.map((r) => (r.inputs.metadata as any).name).sort()).toEqual(["cert-manager", "traefik"]);
    for (const ns of namespaces) expect((ns.inputs.metadata as any).labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("renders schema-valid objects", () => {
    if (!sharedSchemasAvailable()) console.warn("../shared/schemas is absent: cert-manager resources were not schema-checked");
    const objects = rs.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.includes("helm.sh")).map((r) => r.inputs);
    expect(validateKubernetesObjects(objects)).toEqual([]);
  });
});

describe("Ingress (prod: ACME, load balancer, HA)", () => {
  it("spreads two Traefik replicas with a disruption budget behind a load balancer", async () => {
    const rs = await run({ issuer: "acme", acmeEmail: "ops@example.com", traefikReplicas: 2 });
    const v = values(release(rs, "traefik"));
    expect(v.deployment.replicas).toBe(2);
    expect(v.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
    expect(v.topologySpreadConstraints[0].topologyKey).toBe("kubernetes.io/hostname");
    expect(v.service.type).toBe("LoadBalancer");
  });

  it("issues Let's Encrypt certificates over HTTP-01 through Traefik, with optional DNS-01 for a zone", () => {
    const [issuer] = issuerObjects(resolveIngressArgs({ issuer: "acme", acmeEmail: "ops@example.com" })) as any[];
    expect(issuer.metadata.name).toBe("letsencrypt");
    expect(issuer.spec.acme).toEqual({
      email: "ops@example.com",
      server: "https://acme-v02.api.letsencrypt.org/directory",
      privateKeySecretRef: { name: "letsencrypt-account-key" },
      solvers: [{ http01: { ingress: { ingressClassName: "traefik" } } }],
    });
    const [dns] = issuerObjects(
      resolveIngressArgs({ issuer: "acme", acmeEmail: "ops@example.com", acmeDns01Solver: JSON.stringify({ cloudflare: { apiTokenSecretRef: { name: "cf", key: "token" } } }), acmeDnsZone: "example.com" }),
    ) as any[];
    expect(dns.spec.acme.solvers[0]).toEqual({ selector: { dnsZones: ["example.com"] }, dns01: { cloudflare: { apiTokenSecretRef: { name: "cf", key: "token" } } } });
    if (sharedSchemasAvailable()) expect(validateKubernetesObjects([issuer, dns])).toEqual([]);
  });

  it("leaves out operators the cluster already runs, keeping the issuers", async () => {
    const rs = await run({ installTraefik: false, installCertManager: false, issuer: "acme", acmeEmail: "ops@example.com" });
    expect(releases(rs)).toEqual([]);
    expect(rs.filter((r) => r.type === "kubernetes:core/v1:Namespace")).toEqual([]);
    expect(rs.filter((r) => r.type.endsWith(":ClusterIssuer")).map((r) => r.name)).toEqual(["ingress:ClusterIssuer/letsencrypt"]);
  });

  it.each([
    [{ issuer: "acme" }, "Ingress: issuer acme needs acmeEmail (the ACME account's e-mail)"],
    [{ exposure: "hostPort" }, 'Ingress: exposure must be one of nodePort, loadBalancer, got "hostPort"'],
    [{ issuer: "vault" }, 'Ingress: issuer must be one of selfSigned, acme, got "vault"'],
  ])("refuses %j", (args, message) => {
    expect(() => resolveIngressArgs(args)).toThrow(message);
  });
});
