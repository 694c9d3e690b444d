import type { Loose } from "../testing";
import { clone, namespace, specOf, violationsOfRule, workload, workspace } from "../testing";
import { serviceAccountTokenRule } from "./service-account-token";

const P = "isolation-service-account-token";
const deploymentOf = (objects: Loose[]) => objects.find((o) => o.kind === "Deployment");
const accountOf = (objects: Loose[]) => objects.find((o) => o.kind === "ServiceAccount");

describe(P, () => {
  it.each<[string, (objects: Loose[]) => void, string[]]>([
    ["pod says false", () => {}, []],
    ["pod says true", (o) => (specOf(deploymentOf(o)).automountServiceAccountToken = true), [`${P} spec.template.spec.automountServiceAccountToken`]],
    ["pod unset, its ServiceAccount says false", (o) => delete specOf(deploymentOf(o)).automountServiceAccountToken, []],
    [
      "pod unset, its ServiceAccount does not say",
      (o) => {
        delete specOf(deploymentOf(o)).automountServiceAccountToken;
        delete accountOf(o).automountServiceAccountToken;
      },
      [`${P} spec.template.spec.automountServiceAccountToken`],
    ],
    [
      "pod unset, uses the default ServiceAccount (not among the inputs)",
      (o) => {
        delete specOf(deploymentOf(o)).automountServiceAccountToken;
        delete specOf(deploymentOf(o)).serviceAccountName;
      },
      [`${P} spec.template.spec.automountServiceAccountToken`],
    ],
    [
      "pod true overrides a ServiceAccount false",
      (o) => (specOf(deploymentOf(o)).automountServiceAccountToken = true),
      [`${P} spec.template.spec.automountServiceAccountToken`],
    ],
    [
      "a projected service-account token volume",
      (o) => (specOf(deploymentOf(o)).volumes = [{ name: "t", projected: { sources: [{ configMap: { name: "c" } }, { serviceAccountToken: { path: "token", audience: "vault" } }] } }]),
      [`${P} spec.template.spec.volumes[0].projected.sources[1].serviceAccountToken`],
    ],
  ])("%s", (_name, mutate, expected) => {
    const objects = workspace("ws-a");
    mutate(objects);
    expect(violationsOfRule(serviceAccountTokenRule, objects)).toEqual(expected);
  });

  it("a labelled workspace pod is checked even without its Namespace object", () => {
    const job = clone(workload("CronJob", "ws-b"));
    job.metadata.labels = { "vibecode.dev/workspace": "true" };
    delete specOf(job).automountServiceAccountToken;
    expect(violationsOfRule(serviceAccountTokenRule, [job])).toEqual([`${P} spec.jobTemplate.spec.template.spec.automountServiceAccountToken`]);
  });

  it("pods outside workspace namespaces are not checked", () => {
    const pod = clone(workload("Pod", "tools"));
    specOf(pod).automountServiceAccountToken = true;
    expect(violationsOfRule(serviceAccountTokenRule, [namespace("tools"), pod])).toEqual([]);
  });
});
