/**
 * Entry point of the multi-language component package (PulumiPlugin.yaml `main`): `pulumi package add <this repo>`
 * serves these components to Python, Go, .NET, Java and YAML programs. Their args are plain, serializable
 * inputs (no unions, no functions) so Pulumi can infer the schema from the TypeScript types.
 */
import * as path from "node:path";
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { Authelia, Cluster, CodeServerWorkspace, Ingress, Postgres, Redis, WorkspaceFleet } from "./index";

/** The components offered to other languages, in the order of the README. */
export const PLUGIN_COMPONENTS = [CodeServerWorkspace, WorkspaceFleet, Cluster, Ingress, Authelia, Postgres, Redis];

if (require.main === module) {
  void componentProviderHost({
    name: "vibecode",
    components: PLUGIN_COMPONENTS,
    // The package root (package.json, tsconfig.json, index.ts), which Pulumi's schema inference reads.
    dirname: path.resolve(__dirname, ".."),
  });
}
