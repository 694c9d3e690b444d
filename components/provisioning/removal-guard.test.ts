import { unsafeRemovals } from "./removal-guard";

describe("unsafeRemovals", () => {
  const file = "stacks/dev/users.yaml";
  const key = "vibecode-platform:purgeUsers";

  it.each([
    ["first deployment", { usersWithData: [], usersPurgeable: [] }, ["alice"], []],
    ["nobody removed", { usersWithData: ["alice", "bob"], usersPurgeable: [] }, ["alice", "bob"], []],
    ["user added", { usersWithData: ["alice"], usersPurgeable: [] }, ["alice", "bob"], []],
    ["removal prepared by purgeUsers", { usersWithData: ["alice", "bob"], usersPurgeable: ["bob"] }, ["alice"], []],
    ["unprepared removal", { usersWithData: ["alice", "bob"], usersPurgeable: [] }, ["alice"], ["bob"]],
    ["two unprepared, one prepared", { usersWithData: ["a", "b", "c"], usersPurgeable: ["b"] }, [], ["a", "c"]],
  ])("%s", (_name, previous, current, refused) => {
    const problems = unsafeRemovals(previous, current, file, key);
    expect(problems.map((p) => /user "([^"]+)"/.exec(p)![1])).toEqual(refused);
  });

  it("says how to suspend instead and how to purge on purpose", () => {
    const [message] = unsafeRemovals({ usersWithData: ["carol"], usersPurgeable: [] }, [], file, key);
    expect(message).toBe(
      'stacks/dev/users.yaml: user "carol" was removed from the file, but their home volume is protected and nothing was deleted.\n' +
        '  To stop their workspace and keep their files: put "carol" back with `enabled: false`.\n' +
        '  To delete their files on purpose: put "carol" back, add it to the list in config `vibecode-platform:purgeUsers`, run `pulumi up`;\n' +
        '  then remove "carol" from the users file and from `vibecode-platform:purgeUsers` and run `pulumi up` again.',
    );
  });
});
