import { describePodSecurityTable } from "./table";

const R = "pod-security-restricted-volume-types";

// Mirrors upstream policy/check_restrictedVolumes.go (restrictedVolumes_1_0) and test/fixtures_restrictedVolumes.go.
describePodSecurityTable("restrictedVolumes", [
  {
    name: "nfs is refused at restricted only",
    mirrors: "restrictedVolumes_1_0: NFS is not an allowed source; baseline has no such check",
    mutate: (spec) => (spec.volumes = [{ name: "share", nfs: { server: "nfs.example.com", path: "/exports" } }]),
    baseline: [],
    restricted: [`${R} spec.volumes[0].nfs`],
  },
  {
    name: "gitRepo and awsElasticBlockStore",
    mirrors: "restrictedVolumes_1_0: each restricted type is reported",
    mutate: (spec) =>
      (spec.volumes = [
        { name: "src", gitRepo: { repository: "https://example.com/repo.git" } },
        { name: "ok", emptyDir: {} },
        { name: "ebs", awsElasticBlockStore: { volumeID: "vol-1" } },
      ]),
    baseline: [],
    restricted: [`${R} spec.volumes[0].gitRepo`, `${R} spec.volumes[2].awsElasticBlockStore`],
  },
  {
    name: "hostPath is refused by this check instead of hostPathVolumes",
    mirrors: "restrictedVolumes_1_0 OverrideCheckIDs: hostPathVolumes",
    mutate: (spec) => (spec.volumes = [{ name: "host", hostPath: { path: "/" } }]),
    baseline: ["pod-security-baseline-host-path-volumes spec.volumes[0].hostPath"],
    restricted: [`${R} spec.volumes[0].hostPath`],
  },
  {
    name: "every allowed volume type",
    mirrors: "allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret",
    mutate: (spec) =>
      (spec.volumes = [
        { name: "a", configMap: { name: "cm" } },
        { name: "b", csi: { driver: "secrets-store.csi.k8s.io" } },
        { name: "c", downwardAPI: { items: [] } },
        { name: "d", emptyDir: { sizeLimit: "1Gi" } },
        { name: "e", ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"] } } } },
        { name: "f", image: { reference: "registry.example.com/data:1" } },
        { name: "g", persistentVolumeClaim: { claimName: "home" } },
        { name: "h", projected: { sources: [{ configMap: { name: "cm" } }] } },
        { name: "i", secret: { secretName: "s" } },
      ]),
    baseline: [],
    restricted: [],
  },
  {
    name: "a volume without a source is defaulted to emptyDir",
    mirrors: "SetDefaults_Volume runs before admission, so PSA sees EmptyDir",
    mutate: (spec) => (spec.volumes = [{ name: "scratch" }]),
    baseline: [],
    restricted: [],
  },
]);
