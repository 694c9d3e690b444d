/**
 * Runs a Pulumi program under Pulumi's own mock runtime and records every resource it registers, with the
 * options the engine would see (parent, protect, retainOnDelete, dependencies). The offline render and the unit
 * tests share it, so both see exactly what `pulumi up` would ask the engine for.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as state from "@pulumi/pulumi/runtime/state";

/** One registered resource, as the engine would receive it. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource; undefined at the top. */
  parent?: string;
  /** `true` for custom (provider) resources, `false` for components. */
  custom: boolean;
  /** Inputs; secret inputs keep Pulumi's secret wrapper so callers can mask them (see {@link isSecretValue}). */
  inputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  dependsOn: string[];
  /** `true` for a resource the program reads (e.g. a StackReference) rather than manages. */
  read: boolean;
}

/** What the program left behind. */
export interface MockRun {
  resources: RecordedResource[];
}

/** Options of one mock run. */
export interface MockRunOptions {
  project: string;
  stack: string;
  /** Stack config as Pulumi passes it: fully-qualified keys (`project:key`) to string values. */
  config?: Record<string, string>;
  /** Keys of `config` that are secrets. */
  secretKeys?: string[];
  /** Outputs a StackReference to each named stack returns (a previous deployment); none by default. */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

/** A secret as the mock runtime hands it over. */
export interface SecretValue {
  value: unknown;
}

/** True when `v` is a value Pulumi marked secret. */
export function isSecretValue(v: unknown): v is SecretValue {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig;
}

const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A well-formed, deterministic stand-in for the bcrypt digest the random provider would compute. */
function fakeBcrypt(seed: string): string {
  const bytes = createHash("sha512").update(seed).digest();
  let body = "";
  for (let i = 0; i < 53; i++) body += BCRYPT_ALPHABET[bytes[i % bytes.length]! % 64];
  return `$2a$10$${body}`;
}

/** Deterministic outputs for resources whose real outputs come from a provider (e.g. random values). */
function mockOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  stackOutputs: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  if (type === "pulumi:pulumi:StackReference") {
    // Offline there is no previous deployment unless a test supplies one.
    const stackName = String(inputs.name);
    return { ...inputs, outputs: stackOutputs[stackName] ?? {}, secretOutputNames: [] };
  }
  if (type.startsWith("random:index/")) {
    // Fake, clearly non-production "random" results, stable across renders.
    const fake = `mock-${name}-${type.split(":").pop()}`.replace(/[^A-Za-z0-9-]/g, "-");
    return { ...inputs, result: fake, hex: Buffer.from(fake).toString("hex"), b64Std: Buffer.from(fake).toString("base64"), bcryptHash: fakeBcrypt(fake) };
  }
  return inputs;
}

class RecordingMonitor extends MockMonitor {
  readonly recorded: RecordedResource[] = [];

  /** The record the monitor is registering right now; MockMonitor calls `newResource` synchronously for it. */
  private current: RecordedResource | undefined;

  constructor(stackOutputs: Record<string, Record<string, unknown>>) {
    super({
      newResource: (args: pulumi.runtime.MockResourceArgs) => {
        // Reuse the inputs MockMonitor already deserialized instead of decoding the request a second time.
        if (this.current) this.current.inputs = args.inputs;
        this.current = undefined;
        return {
          id: args.custom ? (args.id || `${args.name}-id`) : undefined,
          state: mockOutputs(args.type, args.name, args.inputs, stackOutputs),
        };
      },
      call: (args: pulumi.runtime.MockCallArgs) => {
        throw new Error(`offline render: function ${args.token} cannot be called without a cluster`);
      },
    });
  }

  override async registerResource(req: any, callback: (err: any, res: any) => void): Promise<void> {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    const record: RecordedResource = {
      urn: this.urnOf(parent, type, name),
      type,
      name,
      parent: parent || undefined,
      custom: req.getCustom(),
      inputs: {},
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      dependsOn: [...req.getDependenciesList()].sort(),
      read: false,
    };
    this.recorded.push(record);
    this.current = record;
    return super.registerResource(req, callback);
  }

  override async readResource(req: any, callback: (err: any, res: any) => void): Promise<void> {
    const parent: string = req.getParent();
    this.recorded.push({
      urn: this.urnOf(parent, req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      parent: parent || undefined,
      custom: true,
      inputs: {},
      protect: false,
      retainOnDelete: false,
      dependsOn: [...req.getDependenciesList()].sort(),
      read: true,
    });
    this.current = this.recorded[this.recorded.length - 1];
    return super.readResource(req, callback);
  }

  private urnOf(parent: string, type: string, name: string): string {
    // MockMonitor's own URN scheme, so parents recorded here match the URNs it hands out.
    return (this as unknown as { newUrn(p: string, t: string, n: string): string }).newUrn(parent, type, name);
  }
}

/**
 * Runs `program` under the mock runtime and returns every resource it registered. Throws what the program
 * throws. Runs are sequential: Pulumi's runtime state is process-wide.
 */
export async function runUnderMocks(program: () => unknown, options: MockRunOptions): Promise<MockRun> {
  const monitor = new RecordingMonitor(options.stackOutputs ?? {});
  settings.setMockOptions(monitor, options.project, options.stack, false, "organization");
  // The same feature set as pulumi.runtime.setMocks (which we cannot use: it builds its own monitor).
  const store = (state as unknown as { getStore(): Record<string, boolean> }).getStore();
  store.supportsSecrets = true;
  store.supportsResourceReferences = true;
  store.supportsOutputValues = false;
  store.supportsDeletedWith = true;
  store.supportsAliasSpecs = true;
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
  await program();
  // Wait until every registration the program started has reached the monitor (internal, but what disconnect uses).
  await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { resources: monitor.recorded };
}
