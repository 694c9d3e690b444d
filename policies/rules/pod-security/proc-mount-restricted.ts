/**
 * Restricted: /proc mount type.
 *
 * The restricted level keeps the pre-1.35 rule: the default /proc masks are required even for pods in a user
 * namespace.
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.procMount`.
 *
 * Allowed values: unset, `Default`.
 *
 * Mirrors upstream check `procMount_restricted` (policy 1.35+), which overrides the baseline `procMount` check at
 * the restricted level. Before 1.35 the baseline check (then unconditional) covered restricted namespaces too.
 */
import type { PodSecurityCheck } from "./check";
import { procMountUnconditional } from "./proc-mount-baseline";

export const procMountRestrictedCheck: PodSecurityCheck = {
  id: "procMount_restricted",
  level: "restricted",
  policy: "pod-security-restricted-proc-mount",
  description: "Containers must keep the default /proc masks (procMount Default), user namespace or not.",
  versions: [{ minimumVersion: 35, evaluate: procMountUnconditional, overrides: ["procMount"] }],
};
