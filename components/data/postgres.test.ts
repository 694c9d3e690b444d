import * as pulumi from "@pulumi/pulumi";
import { sharedSchemasAvailable, SHARED_SCHEMAS_DIR, validateKubernetesObjects } from "../../test/support/schema-validation";
import { versions } from "../versions";
import { Postgres, type PostgresArgs } from "./postgres";
import { CNPG_STATUS_PORT, POSTGRES_PORT, postgresInitSql } from "./postgres-manifests";
import { findOccurrences, isSecretValue, kubernetesObjects, podSpecOf, runComponent, valueOf } from "./testing";

const SENTINEL = "pg-SENTINEL-7f3a9c1e-do-not-leak";
const AUTHELIA = { "app.kubernetes.io/name": "authelia" };
const SHARED = sharedSchemasAvailable();
const itShared = SHARED ? it : it.skip;
if (!SHARED) {
  console.warn(
    `Postgres tests: skipping the CloudNativePG Cluster schema check because ${SHARED_SCHEMAS_DIR} does not exist ` +
      "(it sits beside the project root and is absent in a fresh clone).",
  );
}

async function run(args: Partial<PostgresArgs> = {}) {
  return runComponent(
    () =>
      new Postgres("db", {
        namespace: "authelia",
        password: pulumi.secret(SENTINEL),
        clientPodLabels: AUTHELIA,
        ...args,
      }),
  );
}

const types = (rs: { type: string; custom: boolean }[]) => rs.filter((r) => r.custom).map((r) => r.type).sort();
const byKind = (objs: Record<string, any>[], kind: string) => objs.filter((o) => o.kind === kind);

/** Password appears only inside Secrets' stringData, wrapped as a Pulumi secret. */
function expectOnlyInSecrets(resources: Awaited<ReturnType<typeof run>>["resources"], needle: string, secretNames: string[]) {
  const found = findOccurrences(resources, needle);
  expect(found.length).toBeGreaterThan(0); // the scan does see the value where it belongs
  for (const o of found) {
    expect(o).toEqual({ resource: expect.any(String), type: "kubernetes:core/v1:Secret", path: expect.stringMatching(/^stringData\./), underSecret: true });
  }
  expect([...new Set(found.map((o) => o.resource))].sort()).toEqual(secretNames.sort());
  for (const name of secretNames) {
    const secret = resources.find((r) => r.name === name)!;
    expect(isSecretValue(secret.inputs.stringData)).toBe(true);
  }
}

describe("Postgres, statefulset mode (dev)", () => {
  let rs: Awaited<ReturnType<typeof run>>["resources"];
  let component: Postgres;
  let objs: Record<string, any>[];
  beforeAll(async () => {
    ({ resources: rs, component } = await run());
    objs = kubernetesObjects(rs);
  });

  it("registers each object as its own resource under the component", () => {
    expect(types(rs)).toEqual([
      "kubernetes:apps/v1:StatefulSet",
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:core/v1:Secret",
      "kubernetes:core/v1:Secret",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:Service",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "random:index/randomPassword:RandomPassword",
    ]);
    const parent = rs.find((r) => r.type === "vibecode:data:Postgres")!;
    for (const r of rs.filter((x) => x.custom)) expect(r.parent).toBe(parent.urn);
  });

  it("renders schema-valid objects", () => {
    expect(validateKubernetesObjects(objs)).toEqual([]);
  });

  it("runs the pinned official image as uid/gid 999 under a restricted security context", () => {
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
    expect(c.image).toBe(`docker.io/library/postgres:${versions.postgres.tag}`);
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
    // Writable places: the data volume, the socket directory and /tmp; nothing else.
    const writable = c.volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath).sort();
    expect(writable).toEqual(["/tmp", "/var/lib/postgresql", "/var/run/postgresql"]);
  });

  it("keeps data on a retained PVC with PGDATA in a subdirectory of the mount", () => {
    const sts = byKind(objs, "StatefulSet")[0]!;
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("5Gi");
    const env = Object.fromEntries(podSpecOf(sts).containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env.PGDATA).toBe("/var/lib/postgresql/18/docker");
    expect(env.POSTGRES_PASSWORD_FILE).toBe("/etc/postgres/superuser/password");
    expect(env.POSTGRES_PASSWORD).toBeUndefined();
  });

  it("requests little (laptop budget) and probes with pg_isready", () => {
    const c = podSpecOf(byKind(objs, "StatefulSet")[0]!).containers[0];
    expect(c.resources).toEqual({ requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) expect(probe.exec.command[0]).toBe("pg_isready");
  });

  it("creates the application role from the mounted password file, never from a literal", () => {
    const cm = byKind(objs, "ConfigMap")[0]!;
    expect(Object.values(cm.data)).toEqual([postgresInitSql()]);
    expect(postgresInitSql()).toContain("`cat /etc/postgres/app/password`");
  });

  it("admits exactly the client pods, on 5432 only, and nothing out", () => {
    const policies = Object.fromEntries(byKind(objs, "NetworkPolicy").map((p) => [p.metadata.name, p.spec]));
    const dataPods = { matchLabels: { "app.kubernetes.io/name": "postgres", "app.kubernetes.io/instance": "postgres" } };
    expect(policies).toEqual({
      "postgres-default-deny": { podSelector: dataPods, policyTypes: ["Ingress", "Egress"] },
      "postgres-allow-clients": {
        podSelector: dataPods,
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: AUTHELIA } }], ports: [{ protocol: "TCP", port: POSTGRES_PORT }] }],
      },
    });
    // The policies select the pods the StatefulSet makes.
    const podLabels = byKind(objs, "StatefulSet")[0]!.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(dataPods.matchLabels)) expect(podLabels[k]).toBe(v);
  });

  it("puts the password (and the generated superuser password) only into Pulumi-secret Secrets", async () => {
    expectOnlyInSecrets(rs, SENTINEL, ["db:Secret/authelia/postgres-credentials"]);
    expectOnlyInSecrets(rs, "mock-db-superuser-password", ["db:Secret/authelia/postgres-superuser"]);
    const secret = objs.find((o) => o.kind === "Secret" && o.metadata.name === "postgres-credentials")!;
    expect(secret.type).toBe("kubernetes.io/basic-auth");
    expect(secret.stringData).toEqual({ username: "authelia", password: SENTINEL });
    for (const out of [component.host, component.database, component.username, component.secretName]) {
      expect(String(await valueOf(out as pulumi.Output<unknown>))).not.toContain(SENTINEL);
    }
  });

  it("outputs the service address", async () => {
    expect(await valueOf(component.host)).toBe("postgres.authelia.svc.cluster.local");
    expect(await valueOf(component.port)).toBe(5432);
    expect(await valueOf(component.database)).toBe("authelia");
    expect(await valueOf(component.username)).toBe("authelia");
    expect(await valueOf(component.secretName)).toBe("postgres-credentials");
    expect(await valueOf(component.podLabels)).toEqual({ "app.kubernetes.io/name": "postgres", "app.kubernetes.io/instance": "postgres" });
  });
});

describe("Postgres, cloudnative-pg mode (prod)", () => {
  let rs: Awaited<ReturnType<typeof run>>["resources"];
  let component: Postgres;
  let objs: Record<string, any>[];
  beforeAll(async () => {
    ({ resources: rs, component } = await run({ mode: "cloudnative-pg" }));
    objs = kubernetesObjects(rs);
  });

  it("registers the operator release, the Cluster, its Secret and NetworkPolicies (no PDB of its own)", () => {
    expect(types(rs)).toEqual([
      "kubernetes:core/v1:Secret",
      "kubernetes:helm.sh/v3:Release",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:postgresql.cnpg.io/v1:Cluster",
    ]);
  });

  it("renders schema-valid core objects", () => {
    expect(validateKubernetesObjects(objs.filter((o) => o.kind !== "Cluster"))).toEqual([]);
  });

  itShared("renders a Cluster valid against the CloudNativePG CRD", () => {
    expect(validateKubernetesObjects(byKind(objs, "Cluster"))).toEqual([]);
  });

  it("asks for 3 instances spread over nodes, bootstrapped from the basic-auth Secret", () => {
    const cluster = byKind(objs, "Cluster")[0]!;
    expect(cluster.spec.instances).toBe(3);
    expect(cluster.spec.affinity).toEqual({ enablePodAntiAffinity: true, topologyKey: "kubernetes.io/hostname", podAntiAffinityType: "required" });
    expect(cluster.spec.imageName).toBe(`${versions.cnpgPostgres.image}:${versions.cnpgPostgres.tag}@${versions.cnpgPostgres.digest}`);
    expect(cluster.spec.bootstrap).toEqual({ initdb: { database: "authelia", owner: "authelia", secret: { name: "postgres-credentials" } } });
    expect(cluster.spec.enableSuperuserAccess).toBe(false);
    const secret = objs.find((o) => o.kind === "Secret")!;
    expect(secret.type).toBe("kubernetes.io/basic-auth");
    expect(Object.keys(secret.stringData).sort()).toEqual(["password", "username"]);
  });

  it("installs the pinned operator chart in cnpg-system, and the Cluster waits for it and is protected", () => {
    const release = rs.find((r) => r.type === "kubernetes:helm.sh/v3:Release")!;
    expect(release.inputs).toMatchObject({
      chart: "cloudnative-pg",
      repositoryOpts: { repo: "https://cloudnative-pg.github.io/charts" },
      version: versions.cloudnativePgChart.version,
      namespace: "cnpg-system",
      createNamespace: true,
    });
    const cluster = rs.find((r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster")!;
    expect(cluster.dependsOn).toContain(release.urn);
    expect(cluster.dependsOn).toContain(rs.find((r) => r.type === "kubernetes:core/v1:Secret")!.urn);
    expect(cluster.protect).toBe(true);
    expect(cluster.retainOnDelete).toBe(true);
  });

  it("lets in clients on 5432, the operator on 8000/5432, peers among themselves; out only DNS, API server, peers", () => {
    const policies = Object.fromEntries(byKind(objs, "NetworkPolicy").map((p) => [p.metadata.name, p.spec]));
    const pods = { matchLabels: { "cnpg.io/cluster": "postgres" } };
    const tcp = (port: number) => ({ protocol: "TCP", port });
    expect(policies).toEqual({
      "postgres-default-deny": { podSelector: pods, policyTypes: ["Ingress", "Egress"] },
      "postgres-allow-clients": {
        podSelector: pods,
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: AUTHELIA } }], ports: [tcp(POSTGRES_PORT)] }],
      },
      "postgres-allow-operator": {
        podSelector: pods,
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cnpg-system" } },
                podSelector: { matchLabels: { "app.kubernetes.io/name": "cloudnative-pg" } },
              },
            ],
            ports: [tcp(CNPG_STATUS_PORT), tcp(POSTGRES_PORT)],
          },
        ],
      },
      "postgres-allow-peers": {
        podSelector: pods,
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: pods }], ports: [tcp(POSTGRES_PORT), tcp(CNPG_STATUS_PORT)] }],
        egress: [{ to: [{ podSelector: pods }], ports: [tcp(POSTGRES_PORT), tcp(CNPG_STATUS_PORT)] }],
      },
      "postgres-allow-dns-and-api": {
        podSelector: pods,
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
          { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }], ports: [tcp(443), tcp(6443)] },
        ],
      },
    });
  });

  it("keeps the password in the Secret only", () => {
    expectOnlyInSecrets(rs, SENTINEL, ["db:Secret/authelia/postgres-credentials"]);
  });

  it("points clients at the read-write service", async () => {
    expect(await valueOf(component.host)).toBe("postgres-rw.authelia.svc.cluster.local");
    expect(await valueOf(component.port)).toBe(5432);
    expect(await valueOf(component.podLabels)).toEqual({ "cnpg.io/cluster": "postgres" });
  });

  it("skips the operator where the cluster already runs it, and honours preferred anti-affinity", async () => {
    const { resources } = await run({ mode: "cloudnative-pg", installOperator: false, podAntiAffinityType: "preferred", instances: 2 });
    expect(resources.some((r) => r.type.startsWith("kubernetes:helm.sh/"))).toBe(false);
    const cluster = kubernetesObjects(resources).find((o) => o.kind === "Cluster")!;
    expect(cluster.spec.affinity.podAntiAffinityType).toBe("preferred");
    expect(cluster.spec.instances).toBe(2);
  });
});

describe("Postgres, external mode", () => {
  it("deploys no workload: only the credentials Secret; outputs point at the external server", async () => {
    const { resources, component } = await run({ mode: "external", externalHost: "db.example.com", externalPort: 6432, clientPodLabels: undefined });
    expect(types(resources)).toEqual(["kubernetes:core/v1:Secret"]);
    expectOnlyInSecrets(resources, SENTINEL, ["db:Secret/authelia/postgres-credentials"]);
    expect(await valueOf(component.host)).toBe("db.example.com");
    expect(await valueOf(component.port)).toBe(6432);
    expect(await valueOf(component.database)).toBe("authelia");
    expect(await valueOf(component.username)).toBe("authelia");
    expect(await valueOf(component.podLabels)).toEqual({});
  });

  it("needs externalHost", async () => {
    await expect(run({ mode: "external" })).rejects.toThrow('Postgres db: mode "external" needs externalHost');
  });
});

describe("Postgres argument checks", () => {
  it("refuses an unknown mode, listing the allowed ones", async () => {
    await expect(run({ mode: "mysql" })).rejects.toThrow(
      'Postgres db: mode must be one of "statefulset", "cloudnative-pg", "external"; got "mysql"',
    );
  });

  it("refuses an empty client selector (it would admit every pod of the namespace)", async () => {
    await expect(run({ clientPodLabels: {} })).rejects.toThrow(/clientPodLabels must name at least one label/);
    await expect(run({ mode: "cloudnative-pg", clientPodLabels: undefined })).rejects.toThrow(/clientPodLabels/);
  });

  it("refuses bad values, naming the argument", async () => {
    await expect(run({ storage: "5GB" })).rejects.toThrow(/storage must be a Kubernetes quantity/);
    await expect(run({ mode: "cloudnative-pg", instances: 0 })).rejects.toThrow(/instances must be an integer/);
    await expect(run({ mode: "cloudnative-pg", podAntiAffinityType: "always" })).rejects.toThrow(
      'podAntiAffinityType must be one of "required", "preferred"; got "always"',
    );
    await expect(run({ database: "Auth-DB" })).rejects.toThrow(/database must be a lower-case PostgreSQL identifier/);
    await expect(run({ externalHost: "db.example.com" })).rejects.toThrow(/externalHost applies to mode "external" only/);
  });
});
