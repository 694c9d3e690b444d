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
} as const;

/** `image:tag` for an entry of {@link versions}. */
export function imageRef(entry: { image: string; tag: string }): string {
  return `${entry.image}:${entry.tag}`;
}
