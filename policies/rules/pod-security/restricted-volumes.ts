/**
 * Restricted: volume types.
 *
 * Restricted pods may only use volume types that do not reach node or cluster storage directly: ephemeral and
 * projected data, and persistent storage through claims (whose PersistentVolumes an administrator controls).
 *
 * Restricted fields: `spec.volumes[*]` — every inline volume source other than the allowed ones, i.e.
 * `hostPath`, `gcePersistentDisk`, `awsElasticBlockStore`, `gitRepo`, `nfs`, `iscsi`, `glusterfs`, `rbd`,
 * `flexVolume`, `cinder`, `cephfs`, `flocker`, `fc`, `azureFile`, `vsphereVolume`, `quobyte`, `azureDisk`,
 * `portworxVolume`, `photonPersistentDisk`, `scaleIO`, `storageos`.
 *
 * Allowed values: volumes whose source is one of `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`,
 * `image`, `persistentVolumeClaim`, `projected`, `secret`.
 *
 * A volume that names no source at all is defaulted to `emptyDir` by the API server before admission runs
 * (`SetDefaults_Volume`), so it is allowed here as it is by the admission controller.
 *
 * Mirrors upstream check `restrictedVolumes` (policy 1.0+), which overrides the baseline `hostPathVolumes` check.
 */
import { join } from "../../path";
import { isSet, list, rec, str } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";

export const ALLOWED_VOLUME_SOURCES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
] as const;

/** The restricted sources, in the order upstream names them. */
export const RESTRICTED_VOLUME_SOURCES = [
  "hostPath",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "nfs",
  "iscsi",
  "glusterfs",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "fc",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "portworxVolume",
  "scaleIO",
  "storageos",
] as const;

function restrictedVolumes(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  list(pod.spec.volumes).forEach((value, index) => {
    const volume = rec(value);
    if (ALLOWED_VOLUME_SOURCES.some((source) => isSet(volume[source]))) return;
    const used = RESTRICTED_VOLUME_SOURCES.find((source) => isSet(volume[source]));
    // No known source at all: the API server defaults the volume to emptyDir, which is allowed.
    if (used === undefined) return;
    findings.push({
      path: join(pod.specPath, "volumes", index, used),
      problem: `is set (volume ${JSON.stringify(str(volume.name) ?? "")}); restricted pods may only use ${ALLOWED_VOLUME_SOURCES.join(", ")} volumes`,
    });
  });
  return findings;
}

export const restrictedVolumesCheck: PodSecurityCheck = {
  id: "restrictedVolumes",
  level: "restricted",
  policy: "pod-security-restricted-volume-types",
  description: "Pods may only use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes.",
  versions: [{ minimumVersion: 0, evaluate: restrictedVolumes, overrides: ["hostPathVolumes"] }],
};
