/** Namespace labels shared by every namespace the platform creates. */

/** Pod Security Standards levels, as the `pod-security.kubernetes.io/*` labels spell them. */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/**
 * Labels that make the API server enforce, audit and warn at `level` (version `latest`), so nothing weaker than
 * the level can run in the namespace whatever created it.
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ["enforce", "audit", "warn"]) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = "latest";
  }
  return labels;
}

/** A v1 Namespace object with Pod Security labels. */
export function namespaceObject(name: string, level: PodSecurityLevel, labels: Record<string, string> = {}) {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { ...labels, ...podSecurityLabels(level) } },
  };
}
