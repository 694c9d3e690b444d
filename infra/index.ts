// Pulumi entry point (Pulumi.yaml `main`). The program itself lives in stacks/platform.ts; its outputs become the
// stack outputs (workspaceUrls, usersWithData, usersPurgeable).
import { runStackProgram } from "../stacks/platform";

export = async () => ({ ...(await runStackProgram()) });
