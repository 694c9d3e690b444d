import { buildWorkspaceManifests } from "./manifests";
import { resolveWorkspaceProps } from "./code-server-workspace";
import { DEFAULT_TIERS } from "./tiers";

type Obj = Record<string, any>;
const build = (over: Partial<Parameters<typeof resolveWorkspaceProps>[0]> = {}) =>
  buildWorkspaceManifests(resolveWorkspaceProps({ username: "alice", domain: "dev.example.com", ...over })) as Obj[];
const find = (objs: Obj[], kind: string, name?: string) =>
  objs.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe("workspace manifests", () => {
  const objs = build();
  const deployment = find(objs, "Deployment")!;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it("creates every isolation object, namespace first", () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Namespace/ws-alice",
      "ServiceAccount/workspace",
      "PersistentVolumeClaim/home",
      "Deployment/code-server",
      "Service/code-server",
      "Middleware/forward-auth",
      "Ingress/code-server",
      "NetworkPolicy/default-deny-all",
      "NetworkPolicy/allow-ingress-controller",
      "NetworkPolicy/allow-dns-and-internet",
      "ResourceQuota/workspace-quota",
      "LimitRange/workspace-limits",
    ]);
    for (const o of objs.slice(1)) expect(o.metadata.namespace).toBe("ws-alice");
  });

  it("labels the namespace for restricted Pod Security in every mode", () => {
    const labels = find(objs, "Namespace")!.metadata.labels;
    for (const mode of ["enforce", "audit", "warn"]) {
      expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
    }
    expect(labels["vibecode.dev/workspace"]).toBe("true");
  });

  it("mounts no service-account token", () => {
    expect(find(objs, "ServiceAccount")!.automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe("workspace");
  });

  it("runs code-server non-root with everything dropped", () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      privileged: false,
      runAsNonRoot: true,
      runAsUser: 1000,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext.capabilities.add).toBeUndefined();
  });

  it("runs one pinned code-server with Recreate, SSO-only auth and /healthz probes", () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
    expect(container.image).toMatch(/^docker\.io\/codercom\/code-server:\d+\.\d+\.\d+$/);
    expect(container.args).toEqual([
      "--bind-addr=0.0.0.0:8080",
      "--auth=none",
      "--disable-telemetry",
      "--disable-update-check",
      "--idle-timeout-seconds=3600",
    ]);
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      expect(container[probe].httpGet).toEqual({ path: "/healthz", port: "http" });
    }
    expect(pod.volumes).toContainEqual({ name: "home", persistentVolumeClaim: { claimName: "home" } });
  });

  it("denies all traffic by default, in both directions", () => {
    expect(find(objs, "NetworkPolicy", "default-deny-all")!.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("admits only the ingress controller's namespace, only on the code-server port", () => {
    const spec = find(objs, "NetworkPolicy", "allow-ingress-controller")!.spec;
    expect(spec.policyTypes).toEqual(["Ingress"]);
    expect(spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } } }],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
    ]);
  });

  it("lets out DNS and the internet, never cluster ranges or the metadata service", () => {
    const spec = find(objs, "NetworkPolicy", "allow-dns-and-internet")!.spec;
    expect(spec.policyTypes).toEqual(["Egress"]);
    const [dns, internet] = spec.egress;
    expect(dns.to).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
        podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
      },
    ]);
    expect(dns.ports.map((p: Obj) => `${p.protocol}/${p.port}`)).toEqual(["UDP/53", "TCP/53"]);
    expect(internet.ports).toBeUndefined();
    const v4 = internet.to[0].ipBlock;
    expect(v4.cidr).toBe("0.0.0.0/0");
    for (const range of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"]) {
      expect(v4.except).toContain(range);
    }
    expect(internet.to[1].ipBlock).toEqual({ cidr: "::/0", except: ["::1/128", "fc00::/7", "fe80::/10"] });
    // No rule may select other namespaces or pods beyond DNS.
    expect(JSON.stringify(spec.egress)).not.toMatch(/"namespaceSelector":\{\}/);
  });

  it.each(Object.entries(DEFAULT_TIERS))("sizes quota and limits from the %s tier", (tierName, tier) => {
    const o = build({ tier, tierName });
    expect(find(o, "ResourceQuota")!.spec.hard).toEqual({
      "requests.cpu": tier.cpuRequest,
      "requests.memory": tier.memoryRequest,
      "limits.cpu": tier.cpuLimit,
      "limits.memory": tier.memoryLimit,
      "requests.storage": tier.storage,
      persistentvolumeclaims: "1",
      pods: "2",
      services: "1",
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    });
    const [containerLimits, pvcLimits] = find(o, "LimitRange")!.spec.limits;
    expect(containerLimits).toEqual({
      type: "Container",
      default: { cpu: tier.cpuLimit, memory: tier.memoryLimit },
      defaultRequest: { cpu: tier.cpuRequest, memory: tier.memoryRequest },
      max: { cpu: tier.cpuLimit, memory: tier.memoryLimit },
    });
    expect(pvcLimits).toEqual({ type: "PersistentVolumeClaim", max: { storage: tier.storage } });
    const c = find(o, "Deployment")!.spec.template.spec.containers[0];
    expect(c.resources).toEqual({
      requests: { cpu: tier.cpuRequest, memory: tier.memoryRequest },
      limits: { cpu: tier.cpuLimit, memory: tier.memoryLimit },
    });
    expect(find(o, "PersistentVolumeClaim")!.spec.resources.requests.storage).toBe(tier.storage);
  });

  it("uses the storage override and storage class for the home volume and its quota", () => {
    const o = build({ storage: "75Gi", storageClassName: "retained-ssd" });
    const pvc = find(o, "PersistentVolumeClaim")!;
    expect(pvc.spec).toEqual({ accessModes: ["ReadWriteOnce"], storageClassName: "retained-ssd", resources: { requests: { storage: "75Gi" } } });
    expect(find(o, "ResourceQuota")!.spec.hard["requests.storage"]).toBe("75Gi");
  });

  it("routes <user>.<domain> over TLS through the forward-auth middleware", () => {
    const ingress = find(objs, "Ingress")!;
    expect(ingress.metadata.annotations).toEqual({
      "cert-manager.io/cluster-issuer": "vibecode-ca",
      "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
      "traefik.ingress.kubernetes.io/router.tls": "true",
      "traefik.ingress.kubernetes.io/router.middlewares": "ws-alice-forward-auth@kubernetescrd",
    });
    expect(ingress.spec.ingressClassName).toBe("traefik");
    expect(ingress.spec.tls).toEqual([{ hosts: ["alice.dev.example.com"], secretName: "code-server-tls" }]);
    expect(ingress.spec.rules[0].host).toBe("alice.dev.example.com");
    const mw = find(objs, "Middleware")!;
    expect(mw.apiVersion).toBe("traefik.io/v1alpha1");
    expect(mw.spec.forwardAuth.address).toBe("http://authelia.authelia.svc.cluster.local/api/authz/forward-auth");
  });

  it("uses an existing middleware instead of creating one when configured", () => {
    const o = build({ forwardAuthMiddlewareRef: "authelia-forwardauth@kubernetescrd" });
    expect(find(o, "Middleware")).toBeUndefined();
    expect(find(o, "Ingress")!.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"]).toBe(
      "authelia-forwardauth@kubernetescrd",
    );
  });

  it("suspends a user: no pod, no route, data and isolation kept", () => {
    const o = build({ enabled: false });
    expect(find(o, "Deployment")!.spec.replicas).toBe(0);
    expect(find(o, "Ingress")).toBeUndefined();
    expect(find(o, "Middleware")).toBeUndefined();
    for (const kind of ["Namespace", "PersistentVolumeClaim", "NetworkPolicy", "ResourceQuota", "LimitRange"]) {
      expect(find(o, kind)).toBeDefined();
    }
  });

  it("refuses an idle timeout code-server would not accept", () => {
    expect(() => build({ idleTimeoutSeconds: 30 })).toThrow(/idleTimeoutSeconds must be an integer above 60, got 30/);
  });
});
