/**
 * The Kubernetes cluster the platform runs on, and the Pulumi provider that talks to it: a KIND cluster made on
 * the spot (dev, a laptop with Docker) or an existing cluster reached through a kubeconfig or context (prod).
 */
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { imageRef, versions } from "../versions";

/** Arguments of {@link Cluster}. */
export interface ClusterArgs {
  /** `kind` (create a local KIND cluster) or `existing` (use a kubeconfig/context). Default `existing`. */
  mode?: string;
  /** KIND cluster name. Default `vibecode`. */
  kindName?: string;
  /** KIND worker nodes labelled `vibecode.dev/pool=platform` (Authelia, data services). Default 1. */
  platformWorkers?: number;
  /** KIND worker nodes labelled `vibecode.dev/pool=workspaces`. Default 1. */
  workspaceWorkers?: number;
  /** KIND node image. Default: the pinned `kindNode` of `components/versions.ts`. */
  kindNodeImage?: string;
  /** Existing mode: a kubeconfig (keep it a Pulumi secret). */
  kubeconfig?: pulumi.Input<string>;
  /** Existing mode: a context of the ambient kubeconfig. */
  context?: string;
}

/** The node pools' label key. */
export const NODE_POOL_LABEL = "vibecode.dev/pool";

/**
 * The KIND cluster config: a control-plane node labelled `ingress-ready=true` that maps the host's 80/443 to
 * Traefik's node ports (30080/30443), and the worker pools.
 */
export function kindClusterConfig(args: { platformWorkers: number; workspaceWorkers: number; image: string }): Record<string, unknown> {
  const worker = (pool: string) => ({ role: "worker", image: args.image, labels: { [NODE_POOL_LABEL]: pool } });
  return {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    nodes: [
      {
        role: "control-plane",
        image: args.image,
        labels: { "ingress-ready": "true" },
        extraPortMappings: [
          { containerPort: 30080, hostPort: 80, protocol: "TCP" },
          { containerPort: 30443, hostPort: 443, protocol: "TCP" },
        ],
      },
      ...Array.from({ length: args.platformWorkers }, () => worker("platform")),
      ...Array.from({ length: args.workspaceWorkers }, () => worker("workspaces")),
    ],
  };
}

/** Shell run by `pulumi up` to create the KIND cluster; says plainly what is missing instead of failing obscurely. */
export function kindCreateScript(name: string): string {
  return [
    "set -eu",
    'command -v kind >/dev/null 2>&1 || { echo "kind is not installed: install it (https://kind.sigs.k8s.io/docs/user/quick-start/#installation) or use the prod stack with an existing cluster" >&2; exit 1; }',
    'docker info >/dev/null 2>&1 || { echo "Docker is not running (KIND runs its nodes as Docker containers): start Docker and run pulumi up again" >&2; exit 1; }',
    `if kind get clusters 2>/dev/null | grep -qx '${name}'; then echo "KIND cluster ${name} already exists"; else kind create cluster --name '${name}' --config - --wait 180s; fi`,
  ].join("\n");
}

/** A cluster and its provider. Children of other components get the provider through `providers`. */
export class Cluster extends pulumi.ComponentResource {
  /** Provider for everything deployed into the cluster. */
  public readonly provider: k8s.Provider;
  /** The kubeconfig in use (secret), when the component knows it. */
  public readonly kubeconfig: pulumi.Output<string | undefined>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vibecode:cluster:Cluster", name, {}, opts);
    const mode = args.mode ?? "existing";
    if (mode === "kind") {
      const kindName = args.kindName ?? "vibecode";
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(kindName)) throw new Error(`Cluster ${name}: kindName "${kindName}" must be a DNS label`);
      const config = kindClusterConfig({
        platformWorkers: args.platformWorkers ?? 1,
        workspaceWorkers: args.workspaceWorkers ?? 1,
        image: args.kindNodeImage ?? imageRef(versions.kindNode),
      });
      const create = new command.local.Command(
        `${name}:kind-cluster`,
        {
          create: kindCreateScript(kindName),
          stdin: stringify(config),
          delete: `kind delete cluster --name '${kindName}'`,
          interpreter: ["/bin/sh", "-c"],
          // A changed node layout needs a new cluster; Pulumi replaces the command.
          triggers: [stringify(config)],
        },
        { parent: this },
      );
      const kubeconfig = new command.local.Command(
        `${name}:kind-kubeconfig`,
        { create: `kind get kubeconfig --name '${kindName}'`, interpreter: ["/bin/sh", "-c"] },
        { parent: this, dependsOn: [create], additionalSecretOutputs: ["stdout"] },
      );
      this.kubeconfig = pulumi.secret(kubeconfig.stdout);
      this.provider = new k8s.Provider(`${name}:kind`, { kubeconfig: this.kubeconfig, enableSecretMutable: true }, { parent: this });
    } else if (mode === "existing") {
      if (args.kubeconfig === undefined && args.context === undefined) {
        throw new Error(`Cluster ${name}: existing mode needs a kubeconfig or a context`);
      }
      this.kubeconfig = args.kubeconfig === undefined ? pulumi.output(undefined) : pulumi.secret(args.kubeconfig);
      this.provider = new k8s.Provider(
        `${name}:existing`,
        { kubeconfig: args.kubeconfig === undefined ? undefined : this.kubeconfig, context: args.context, enableSecretMutable: true },
        { parent: this },
      );
    } else {
      throw new Error(`Cluster ${name}: mode must be "kind" or "existing", got "${mode}"`);
    }
    this.registerOutputs({});
  }
}
