/** Workspace shards: each user in exactly one shard stack, and adding users never moves anyone. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { render } from "../scripts/render/render";
import { shardOf } from "../stacks/platform";

const SHARDS = 3;
const usersFile = (names: string[]) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-shards-")), "users.yaml");
  fs.writeFileSync(file, "users:\n" + names.map((n) => `  - username: ${n}\n    email: ${n}@example.com\n`).join(""));
  return file;
};
const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `user${String(from + i).padStart(4, "0")}`);

/** username → shard, from the workspace namespaces each shard's render contains. */
async function placement(file: string): Promise<Map<string, number[]>> {
  const where = new Map<string, number[]>();
  for (let shard = 0; shard < SHARDS; shard++) {
    const { objects } = await render({
      stack: "prod",
      usersFile: file,
      overrides: { role: "workspaces", shardCount: String(SHARDS), shard: String(shard), platformStack: "organization/vibecode-platform/prod" },
    });
    for (const { object } of objects) {
      const ns = (object.metadata as { name: string }).name;
      if (object.kind === "Namespace" && ns.startsWith("ws-")) where.set(ns.slice(3), [...(where.get(ns.slice(3)) ?? []), shard]);
    }
    // A shard deploys workspaces only: no platform service, no second Authelia.
    expect(objects.filter((o) => !String((o.object.metadata as { namespace?: string; name: string }).namespace ?? (o.object.metadata as { name: string }).name).startsWith("ws-"))).toEqual([]);
  }
  return where;
}

describe("workspace shards", () => {
  it("place every user in exactly one shard, stably when users are added", async () => {
    const before = names(30);
    const first = await placement(usersFile(before));
    expect([...first.keys()].sort()).toEqual(before);
    for (const [user, shards] of first) expect(shards).toEqual([shardOf(user, SHARDS)]);
    expect(new Set([...first.values()].map((s) => s[0])).size).toBe(SHARDS); // every shard gets someone

    const after = await placement(usersFile([...before, ...names(15, 30)]));
    for (const user of before) expect(after.get(user)).toEqual(first.get(user));
    expect(after.size).toBe(45);
  });

  it("the platform role deploys no workspace", async () => {
    const { objects } = await render({ stack: "prod", usersFile: usersFile(names(3)), overrides: { role: "platform" } });
    expect(objects.some((o) => String((o.object.metadata as { namespace?: string }).namespace ?? "").startsWith("ws-"))).toBe(false);
    expect(objects.some((o) => o.object.kind === "Deployment" && (o.object.metadata as { name: string }).name === "authelia")).toBe(true);
  });

  it("refuses a shard outside the count and a shard without its platform stack", async () => {
    const file = usersFile(names(1));
    await expect(render({ stack: "prod", usersFile: file, overrides: { role: "workspaces", shardCount: "3", shard: "3", platformStack: "o/p/s" } })).rejects.toThrow(
      'config key "vibecode-platform:shard": must be below shardCount (3)',
    );
    await expect(render({ stack: "prod", usersFile: file, overrides: { role: "workspaces" } })).rejects.toThrow(
      'config key "vibecode-platform:platformStack": is required with role workspaces',
    );
  });
});
