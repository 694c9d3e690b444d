import { runUnderMocks } from "../../scripts/render/mock-runtime";
import { DEFAULT_TIERS } from "../workspace/tiers";
import { WORKSPACES_PER_TURN, WorkspaceFleet, type WorkspaceFleetArgs } from "./workspace-fleet";
import type { WorkspaceUser } from "./users-file";

const people = (n: number): WorkspaceUser[] =>
  // Reverse order on purpose: the fleet registers by username, whatever the file's order.
  Array.from({ length: n }, (_, i) => ({ username: `user${String(n - 1 - i).padStart(3, "0")}`, email: `u${i}@example.com`, enabled: true, groups: [] }));

function fleetArgs(users: WorkspaceUser[]): WorkspaceFleetArgs {
  return { users, tiers: DEFAULT_TIERS, defaultTier: "small", workspace: { domain: "dev.example.com" } };
}

describe("WorkspaceFleet", () => {
  it(`registers every workspace, in username order, when there are more people than one turn's batch (${WORKSPACES_PER_TURN})`, async () => {
    const n = WORKSPACES_PER_TURN * 2 + 3;
    let namespaces: Record<string, string> = {};
    const run = await runUnderMocks(
      () => {
        const fleet = new WorkspaceFleet("workspaces", fleetArgs(people(n)));
        fleet.namespaces.apply((ns) => (namespaces = ns));
      },
      { project: "test", stack: "unit" },
    );
    const workspaces = run.resources.filter((r) => r.type === "vibecode:workspace:CodeServerWorkspace").map((r) => r.name);
    const expected = people(n).map((u) => u.username).sort();
    expect(workspaces).toEqual(expected);
    expect(run.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace")).toHaveLength(n);
    expect(Object.keys(namespaces).sort()).toEqual(expected);
    expect(namespaces.user042).toBe("ws-user042");
  });

  it("refuses an unknown tier in the constructor, before any workspace is registered", async () => {
    const users = people(WORKSPACES_PER_TURN + 5);
    const late = WORKSPACES_PER_TURN + 2; // in a later batch than the first
    users[late] = { ...users[late]!, tier: "huge" };
    let refusal = "";
    const run = await runUnderMocks(
      () => {
        try {
          new WorkspaceFleet("workspaces", fleetArgs(users));
        } catch (err) {
          refusal = (err as Error).message;
        }
      },
      { project: "test", stack: "unit" },
    );
    expect(refusal).toBe(`WorkspaceFleet workspaces: user ${users[late]!.username} has unknown tier "huge"`);
    expect(run.resources.map((r) => r.type)).toEqual(["vibecode:provisioning:WorkspaceFleet"]);
  });
});
