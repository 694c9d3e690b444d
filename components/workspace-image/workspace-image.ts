/**
 * The VibeCode workspace image (infra/images/code-server), built with `@pulumi/docker-build` (BuildKit).
 *
 * - prod (`push: true`): built for linux/amd64 and pushed to `repository`; {@link WorkspaceImage.imageRef} is the
 *   digest-pinned reference (`repo:tag@sha256:…`), so a pod never runs a tag that moved.
 * - dev (`push: false`): built, loaded into the local Docker engine (`load: true`), then copied into the KIND nodes
 *   with `kind load docker-image`; {@link WorkspaceImage.imageRef} is the local tag, available only after the load.
 *
 * The tag is content-addressed (`<code-server tag>-<hash of the build context and build args>`), so a changed
 * Dockerfile or setting changes the pod spec and rolls the workspaces, also in dev where there is no digest.
 *
 * No secret is a build argument: the Anthropic API key reaches the pod at run time ({@link aiAssistantEnv}).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as dockerBuild from "@pulumi/docker-build";
import * as command from "@pulumi/command";
import { versions, workspaceImageVersions } from "../versions";

/**
 * The image's build context in this repository: `infra/images/code-server`, found from the sources
 * (components/workspace-image) or from the compiled output (dist/components/workspace-image).
 */
export const WORKSPACE_IMAGE_CONTEXT: string =
  [path.resolve(__dirname, "../../infra/images/code-server"), path.resolve(__dirname, "../../../infra/images/code-server")].find((d) =>
    fs.existsSync(path.join(d, "Dockerfile")),
  ) ?? path.resolve(__dirname, "../../infra/images/code-server");

/** Arguments of {@link WorkspaceImage}. All plain serializable inputs (no unions, no functions). */
export interface WorkspaceImageArgs {
  /** Image repository without tag, e.g. `ghcr.io/acme/vibecode-code-server` (dev: any local name). */
  repository: string;
  /** Push to the registry (prod). Default `false` (dev: load into KIND instead). */
  push?: boolean;
  /** Registry host for the credentials, e.g. `ghcr.io`. Default: the host part of `repository`. */
  registry?: string;
  /** Registry user name (stored as a secret). Required with `registryPassword`. */
  registryUsername?: pulumi.Input<string>;
  /** Registry password or token (stored as a secret). */
  registryPassword?: pulumi.Input<string>;
  /** KIND cluster to load the image into when not pushing. Default `vibecode`. Empty string: do not load. */
  kindClusterName?: string;
  /** Build context directory. Default: infra/images/code-server of this repository. */
  context?: string;
  /** code-server base image tag. Default: `versions.codeServer.tag`. */
  codeServerTag?: string;
  /** Open VSX version of `anthropic.claude-code`. Default: `workspaceImageVersions.claudeCodeExtension.version`. */
  claudeCodeVersion?: string;
  /** Further extensions, space-separated `publisher.name@version`. Default: none. */
  extraExtensions?: string;
  /** Explicit tag instead of the content-addressed one. */
  tag?: string;
}

/** Build arguments of the Dockerfile (exported for tests: nothing secret may ever be among them). */
export function workspaceImageBuildArgs(args: WorkspaceImageArgs): Record<string, string> {
  return {
    CODE_SERVER_TAG: args.codeServerTag ?? versions.codeServer.tag,
    CLAUDE_CODE_VERSION: args.claudeCodeVersion ?? workspaceImageVersions.claudeCodeExtension.version,
    EXTRA_EXTENSIONS: args.extraExtensions ?? "",
  };
}

/** sha256 over every file of `dir` (sorted relative paths and contents) and the build args; 12 hex digits. */
export function contextHash(dir: string, buildArgs: Record<string, string>): string {
  const h = createHash("sha256");
  const walk = (rel: string): void => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const r = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) h.update(`${r}\0`).update(fs.readFileSync(path.join(dir, r))).update("\0");
    }
  };
  walk("");
  for (const k of Object.keys(buildArgs).sort()) h.update(`${k}=${buildArgs[k]}\0`);
  return h.digest("hex").slice(0, 12);
}

/** Host part of an image repository (`ghcr.io/acme/x` → `ghcr.io`; `acme/x` → `docker.io`). */
export function registryHost(repository: string): string {
  const first = repository.split("/")[0]!;
  return repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

/**
 * The container env entry that hands the Anthropic API key to Claude Code at run time, from a Kubernetes Secret
 * (per user or shared). `optional: true`: without the Secret the pod still starts and the extension asks the
 * person to sign in instead.
 */
export function aiAssistantEnv(secretName: string, key: string): {
  name: "ANTHROPIC_API_KEY";
  valueFrom: { secretKeyRef: { name: string; key: string; optional: true } };
} {
  return { name: "ANTHROPIC_API_KEY", valueFrom: { secretKeyRef: { name: secretName, key, optional: true } } };
}

/** The workspace image: a docker-build Image, plus a `kind load` in dev. */
/**
 * The `repository:tag` a {@link WorkspaceImage} with these args builds, known before the build (the tag hashes the
 * build files), so workspaces can name it in their plain pod specs.
 */
export function workspaceImageRef(args: WorkspaceImageArgs): string {
  const buildArgs = workspaceImageBuildArgs(args);
  return `${args.repository}:${args.tag ?? `${buildArgs.CODE_SERVER_TAG}-${contextHash(args.context ?? WORKSPACE_IMAGE_CONTEXT, buildArgs)}`}`;
}

export class WorkspaceImage extends pulumi.ComponentResource {
  /** Reference for the pod spec: digest-pinned when pushed; the loaded local tag in dev. */
  public readonly imageRef: pulumi.Output<string>;
  /** The tag that was built (`repository:tag`). */
  public readonly taggedRef: pulumi.Output<string>;

  constructor(name: string, args: WorkspaceImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vibecode:workspace:WorkspaceImage", name, {}, opts);
    const push = args.push ?? false;
    const context = args.context ?? WORKSPACE_IMAGE_CONTEXT;
    const buildArgs = workspaceImageBuildArgs(args);
    const ref = workspaceImageRef(args);
    if (push && (args.registryUsername === undefined) !== (args.registryPassword === undefined)) {
      throw new Error(`WorkspaceImage ${name}: set both registryUsername and registryPassword, or neither`);
    }
    const registries =
      push && args.registryPassword !== undefined
        ? [
            {
              address: args.registry ?? registryHost(args.repository),
              username: pulumi.secret(args.registryUsername!),
              password: pulumi.secret(args.registryPassword),
            },
          ]
        : undefined;

    const image = new dockerBuild.Image(
      `${name}-image`,
      {
        context: { location: context },
        dockerfile: { location: path.join(context, "Dockerfile") },
        platforms: [dockerBuild.Platform.Linux_amd64],
        buildArgs,
        tags: [ref],
        push,
        // dev: into the local engine, from where `kind load` copies it into the nodes.
        load: !push,
        registries,
        // A preview needs no Docker engine and never pushes.
        buildOnPreview: false,
      },
      { parent: this },
    );

    const kindCluster = args.kindClusterName ?? "vibecode";
    if (!push && kindCluster !== "") {
      const load = new command.local.Command(
        `${name}-kind-load`,
        {
          create: `kind load docker-image ${ref} --name ${kindCluster}`,
          // Reload whenever the build produced a different image.
          triggers: [image.digest],
        },
        { parent: this, dependsOn: [image] },
      );
      this.imageRef = load.id.apply(() => ref);
    } else if (push) {
      this.imageRef = image.ref;
    } else {
      this.imageRef = image.digest.apply(() => ref);
    }
    this.taggedRef = pulumi.output(ref);
    this.registerOutputs({ imageRef: this.imageRef, taggedRef: this.taggedRef });
  }
}
