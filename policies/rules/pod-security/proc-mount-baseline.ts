/**
 * Baseline: /proc mount type.
 *
 * The default /proc mount masks and read-protects sensitive kernel paths; `Unmasked` removes that. Since policy
 * 1.35 baseline tolerates any procMount in a pod with its own user namespace (`hostUsers: false`), where an
 * unmasked /proc cannot reach the host's kernel as root.
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.procMount`.
 *
 * Allowed values: unset, `Default`; from policy 1.35, anything when `spec.hostUsers` is `false`.
 *
 * Mirrors upstream check `procMount` (policy 1.0+, 1.35+). At the restricted level (1.35+) it is replaced by
 * `procMount_restricted`, which keeps refusing `Unmasked` even in user namespaces.
 */
import { join } from "../../path";
import { containerLabel, isSet } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { usesUserNamespace } from "./check";

/** Shared with the restricted variant: every container with a procMount other than `Default`. */
export function procMountUnconditional(pod: PodView): Finding[] {
  return pod.containers
    .filter((c) => isSet(c.securityContext.procMount) && c.securityContext.procMount !== "Default")
    .map((c) => ({
      path: join(c.path, "securityContext", "procMount"),
      problem: `is ${JSON.stringify(c.securityContext.procMount)} (${containerLabel(c)}); the default /proc masks are required (allowed: Default or unset)`,
    }));
}

function procMountRelaxedForUserNamespaces(pod: PodView): Finding[] {
  return usesUserNamespace(pod) ? [] : procMountUnconditional(pod);
}

export const procMountBaselineCheck: PodSecurityCheck = {
  id: "procMount",
  level: "baseline",
  policy: "pod-security-baseline-proc-mount",
  description: "Containers must keep the default /proc masks (procMount Default), unless the pod uses a user namespace.",
  versions: [
    { minimumVersion: 0, evaluate: procMountUnconditional },
    { minimumVersion: 35, evaluate: procMountRelaxedForUserNamespaces },
  ],
};
