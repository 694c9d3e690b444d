/**
 * Datadog metadata for workspace pods, as pure functions (no Pulumi, no Datadog client): unified service tags,
 * the person the workspace belongs to, and the annotation that opts the pod's logs into collection.
 *
 * - Unified service tags: labels `tags.datadoghq.com/env|service|version` on the Deployment and on its pod template
 *   (the agent reads the pod's; kube-state metrics read the Deployment's), so metrics, logs and events of one
 *   workspace share `env`, `service` and `version`.
 * - The user: pod annotation `ad.datadoghq.com/tags` = `{"user": "<username>"}` — the username only, never the
 *   e-mail address or anything else from the users file.
 * - Logs: `ad.datadoghq.com/<container>.logs` with `source`/`service`; the agent collects only annotated containers
 *   (the Datadog component leaves `containerCollectAll` off).
 *
 * Nothing here may carry a secret: labels and annotations are readable by anyone who can list pods, and Datadog
 * indexes tags. The inputs are a username, an environment name and a version.
 */

/** What {@link workspaceTelemetry} needs. */
export interface WorkspaceTelemetryInput {
  /** The workspace owner's username (a DNS label, as the users file guarantees). Becomes the `user` tag. */
  username: string;
  /** Deployment environment, the `env` tag (e.g. the stack name). */
  env: string;
  /** Version of what runs, the `version` tag (e.g. the code-server image tag `4.145.2`). */
  version: string;
  /** The `service` tag. Default `workspace`. */
  service?: string;
  /** Name of the container whose logs are collected. Default `code-server`. */
  container?: string;
  /** The logs' `source` (picks Datadog's log pipeline). Default `code-server`. */
  logSource?: string;
}

/** Labels and annotations to merge into a workspace Deployment. */
export interface WorkspaceTelemetry {
  /** Labels for the Deployment's metadata *and* its pod template's metadata. */
  labels: Record<string, string>;
  /** Annotations for the pod template's metadata. */
  podAnnotations: Record<string, string>;
}

/** Label prefix of Datadog's unified service tags. */
export const UNIFIED_SERVICE_TAG_PREFIX = "tags.datadoghq.com";

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Unified service tags, user tag and log-collection annotation for one workspace.
 *
 * @throws Error when a value cannot be a Kubernetes label value (at most 63 characters of letters, digits, `-`,
 *   `_`, `.`) or the container name is not a DNS label — the API server would refuse the object otherwise.
 */
export function workspaceTelemetry(input: WorkspaceTelemetryInput): WorkspaceTelemetry {
  const service = input.service ?? "workspace";
  const container = input.container ?? "code-server";
  const logSource = input.logSource ?? "code-server";
  for (const [field, value] of [["username", input.username], ["env", input.env], ["version", input.version], ["service", service], ["logSource", logSource]] as const) {
    if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) {
      throw new Error(`workspaceTelemetry: ${field} must be a Kubernetes label value (at most 63 letters, digits, '-', '_', '.'), got ${JSON.stringify(value)}`);
    }
  }
  if (!CONTAINER_NAME.test(container) || container.length > 63) {
    throw new Error(`workspaceTelemetry: container must be a container name (DNS label), got ${JSON.stringify(container)}`);
  }
  return {
    labels: {
      [`${UNIFIED_SERVICE_TAG_PREFIX}/env`]: input.env,
      [`${UNIFIED_SERVICE_TAG_PREFIX}/service`]: service,
      [`${UNIFIED_SERVICE_TAG_PREFIX}/version`]: input.version,
    },
    podAnnotations: {
      "ad.datadoghq.com/tags": JSON.stringify({ user: input.username }),
      [`ad.datadoghq.com/${container}.logs`]: JSON.stringify([{ source: logSource, service }]),
    },
  };
}
