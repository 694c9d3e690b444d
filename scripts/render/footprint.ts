/**
 * What the platform itself reserves (everything that is not a workspace): the sum of CPU and memory requests and
 * limits of its long-running pods, from a render. Chart-made pods are counted from the values the platform sets
 * for them; one-off Jobs (cert-manager's startup check) are left out.
 */
import { parseQuantity } from "../../components/kubernetes/quantity";
import type { RenderResult } from "./render";

/** Totals in cores and MiB. */
export interface Footprint {
  cpuRequestCores: number;
  memoryRequestMiB: number;
  cpuLimitCores: number;
  memoryLimitMiB: number;
  /** Each counted pod group, for the README's table. */
  parts: { name: string; replicas: number; cpuRequest: number; memoryRequestMiB: number }[];
}

type Obj = Record<string, any>;
interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** Sums the platform's pods in a render. */
export function platformFootprint(result: RenderResult): Footprint {
  const f: Footprint = { cpuRequestCores: 0, memoryRequestMiB: 0, cpuLimitCores: 0, memoryLimitMiB: 0, parts: [] };
  const add = (name: string, replicas: number, resources: Resources[]) => {
    const sum = (kind: "requests" | "limits", key: "cpu" | "memory") =>
      resources.reduce((t, r) => t + (r[kind]?.[key] ? parseQuantity(r[kind]![key]!) : 0), 0) * replicas;
    const part = { name, replicas, cpuRequest: sum("requests", "cpu"), memoryRequestMiB: sum("requests", "memory") / 2 ** 20 };
    f.parts.push(part);
    f.cpuRequestCores += part.cpuRequest;
    f.memoryRequestMiB += part.memoryRequestMiB;
    f.cpuLimitCores += sum("limits", "cpu");
    f.memoryLimitMiB += sum("limits", "memory") / 2 ** 20;
  };
  for (const { object } of result.objects) {
    const o = object as Obj;
    if (o.metadata.labels?.["vibecode.dev/workspace"] === "true") continue;
    if (o.kind === "Deployment" || o.kind === "StatefulSet") {
      const pod = o.spec.template.spec;
      add(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o.spec.replicas ?? 1, [...(pod.initContainers ?? []).filter((c: Obj) => c.restartPolicy === "Always"), ...pod.containers].map((c: Obj) => c.resources ?? {}));
    } else if (o.kind === "Cluster" && o.apiVersion === "postgresql.cnpg.io/v1") {
      add(`Cluster/${o.metadata.namespace}/${o.metadata.name}`, o.spec.instances, [o.spec.resources ?? {}]);
    }
  }
  for (const r of result.resources as Obj[]) {
    if (r.type !== "kubernetes:helm.sh/v3:Release") continue;
    const v = r.inputs.values ?? {};
    switch (r.inputs.chart) {
      case "traefik":
        add("traefik", v.deployment?.replicas ?? 1, [v.resources ?? {}]);
        break;
      case "cert-manager":
        add("cert-manager", v.replicaCount ?? 1, [v.resources ?? {}]);
        add("cert-manager-webhook", v.webhook?.replicaCount ?? 1, [v.webhook?.resources ?? {}]);
        add("cert-manager-cainjector", v.cainjector?.replicaCount ?? 1, [v.cainjector?.resources ?? {}]);
        break;
      case "cloudnative-pg":
        add("cloudnative-pg-operator", v.replicaCount ?? 1, [v.resources ?? {}]);
        break;
      default:
        throw new Error(`footprint: no rule for chart ${r.inputs.chart}; add one`);
    }
  }
  return f;
}
