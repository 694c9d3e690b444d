/**
 * Every image and chart the platform deploys, pinned in one place.
 *
 * Why one module: a version bump is one reviewed line, and the render, the policy checks and the README all read
 * the same value. Tags are exact releases (never `latest`, never a floating minor).
 */
export const versions = {
  /**
   * code-server (Coder's official image). 4.141.1 fixed a remote-code-execution bug in the bundled Node.js
   * (CVE-2026-111497); stay at or above it.
   */
  codeServer: { image: "docker.io/codercom/code-server", tag: "4.145.2" },
  /**
   * Traefik v3 Helm chart 41.3.0 = Traefik v3.7.11 (2026-08-20), the newest release whose chart source was checked
   * here. Advisory GHSA-qq9q-x9w4-chhj (2026-08) needs a patched Traefik: confirm its fixed versions on bumps.
   */
  traefikChart: { chart: "traefik", repo: "https://traefik.github.io/charts", version: "41.3.0", appVersion: "v3.7.11" },
  /** cert-manager (chart from charts.jetstack.io, the only supported source); CRDs managed by the chart. */
  certManagerChart: { chart: "cert-manager", repo: "https://charts.jetstack.io", version: "v1.21.1" },
  /** KIND node image for the dev cluster (Kubernetes 1.34, the API cdk8s-plus-34 models). */
  kindNode: { image: "docker.io/kindest/node", tag: "v1.34.0" },
  /**
   * PostgreSQL 18 (Docker official image, Debian trixie) for the single-instance dev database. 18.6 is the newest
   * 18.x published in docker-library/official-images as of its 2026-08 update; Authelia supports every PostgreSQL
   * version the PostgreSQL project still supports and tests against the newest. The 18+ image keeps its data in
   * /var/lib/postgresql/18/docker (one mount at /var/lib/postgresql), which `components/data` relies on.
   */
  postgres: { image: "docker.io/library/postgres", tag: "18.6-trixie" },
  /**
   * CloudNativePG operand image for the prod `Cluster`: PostgreSQL 18.6, "minimal" flavour (no extensions: Authelia
   * needs none), from CloudNativePG's own catalog of 2026-08-17. The timestamped tag is immutable; the digest pins
   * the exact multi-arch index from that catalog. Same major as the dev image, so dev and prod behave alike.
   */
  cnpgPostgres: {
    image: "ghcr.io/cloudnative-pg/postgresql",
    tag: "18.6-202608170814-minimal-trixie",
    digest: "sha256:eb7979e4bd7fccaec0369b550b9649eec1f014de04621fac6e653244e75cca46",
  },
  /** CloudNativePG operator Helm chart 0.29.0 = operator 1.30.0, the release ../shared/schemas vendors the CRD of. */
  cloudnativePgChart: { chart: "cloudnative-pg", repo: "https://cloudnative-pg.github.io/charts", version: "0.29.0", appVersion: "1.30.0" },
  /**
   * Valkey (BSD-3-Clause fork of Redis 7.2, Linux Foundation) for Authelia's sessions, image maintained by the Valkey
   * project (valkey-io/valkey-container). 9.1.1 (2026-07-21) fixed CVE-2026-56684 and CVE-2026-63639; stay at or
   * above it. Chosen over docker.io/library/redis: Redis 8 is AGPLv3/RSALv2/SSPL (7.4-7.8 RSALv2/SSPL only), and
   * the Redis protocol Authelia speaks is the same.
   */
  valkey: { image: "docker.io/valkey/valkey", tag: "9.1.2-trixie" },
  /**
   * Authelia, the single sign-on in front of every workspace. The configuration generated in `components/auth` is
   * written for (and schema-checked against) the 4.39 line; stay on 4.39.x until it is reviewed for a new minor.
   */
  authelia: { image: "ghcr.io/authelia/authelia", tag: "4.39.20" },
} as const;

/** `image:tag` for an entry of {@link versions}. */
export function imageRef(entry: { image: string; tag: string }): string {
  return `${entry.image}:${entry.tag}`;
}

/**
 * Observability (components/observability). Kept in their own export so this block can be appended without touching
 * the entries above.
 */
export const observabilityVersions = {
  /**
   * Datadog Helm chart 3.240.0 (2026-08-20; Agent and Cluster Agent 7.81.x), from Datadog's only chart repository.
   * Its `datadog-crds` dependency (2.23.0) carries the DatadogPodAutoscaler CRD of Datadog Operator v1.29.0, the
   * release ../shared/schemas vendors. It has no WatermarkPodAutoscaler CRD (see `wpaController` below).
   */
  datadogChart: { chart: "datadog", repo: "https://helm.datadoghq.com", version: "3.240.0" },
  /**
   * Watermark Pod Autoscaler controller v0.11.0 (2026-04-14), Datadog's image. Its Helm chart is not published in
   * any chart repository (DataDog/helm-charts#1485), so the controller and its CRD (vendored verbatim from the same
   * tag: components/observability/crds) are plain objects. Bump image and CRD together.
   */
  wpaController: { image: "gcr.io/datadoghq/watermarkpodautoscaler", tag: "v0.11.0" },
} as const;

/**
 * Workspace image and idle culler (components/workspace-image, components/idle). Own export, appended.
 */
export const workspaceImageVersions = {
  /**
   * Claude Code VS Code extension (`anthropic.claude-code`) from Open VSX, code-server's extension gallery. 2.1.292
   * was seen as a published version in public material, NOT checked against open-vsx.org from here: confirm with
   * `curl -s https://open-vsx.org/api/anthropic/claude-code | jq -r .version` (and that a linux-x64 build exists)
   * before the first build. The Dockerfile's ARG default must match.
   */
  claudeCodeExtension: { id: "anthropic.claude-code", version: "2.1.292" },
  /**
   * Python (Docker official image, Alpine) running the idle culler's stdlib-only script: no kubectl, curl or jq
   * image from a third party is needed. Tag not checked against Docker Hub from here; confirm on bumps.
   */
  idleCullerPython: { image: "docker.io/library/python", tag: "3.13.7-alpine3.22" },
} as const;
