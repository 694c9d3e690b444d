/**
 * The guard that keeps a person's files when they disappear from the users file.
 *
 * Volumes and namespaces are Pulumi-protected, so the engine would refuse their deletion anyway — but with a
 * message about Pulumi state, not about people. Before anything is planned, this guard reads what the previous
 * deployment of the same stack recorded (stack outputs {@link USERS_WITH_DATA_OUTPUT} and
 * {@link USERS_PURGEABLE_OUTPUT}) and refuses a removal that was not prepared as a purge, saying how to suspend
 * instead or how to purge on purpose.
 */
import * as pulumi from "@pulumi/pulumi";

/** Stack output: every username whose workspace data exists after this deployment. */
export const USERS_WITH_DATA_OUTPUT = "usersWithData";
/** Stack output: usernames whose data protection was lifted by `purgeUsers` in this deployment. */
export const USERS_PURGEABLE_OUTPUT = "usersPurgeable";

/** What the previous deployment of the stack recorded. */
export interface PreviousDeployment {
  usersWithData: string[];
  usersPurgeable: string[];
}

/** Reads the previous deployment's record through a StackReference to the stack itself (empty on the first run). */
export async function readPreviousDeployment(stackName: string, opts?: pulumi.CustomResourceOptions): Promise<PreviousDeployment> {
  const self = new pulumi.StackReference("previous-deployment", { name: stackName }, opts);
  const list = async (output: string): Promise<string[]> => {
    const details = await self.getOutputDetails(output);
    const value = details.value ?? details.secretValue;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  };
  return { usersWithData: await list(USERS_WITH_DATA_OUTPUT), usersPurgeable: await list(USERS_PURGEABLE_OUTPUT) };
}

/**
 * Problems (one per person) for users that had data in the previous deployment, are gone from the file now,
 * and were not made purgeable by the previous deployment. Empty when the removal is safe.
 */
export function unsafeRemovals(previous: PreviousDeployment, currentUsers: readonly string[], usersFile: string, configKey: string): string[] {
  const current = new Set(currentUsers);
  const purgeable = new Set(previous.usersPurgeable);
  return [...new Set(previous.usersWithData)]
    .filter((u) => !current.has(u) && !purgeable.has(u))
    .sort()
    .map(
      (u) =>
        `${usersFile}: user "${u}" was removed from the file, but their home volume is protected and nothing was deleted.\n` +
        `  To stop their workspace and keep their files: put "${u}" back with \`enabled: false\`.\n` +
        `  To delete their files on purpose: put "${u}" back, add it to the list in config \`${configKey}\`, run \`pulumi up\`;\n` +
        `  then remove "${u}" from the users file and from \`${configKey}\` and run \`pulumi up\` again.`,
    );
}
