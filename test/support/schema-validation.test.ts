/**
 * Proves the schema-validation test support catches the mistakes it is meant to catch (wrong types, unknown fields,
 * missing required fields, bad enums, bad names) and accepts valid objects, so other tests can rely on an empty
 * problem list meaning "valid".
 */
// The real module object (not an ES-module namespace copy), so that jest.spyOn can replace statSync on it.
import fs = require("node:fs");
import {
  SHARED_SCHEMAS_DIR,
  type SchemaProblem,
  sharedSchemasAvailable,
  validateAutheliaConfiguration,
  validateAutheliaUsersDatabase,
  validateKubernetesObject,
  validateKubernetesObjects,
} from "./schema-validation";

const SHARED = sharedSchemasAvailable();
const itShared = SHARED ? it : it.skip;
if (!SHARED) {
  console.warn(
    `schema-validation tests: skipping the CRD and Authelia cases because ${SHARED_SCHEMAS_DIR} does not exist ` +
      "(it sits beside the project root and is absent in a fresh clone).",
  );
}

const labels = { "app.kubernetes.io/name": "code-server", "vibecode.dev/user": "alice" };
const podSpec = {
  serviceAccountName: "code-server",
  securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
  containers: [
    {
      name: "code-server",
      image: "codercom/code-server:4.99.0",
      imagePullPolicy: "IfNotPresent",
      ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
      env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "code-server", key: "password" } } }],
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: 2, memory: "2Gi" } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
      readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
      volumeMounts: [{ name: "home", mountPath: "/home/coder" }],
    },
  ],
  volumes: [{ name: "home", persistentVolumeClaim: { claimName: "home" } }],
};
const meta = (name: string) => ({ name, namespace: "alice", labels });

function deployment(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta("code-server"),
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec }, ...spec },
  };
}

const VALID_BUILTINS: Record<string, unknown>[] = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "alice", labels } },
  { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("code-server"), automountServiceAccountToken: false },
  {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: meta("home"),
    spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "10Gi" } } },
  },
  { apiVersion: "v1", kind: "Service", metadata: meta("code-server"), spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] } },
  { apiVersion: "v1", kind: "Secret", metadata: meta("code-server"), type: "Opaque", data: { password: "c2VjcmV0" }, stringData: { other: "plain text" } },
  { apiVersion: "v1", kind: "ConfigMap", metadata: meta("settings"), data: { "settings.json": "{}" } },
  { apiVersion: "v1", kind: "ResourceQuota", metadata: meta("quota"), spec: { hard: { "requests.cpu": "2", "limits.memory": "4Gi", pods: "10", "requests.storage": "20Gi" } } },
  {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: meta("limits"),
    spec: { limits: [{ type: "Container", default: { cpu: "1", memory: "1Gi" }, defaultRequest: { cpu: "100m", memory: "256Mi" }, max: { memory: "4Gi" } }] },
  },
  { apiVersion: "v1", kind: "Pod", metadata: meta("debug"), spec: { ...podSpec, restartPolicy: "Never" } },
  deployment({ strategy: { type: "Recreate" } }),
  { apiVersion: "apps/v1", kind: "StatefulSet", metadata: meta("db"), spec: { serviceName: "db", selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } } },
  { apiVersion: "apps/v1", kind: "DaemonSet", metadata: meta("agent"), spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } } },
  { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: meta("rs"), spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } } },
  { apiVersion: "batch/v1", kind: "Job", metadata: meta("backup"), spec: { backoffLimit: 2, template: { spec: { ...podSpec, restartPolicy: "OnFailure" } } } },
  {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: meta("backup"),
    spec: { schedule: "0 3 * * *", concurrencyPolicy: "Forbid", jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: "OnFailure" } } } } },
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { ...meta("code-server"), annotations: { "traefik.ingress.kubernetes.io/router.middlewares": "authelia-auth@kubernetescrd" } },
    spec: {
      ingressClassName: "traefik",
      tls: [{ hosts: ["alice.code.example.com"], secretName: "code-server-tls" }],
      rules: [{ host: "alice.code.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "code-server", port: { name: "http" } } } }] } }],
    },
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta("default-deny"),
    spec: {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } } }], ports: [{ protocol: "TCP", port: 8080 }] }],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] }],
    },
  },
  { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "traefik" }, spec: { controller: "traefik.io/ingress-controller" } },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta("code-server"), spec: { maxUnavailable: 0, selector: { matchLabels: labels } } },
  {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta("code-server"),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "code-server" },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
    },
  },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: meta("reader"), rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }] },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: meta("reader"),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
    subjects: [{ kind: "ServiceAccount", name: "code-server", namespace: "alice" }],
  },
  // RBAC names are path segments, so the colon is fine here.
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "vibecode:workspace-admin" }, rules: [{ nonResourceURLs: ["/healthz"], verbs: ["get"] }] },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "vibecode:workspace-admin" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "vibecode:workspace-admin" },
    subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "admins" }],
  },
  {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "workspaces.vibecode.dev" },
    spec: {
      group: "vibecode.dev",
      scope: "Namespaced",
      names: { plural: "workspaces", singular: "workspace", kind: "Workspace" },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                // default/example are free-form JSON: their keys must not be reported as unknown fields.
                spec: { type: "object", default: { size: "small", anything: { goes: true } }, properties: { size: { type: "string", enum: ["small", "large"] } } },
              },
            },
          },
        },
      ],
    },
  },
];

function paths(problems: SchemaProblem[]): string[] {
  return problems.map((p) => p.path);
}

/** Problems come in validator order; sort where a test lists several. */
function sortByPath(problems: SchemaProblem[]): SchemaProblem[] {
  return [...problems].sort((a, b) => a.path.localeCompare(b.path));
}

describe("validateKubernetesObject: built-in kinds (kubernetes-models)", () => {
  it.each(VALID_BUILTINS.map((o) => [`${String(o.apiVersion)} ${String(o.kind)}`, o]))("accepts a valid %s", (_name, obj) => {
    expect(validateKubernetesObject(obj)).toEqual([]);
  });

  it("names the object as '<apiVersion> <kind> <namespace>/<name>'", () => {
    const [problem] = validateKubernetesObject(deployment({ replicas: "1" }));
    expect(problem.object).toBe("apps/v1 Deployment alice/code-server");
  });

  it("reports a wrong type (replicas: \"1\")", () => {
    expect(validateKubernetesObject(deployment({ replicas: "1" }))).toEqual([
      { object: "apps/v1 Deployment alice/code-server", path: "/spec/replicas", message: 'must be integer (got string "1")' },
    ]);
  });

  it("reports unknown fields, which kubernetes-models alone would ignore", () => {
    const obj = deployment({ replica: 1 });
    (obj as { status2?: unknown }).status2 = {};
    const problems = validateKubernetesObject(obj);
    expect(sortByPath(problems)).toEqual([
      { object: "apps/v1 Deployment alice/code-server", path: "/spec/replica", message: 'unknown field "replica" (did you mean "replicas"?)' },
      { object: "apps/v1 Deployment alice/code-server", path: "/status2", message: 'unknown field "status2" (did you mean "status"?)' },
    ]);
  });

  it("reports unknown fields deep inside the pod template and in list items", () => {
    const container = { ...podSpec.containers[0], resources: { limit: { cpu: "1" } }, imagePullSecret: "x" };
    const problems = validateKubernetesObject(deployment({ template: { metadata: { labels }, spec: { ...podSpec, containers: [container] } } }));
    expect(paths(problems).sort()).toEqual([
      "/spec/template/spec/containers/0/imagePullSecret",
      "/spec/template/spec/containers/0/resources/limit",
    ]);
    expect(problems.find((p) => p.path.endsWith("/limit"))?.message).toBe('unknown field "limit" (did you mean "limits"?)');
  });

  it("reports missing required fields: a container without name or image", () => {
    const problems = validateKubernetesObject(deployment({ template: { spec: { containers: [{}] } } }));
    expect(problems).toEqual([
      { object: "apps/v1 Deployment alice/code-server", path: "/spec/template/spec/containers/0/name", message: 'missing required field "name"' },
      // image is optional in OpenAPI but required by the API server's validation of pods and pod templates
      { object: "apps/v1 Deployment alice/code-server", path: "/spec/template/spec/containers/0/image", message: 'missing required field "image"' },
    ]);
    expect(paths(validateKubernetesObject({ ...deployment(), spec: { replicas: 1 } }))).toEqual(["/spec/selector", "/spec/template"]);
  });

  it("checks images in CronJob job templates too", () => {
    const cronJob = VALID_BUILTINS.find((o) => o.kind === "CronJob")!;
    const broken = JSON.parse(JSON.stringify(cronJob)) as { spec: { jobTemplate: { spec: { template: { spec: { containers: { image?: string }[] } } } } } };
    delete broken.spec.jobTemplate.spec.template.spec.containers[0].image;
    expect(paths(validateKubernetesObject(broken))).toEqual(["/spec/jobTemplate/spec/template/spec/containers/0/image"]);
  });

  it("reports values outside an enum", () => {
    const container = { ...podSpec.containers[0], imagePullPolicy: "Sometimes" };
    expect(validateKubernetesObject(deployment({ template: { spec: { ...podSpec, containers: [container] } } }))).toEqual([
      {
        object: "apps/v1 Deployment alice/code-server",
        path: "/spec/template/spec/containers/0/imagePullPolicy",
        message: 'must be one of "Always", "IfNotPresent", "Never" (got string "Sometimes")',
      },
    ]);
    const netpol = { ...VALID_BUILTINS.find((o) => o.kind === "NetworkPolicy")!, spec: { podSelector: {}, policyTypes: ["ingress"] } };
    expect(paths(validateKubernetesObject(netpol))).toEqual(["/spec/policyTypes/0"]);
    const service = { apiVersion: "v1", kind: "Service", metadata: meta("web"), spec: { type: "Loadbalancer", ports: [{ port: 80 }] } };
    expect(paths(validateKubernetesObject(service))).toEqual(["/spec/type"]);
  });

  it("checks formats: quantities, int32 ranges, base64 Secret data", () => {
    const container = { ...podSpec.containers[0], resources: { limits: { memory: "2 Gi" } } };
    const problems = validateKubernetesObject(deployment({ replicas: 2 ** 31, template: { spec: { ...podSpec, containers: [container] } } }));
    expect(paths(problems)).toEqual(["/spec/replicas", "/spec/template/spec/containers/0/resources/limits/memory"]);
    expect(problems[1].message).toBe('must match exactly one of its alternatives: must be number | must be a valid quantity (got string "2 Gi")');
    const secret = { apiVersion: "v1", kind: "Secret", metadata: meta("s"), data: { password: "not base64!" } };
    expect(validateKubernetesObject(secret)).toEqual([
      { object: "v1 Secret alice/s", path: "/data/password", message: 'must be a valid byte (got string "not base64!")' },
    ]);
  });

  it("checks metadata: name present and valid, labels/annotations string maps with valid keys and values", () => {
    const noName = { apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "alice" }, data: {} };
    expect(validateKubernetesObject(noName)).toEqual([{ object: "v1 ConfigMap alice/<unnamed>", path: "/metadata/name", message: 'missing required field "name"' }]);
    expect(paths(validateKubernetesObject({ apiVersion: "v1", kind: "ConfigMap" }))).toEqual(["/metadata/name"]);
    const badNames = [
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Code_Server" } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a".repeat(254) } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "1web" }, spec: { ports: [{ port: 80 }] } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "alice.dev" } },
    ];
    for (const obj of badNames) expect(paths(validateKubernetesObject(obj))).toEqual(["/metadata/name"]);
    // 253 characters of DNS subdomain are fine.
    expect(validateKubernetesObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}` } })).toEqual([]);

    const badLabels = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x", labels: { replicas: 1, "bad key!": "v", ok: "has spaces", long: "v".repeat(64) }, annotations: { note: true, "example.com/fine": "anything at all: even spaces" } },
    };
    const problems = validateKubernetesObject(badLabels);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "/metadata/annotations/note: must be string (got boolean true)",
      "/metadata/labels/replicas: must be string (got number 1)",
      '/metadata/labels/bad key!: invalid label key "bad key!": name part must be at most 63 characters of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric',
      "/metadata/labels/ok: invalid label value \"has spaces\": at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric",
      `/metadata/labels/long: invalid label value "${"v".repeat(64)}": at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`,
    ]);
  });

  it("reports kinds and versions it has no schema for, and API versions Kubernetes removed", () => {
    expect(validateKubernetesObject({ apiVersion: "apps/v1", kind: "Deploymnt", metadata: { name: "x" } })).toEqual([
      { object: "apps/v1 Deploymnt x", path: "", message: "no schema for apps/v1 Deploymnt" },
    ]);
    // A sub-structure sits beside the kinds in kubernetes-models but is not a kind.
    expect(validateKubernetesObject({ apiVersion: "apps/v1", kind: "DeploymentSpec", metadata: { name: "x" } })[0].message).toBe("no schema for apps/v1 DeploymentSpec");
    expect(validateKubernetesObject({ apiVersion: "apps/v9", kind: "Deployment", metadata: { name: "x" } })[0].message).toBe("no schema for apps/v9 Deployment");
    expect(validateKubernetesObject({ apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "x" } })).toEqual([
      { object: "extensions/v1beta1 Ingress x", path: "/apiVersion", message: "extensions/v1beta1 was removed in Kubernetes 1.16/1.22; use the GA version" },
    ]);
  });

  it("reports things that are not Kubernetes objects", () => {
    expect(validateKubernetesObject("kind: Deployment")).toEqual([{ object: "<not an object>", path: "", message: 'expected a Kubernetes object, got string "kind: Deployment"' }]);
    expect(validateKubernetesObject([])[0].message).toBe("expected a Kubernetes object, got an array");
    expect(paths(validateKubernetesObject({ metadata: { name: "x" } }))).toEqual(["/apiVersion", "/kind"]);
  });

  it("validates what JSON would send: undefined fields dropped, frozen objects and shared references are fine", () => {
    const shared = Object.freeze({ app: "x" });
    const obj = deep_freeze(deployment({ paused: undefined, selector: { matchLabels: shared }, template: { metadata: { labels: shared }, spec: podSpec } }));
    expect(validateKubernetesObject(obj)).toEqual([]);
  });

  it("reports values that are not data: functions and unresolved Pulumi Outputs", () => {
    const fakeOutput = { toJSON: () => "Calling [toJSON] on an [Output<T>] is not supported.\n\nTo get the value..." };
    const obj = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: fakeOutput, b: () => "b" } };
    expect(validateKubernetesObject(obj)).toEqual([
      { object: "v1 ConfigMap x", path: "/data/a", message: "is an unresolved Pulumi Output; validate resolved values" },
      { object: "v1 ConfigMap x", path: "/data/b", message: "is a function, not data" },
    ]);
  });

  it("validateKubernetesObjects concatenates the problems of every object", () => {
    const problems = validateKubernetesObjects([deployment(), deployment({ replicas: "1" }), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "BAD" } }]);
    expect(problems.map((p) => `${p.object} ${p.path}`)).toEqual(["apps/v1 Deployment alice/code-server /spec/replicas", "v1 ConfigMap BAD /metadata/name"]);
  });

  it("validates 20,000 objects in seconds (schemas are compiled once)", () => {
    const objects = Array.from({ length: 20_000 }, (_v, i) => {
      const template = VALID_BUILTINS[i % VALID_BUILTINS.length];
      return { ...template, metadata: { ...(template.metadata as object), name: `obj-${i}` } };
    });
    validateKubernetesObjects(objects.slice(0, VALID_BUILTINS.length)); // compile outside the timing
    const started = Date.now();
    expect(validateKubernetesObjects(objects)).toEqual([]);
    const seconds = (Date.now() - started) / 1000;
    console.log(`schema-validation: validated ${objects.length} objects in ${seconds.toFixed(2)} s`);
    expect(seconds).toBeLessThan(30); // generous for slow CI machines; ~1-3 s on a developer machine
  });
});

describe("validateKubernetesObject: custom resources (CRDs from the shared schemas)", () => {
  const middleware = (forwardAuth: Record<string, unknown>) => ({
    apiVersion: "traefik.io/v1alpha1",
    kind: "Middleware",
    metadata: { name: "authelia", namespace: "authelia" },
    spec: { forwardAuth },
  });
  const forwardAuth = {
    address: "http://authelia.authelia.svc.cluster.local:9091/api/authz/forward-auth",
    trustForwardHeader: true,
    authResponseHeaders: ["Remote-User", "Remote-Groups", "Remote-Email", "Remote-Name"],
  };
  const clusterIssuer = (spec: Record<string, unknown>) => ({ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "selfsigned" }, spec });

  itShared("accepts a valid Traefik Middleware with forwardAuth", () => {
    expect(validateKubernetesObject(middleware(forwardAuth))).toEqual([]);
  });

  itShared("reports a misspelled Middleware field", () => {
    expect(validateKubernetesObject(middleware({ ...forwardAuth, trustForwardHeaders: true }))).toEqual([
      {
        object: "traefik.io/v1alpha1 Middleware authelia/authelia",
        path: "/spec/forwardAuth/trustForwardHeaders",
        message: 'unknown field "trustForwardHeaders" (did you mean "trustForwardHeader"?)',
      },
    ]);
    expect(paths(validateKubernetesObject({ ...middleware(forwardAuth), sepc: {} }))).toEqual(["/sepc"]);
  });

  itShared("honours x-kubernetes-preserve-unknown-fields (free-form Traefik plugin configuration)", () => {
    const plugin = { apiVersion: "traefik.io/v1alpha1", kind: "Middleware", metadata: { name: "p" }, spec: { plugin: { anyPlugin: { any: { nested: ["config"] } } } } };
    expect(validateKubernetesObject(plugin)).toEqual([]);
  });

  itShared("accepts a cert-manager selfSigned ClusterIssuer and reports a wrong type", () => {
    expect(validateKubernetesObject(clusterIssuer({ selfSigned: {} }))).toEqual([]);
    expect(validateKubernetesObject(clusterIssuer({ selfSigned: { crlDistributionPoints: "http://crl.example.com" } }))).toEqual([
      {
        object: "cert-manager.io/v1 ClusterIssuer selfsigned",
        path: "/spec/selfSigned/crlDistributionPoints",
        message: 'must be array (got string "http://crl.example.com")',
      },
    ]);
    expect(paths(validateKubernetesObject({ ...clusterIssuer({}), spec: undefined }))).toEqual(["/spec"]);
  });

  itShared("reports enums, required fields and duplicate keys of list-type=map lists", () => {
    const gateway = {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "web", namespace: "gateway" },
      spec: {
        gatewayClassName: "traefik",
        listeners: [
          { name: "https", port: 443, protocol: "HTTPS", hostname: "*.code.example.com", tls: { mode: "Terminate", certificateRefs: [{ name: "wildcard" }] } },
          { name: "https", port: 8443, protocol: "HTTPS", tls: { mode: "Passthru" } },
        ],
      },
    };
    const problems = validateKubernetesObject(gateway);
    expect(paths(problems)).toEqual(["/spec/listeners/1/tls/mode", "/spec/listeners"]);
    expect(problems[1].message).toMatch(/^duplicate key \(name\) = \["https"\]: items 0 and 1/);
    expect(validateKubernetesObject({ ...gateway, spec: { listeners: [] } }).map((p) => p.message)).toContain('missing required field "gatewayClassName"');
  });

  itShared("validates custom-resource metadata as ObjectMeta", () => {
    const obj = { ...middleware(forwardAuth), metadata: { name: "Auth", nmae: "x", labels: { a: 1 } } };
    expect(validateKubernetesObject(obj).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "/metadata/labels/a: must be string (got number 1)",
      '/metadata/nmae: unknown field "nmae" (did you mean "name"?)',
      '/metadata/name: invalid name "Auth": must be a DNS-1123 subdomain (lower-case alphanumerics, \'-\' and \'.\', at most 253 characters)',
    ]);
  });

  itShared("reports unknown groups/kinds and versions the CRD does not serve", () => {
    expect(validateKubernetesObject({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).toEqual([
      { object: "example.com/v1 Widget w", path: "", message: "no schema for example.com/v1 Widget" },
    ]);
    expect(validateKubernetesObject({ apiVersion: "traefik.io/v1alpha1", kind: "Middlewares", metadata: { name: "w" } })[0].message).toBe("no schema for traefik.io/v1alpha1 Middlewares");
    expect(validateKubernetesObject({ apiVersion: "gateway.networking.k8s.io/v1alpha2", kind: "TCPRoute", metadata: { name: "r" }, spec: {} })[0].message).toMatch(
      /^gateway\.networking\.k8s\.io\/v1alpha2 TCPRoute is not served by CRD tcproutes\.gateway\.networking\.k8s\.io/,
    );
  });

  it("skips custom resources, but still validates built-in kinds, when the shared schemas are absent", () => {
    const realStatSync = fs.statSync;
    const spy = jest.spyOn(fs, "statSync").mockImplementation(((file: fs.PathLike, options?: fs.StatSyncOptions) => {
      if (String(file) === SHARED_SCHEMAS_DIR) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
      return realStatSync(file, options);
    }) as typeof fs.statSync);
    try {
      expect(sharedSchemasAvailable()).toBe(false);
      expect(validateKubernetesObject(middleware({ ...forwardAuth, trustForwardHeaders: true }))).toEqual([]);
      expect(validateKubernetesObject({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).toEqual([]);
      expect(validateAutheliaConfiguration({ nonsense: true })).toEqual([]);
      expect(paths(validateKubernetesObject(deployment({ replicas: "1" })))).toEqual(["/spec/replicas"]);
      expect(validateKubernetesObject({ apiVersion: "apps/v1", kind: "Deploymnt", metadata: { name: "x" } })[0].message).toBe("no schema for apps/v1 Deploymnt");
    } finally {
      spy.mockRestore();
    }
  });
});

describe("Authelia schemas (JSON Schema 2020-12 from the shared schemas)", () => {
  const user = { displayname: "Alice", password: "$argon2id$v=19$m=65536,t=3,p=4$abc$def", email: "alice@example.com", groups: ["dev"] };

  itShared("accepts a minimal configuration with a tcp:// server address", () => {
    expect(validateAutheliaConfiguration({ server: { address: "tcp://:9091/" } })).toEqual([]);
  });

  itShared("rejects keys Authelia removed from the schema (top-level jwt_secret, server.host): they are unknown fields", () => {
    expect(validateAutheliaConfiguration({ jwt_secret: 1, server: { host: "x" } })).toEqual([
      { object: "authelia configuration", path: "/jwt_secret", message: 'unknown field "jwt_secret"' },
      { object: "authelia configuration", path: "/server/host", message: 'unknown field "host"' },
    ]);
  });

  itShared("accepts keys the schema only marks deprecated (session.domain, default_redirection_url)", () => {
    expect(validateAutheliaConfiguration({ session: { domain: "example.com" }, default_redirection_url: "https://example.com/" })).toEqual([]);
  });

  itShared("reports bad enums and types, and accepts Go-only regex syntax in access-control rules", () => {
    expect(paths(validateAutheliaConfiguration({ access_control: { default_policy: "allow" }, log: { level: "verbose" } })).sort()).toEqual([
      "/access_control/default_policy",
      "/log/level",
    ]);
    const rules = [{ domain: "*.code.example.com", resources: ["(?i)^/api/.*$", "^/(?P<user>[a-z]+)/$"], policy: "one_factor", subject: ["group:dev"] }];
    expect(validateAutheliaConfiguration({ access_control: { default_policy: "deny", rules } })).toEqual([]);
  });

  itShared("the schema's uri format on server.address rejects scheme-less addresses Authelia itself would accept", () => {
    expect(validateAutheliaConfiguration({ server: { address: "0.0.0.0:9091" } })).toEqual([
      { object: "authelia configuration", path: "/server/address", message: 'must be a valid uri (got string "0.0.0.0:9091")' },
    ]);
  });

  itShared("accepts a valid users database", () => {
    expect(validateAutheliaUsersDatabase({ users: { alice: user } })).toEqual([]);
  });

  itShared("reports users-database mistakes: missing displayname, unhashed password, unknown field", () => {
    const { displayname: _omit, ...noName } = user;
    const problems = validateAutheliaUsersDatabase({ users: { alice: noName, bob: { ...user, password: "hunter2", mail: "bob@example.com" } } });
    expect(problems.map((p) => `${p.path}: ${p.message.split(" (got")[0]}`)).toEqual([
      '/users/alice/displayname: missing required field "displayname"',
      '/users/bob/mail: unknown field "mail" (did you mean "email"?)',
      expect.stringMatching(/^\/users\/bob\/password: must match pattern \^/),
    ]);
    expect(paths(validateAutheliaUsersDatabase({}))).toEqual(["/users"]);
  });
});

/** Object.freeze, recursively (rendered objects may come from libraries that freeze them). */
function deep_freeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deep_freeze(child);
    Object.freeze(value);
  }
  return value;
}
