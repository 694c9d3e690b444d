/**
 * Hygiene: images are pinned.
 *
 * An image without a tag means `:latest`, and `:latest` means "whatever was pushed last": two renders of the same
 * commit can run different code, and a rollback rolls back nothing. A digest pins the image exactly; an explicit
 * version tag at least names it.
 *
 * Restricted fields, for Pods and the pod templates of every workload kind:
 * `spec.{initContainers,containers,ephemeralContainers}[*].image`.
 *
 * Allowed values: a reference with a digest (`name@sha256:…`, with or without a tag), or with a tag other than
 * `latest` (compared case-insensitively, so `Latest` is refused too). A registry port (`registry:5000/app`) is
 * not a tag.
 */
import { formatPath, join } from "../path";
import { containerLabel, containersOf, podTargetOf, str } from "../objects";
import type { KubeObject, Rule, Violation } from "../types";

const NAME = "hygiene-image-tag";
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/;

/** What is wrong with an image reference, or undefined when it is pinned by a tag or digest. */
export function imageProblem(image: string | undefined): string | undefined {
  if (image === undefined || image.trim() === "") return "is not set";
  const at = image.indexOf("@");
  if (at >= 0) {
    return DIGEST.test(image.slice(at + 1)) ? undefined : `has a malformed digest ${JSON.stringify(image.slice(at + 1))}`;
  }
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  if (colon < 0) return `is ${JSON.stringify(image)}, which has no tag (it means :latest)`;
  const tag = image.slice(colon + 1);
  if (tag === "") return `is ${JSON.stringify(image)}, which has an empty tag`;
  if (tag.toLowerCase() === "latest") return `is ${JSON.stringify(image)}, which uses the mutable latest tag`;
  return undefined;
}

export const imageTagRule: Rule = {
  name: NAME,
  description: "Container images must carry an explicit tag or digest, and never the latest tag.",
  defaultEnforcement: "mandatory",
  scope: "object",
  check(obj: KubeObject): Violation[] {
    const target = podTargetOf(obj);
    if (!target) return [];
    const violations: Violation[] = [];
    for (const c of containersOf(target)) {
      const problem = imageProblem(str(c.container.image));
      if (problem === undefined) continue;
      const path = formatPath(join(c.path, "image"));
      violations.push({ policy: NAME, path, message: `${path} ${problem} (${containerLabel(c)}); pin a version tag or a digest` });
    }
    return violations;
  },
};
