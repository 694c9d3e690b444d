import type { Loose } from "../testing";
import { clone, compliantContainer, specOf, violationsOfRule, workload } from "../testing";
import { imageProblem, imageTagRule } from "./image-tag";

const P = "hygiene-image-tag";
const DIGEST = "sha256:" + "a".repeat(64);

describe(P, () => {
  it.each<[string, string | undefined, boolean]>([
    ["a version tag", "codercom/code-server:4.104.1", true],
    ["a digest", `ghcr.io/org/app@${DIGEST}`, true],
    ["tag and digest", `nginx:1.27@${DIGEST}`, true],
    ["latest pinned by a digest", `nginx:latest@${DIGEST}`, true],
    ["registry port and tag", "registry.local:5000/team/app:2.0", true],
    ["no tag", "nginx", false],
    ["registry port but no tag", "registry.local:5000/team/app", false],
    ["latest", "docker.io/library/nginx:latest", false],
    ["Latest in another case", "nginx:Latest", false],
    ["empty tag", "nginx:", false],
    ["malformed digest", "nginx@sha256:abc", false],
    ["missing", undefined, false],
  ])("%s", (_name, image, ok) => {
    expect(imageProblem(image) === undefined).toBe(ok);
  });

  it.each<[string, string, (spec: Loose) => void, string[]]>([
    ["tagged images", "Deployment", () => {}, []],
    ["init container without a tag", "StatefulSet", (s) => (s.initContainers[0].image = "busybox"), [`${P} spec.template.spec.initContainers[0].image`]],
    [
      "ephemeral debug container on latest",
      "Pod",
      (s) => (s.ephemeralContainers = [{ ...compliantContainer("debug"), image: "busybox:latest" }]),
      [`${P} spec.ephemeralContainers[0].image`],
    ],
    ["CronJob container", "CronJob", (s) => (s.containers[0].image = "alpine"), [`${P} spec.jobTemplate.spec.template.spec.containers[0].image`]],
  ])("%s (%s)", (_name, kind, mutate, expected) => {
    const obj = clone(workload(kind));
    mutate(specOf(obj));
    expect(violationsOfRule(imageTagRule, [obj])).toEqual(expected);
  });
});
