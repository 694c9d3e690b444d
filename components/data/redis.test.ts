import * as pulumi from "@pulumi/pulumi";
import { validateKubernetesObjects } from "../../test/support/schema-validation";
import { versions } from "../versions";
import { Redis, type RedisArgs } from "./redis";
import { pingCommand, REDIS_PORT, requirePassDirective, valkeyConfig } from "./redis-manifests";
import { findOccurrences, isSecretValue, kubernetesObjects, podSpecOf, runComponent, valueOf } from "./testing";

const SENTINEL = "redis-SENTINEL-3b8d2f60-do-not-leak";
const AUTHELIA = { "app.kubernetes.io/name": "authelia" };

async function run(args: Partial<RedisArgs> = {}) {
  return runComponent(
    () => new Redis("sessions", { namespace: "authelia", password: pulumi.secret(SENTINEL), clientPodLabels: AUTHELIA, ...args }),
  );
}

const byKind = (objs: Record<string, any>[], kind: string) => objs.filter((o) => o.kind === kind);

describe("Redis (Valkey, one persistent primary)", () => {
  let rs: Awaited<ReturnType<typeof run>>["resources"];
  let component: Redis;
  let objs: Record<string, any>[];
  beforeAll(async () => {
    ({ resources: rs, component } = await run());
    objs = kubernetesObjects(rs);
  });

  it("registers each object as its own resource under the component", () => {
    expect(rs.filter((r) => r.custom).map((r) => r.type).sort()).toEqual([
      "kubernetes:apps/v1:StatefulSet",
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:core/v1:Secret",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:Service",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    ]);
    const parent = rs.find((r) => r.type === "vibecode:data:Redis")!;
    for (const r of rs.filter((x) => x.custom)) expect(r.parent).toBe(parent.urn);
  });

  it("renders schema-valid objects", () => {
    expect(validateKubernetesObjects(objs)).toEqual([]);
  });

  it("runs the pinned Valkey image as uid/gid 999 under a restricted security context", () => {
    const pod = podSpecOf(byKind(objs, "StatefulSet")[0]!);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    const [c] = pod.containers;
    expect(c.image).toBe(`docker.io/valkey/valkey:${versions.valkey.tag}`);
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(c.volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath)).toEqual(["/data"]);
    expect(c.env).toBeUndefined();
    expect(c.args).toEqual(["valkey-server", "/etc/valkey/conf/valkey.conf"]);
  });

  it("persists with an append-only file on a retained PVC and requires the password from the included file", () => {
    const sts = byKind(objs, "StatefulSet")[0]!;
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("1Gi");
    const conf: string = byKind(objs, "ConfigMap")[0]!.data["valkey.conf"];
    expect(conf).toBe(valkeyConfig({ maxMemoryBytes: 96 * 1024 * 1024 }));
    expect(conf.split("\n")).toEqual(expect.arrayContaining(["appendonly yes", "dir /data", "include /etc/valkey/secret/auth.conf"]));
    expect(conf.trim().split("\n").pop()).toBe("include /etc/valkey/secret/auth.conf");
    expect(conf).not.toContain("requirepass");
  });

  it("requests little (laptop budget) and probes with an authenticated PING", () => {
    const c = podSpecOf(byKind(objs, "StatefulSet")[0]!).containers[0];
    expect(c.resources).toEqual({ requests: { cpu: "25m", memory: "64Mi" }, limits: { cpu: "250m", memory: "192Mi" } });
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) expect(probe.exec.command).toEqual(pingCommand());
    // The probe reads the password file at run time: no literal in the spec.
    expect(pingCommand().join(" ")).toContain("$(cat /etc/valkey/secret/password)");
  });

  it("admits exactly the client pods, on 6379 only, and nothing out", () => {
    const policies = Object.fromEntries(byKind(objs, "NetworkPolicy").map((p) => [p.metadata.name, p.spec]));
    const dataPods = { matchLabels: { "app.kubernetes.io/name": "valkey", "app.kubernetes.io/instance": "redis" } };
    expect(policies).toEqual({
      "redis-default-deny": { podSelector: dataPods, policyTypes: ["Ingress", "Egress"] },
      "redis-allow-clients": {
        podSelector: dataPods,
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: AUTHELIA } }], ports: [{ protocol: "TCP", port: REDIS_PORT }] }],
      },
    });
    const podLabels = byKind(objs, "StatefulSet")[0]!.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(dataPods.matchLabels)) expect(podLabels[k]).toBe(v);
  });

  it("puts the password only into the Secret, as a Pulumi secret", async () => {
    const found = findOccurrences(rs, SENTINEL);
    expect(found.map((o) => [o.resource, o.path, o.underSecret]).sort()).toEqual([
      ["sessions:Secret/authelia/redis-credentials", "stringData.auth.conf", true],
      ["sessions:Secret/authelia/redis-credentials", "stringData.password", true],
    ]);
    const secret = rs.find((r) => r.type === "kubernetes:core/v1:Secret")!;
    expect(isSecretValue(secret.inputs.stringData)).toBe(true);
    expect(objs.find((o) => o.kind === "Secret")!.stringData).toEqual({
      password: SENTINEL,
      "auth.conf": `requirepass "${SENTINEL}"\n`,
    });
    expect(await valueOf(component.host)).not.toContain(SENTINEL);
  });

  it("outputs the service address", async () => {
    expect(await valueOf(component.host)).toBe("redis.authelia.svc.cluster.local");
    expect(await valueOf(component.port)).toBe(6379);
    expect(await valueOf(component.secretName)).toBe("redis-credentials");
    expect(await valueOf(component.podLabels)).toEqual({ "app.kubernetes.io/name": "valkey", "app.kubernetes.io/instance": "redis" });
  });
});

describe("Redis helpers and argument checks", () => {
  it("quotes any password so Valkey's config parser reads it back exactly", () => {
    expect(requirePassDirective('a b"c\\d\n')).toBe('requirepass "a b\\"c\\\\d\\x0a"\n');
    expect(requirePassDirective("plain")).toBe('requirepass "plain"\n');
  });

  it("derives maxmemory from the memory limit", async () => {
    const { resources } = await run({ resources: { cpuRequest: "25m", memoryRequest: "64Mi", cpuLimit: "250m", memoryLimit: "256Mi" } });
    const conf: string = kubernetesObjects(resources).find((o) => o.kind === "ConfigMap")!.data["valkey.conf"];
    expect(conf).toContain(`maxmemory ${128 * 1024 * 1024}\n`);
  });

  it("refuses an empty client selector and bad quantities", async () => {
    await expect(run({ clientPodLabels: {} })).rejects.toThrow(/Redis sessions: clientPodLabels must name at least one label/);
    await expect(run({ storage: "1 GB" })).rejects.toThrow(/storage must be a Kubernetes quantity/);
    await expect(run({ resources: { cpuRequest: "25m", memoryRequest: "64Mi", cpuLimit: "250m", memoryLimit: "500m" } })).rejects.toThrow(
      /resources.memoryLimit must be a memory quantity/,
    );
  });
});
