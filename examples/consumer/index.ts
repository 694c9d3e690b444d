// A team's own Pulumi program reusing the VibeCode components (compiled against the packed package in the tests).
import * as pulumi from "@pulumi/pulumi";
import { CodeServerWorkspace, DEFAULT_TIERS, type CodeServerWorkspaceArgs } from "@vibecode/platform";

const config = new pulumi.Config();

const args: CodeServerWorkspaceArgs = {
  username: config.require("username"),
  domain: config.require("domain"),
  tier: DEFAULT_TIERS.medium,
  tierName: "medium",
  storageClassName: config.get("storageClass"),
};

const workspace = new CodeServerWorkspace(args.username, args);

export const url = workspace.url;
export const namespace = workspace.namespace;
