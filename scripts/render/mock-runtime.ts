/**
 * Runs a Pulumi program under Pulumi's own mock runtime and records every resource it registers, with the
 * options the engine would see (parent, protect, retainOnDelete, dependencies). The offline render and the unit
 * tests share it, so both see exactly what `pulumi up` would ask the engine for.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as rpc from "@pulumi/pulumi/runtime/rpc";

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
}

/** A secret as the mock runtime hands it over. */
export interface SecretValue {
  value: unknown;
}

/** True when `v` is a value Pulumi marked secret. */
export function isSecretValue(v: unknown): v is SecretValue {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig;
}

/** Deterministic outputs for resources whose real outputs come from a provider (e.g. random values). */
function mockOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type.startsWith("random:index/")) {
    // Fake, clearly non-production "random" results, stable across renders.
    const fake = `mock-${name}-${type.split(":").pop()}`.replace(/[^A-Za-z0-9-]/g, "-");
    return { ...inputs, result: fake, hex: Buffer.from(fake).toString("hex"), b64Std: Buffer.from(fake).toString("base64") };
  }
  return inputs;
}

class RecordingMonitor extends MockMonitor {
  readonly recorded: RecordedResource[] = [];

  constructor() {
    super({
      newResource: (args: pulumi.runtime.MockResourceArgs) => ({
        id: args.custom ? `${args.name}-id` : undefined,
        state: mockOutputs(args.type, args.name, args.inputs),
      }),
      call: (args: pulumi.runtime.MockCallArgs) => {
        throw new Error(`offline render: function ${args.token} cannot be called without a cluster`);
      },
    });
  }

  override async registerResource(req: any, callback: (err: any, res: any) => void): Promise<void> {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    this.recorded.push({
      // MockMonitor's own URN scheme, so parents recorded here match the URNs it hands out.
      urn: (this as unknown as { newUrn(p: string, t: string, n: string): string }).newUrn(parent, type, name),
      type,
      name,
      parent: parent || undefined,
      custom: req.getCustom(),
      inputs: rpc.deserializeProperties(req.getObject()),
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      dependsOn: [...req.getDependenciesList()].sort(),
    });
    return super.registerResource(req, callback);
  }
}

/**
 * Runs `program` under the mock runtime and returns every resource it registered. Throws what the program
 * throws. Runs are sequential: Pulumi's runtime state is process-wide.
 */
export async function runUnderMocks(program: () => unknown, options: MockRunOptions): Promise<MockRun> {
  const monitor = new RecordingMonitor();
  settings.setMockOptions(monitor, options.project, options.stack, false, "organization");
  const state = (await import("@pulumi/pulumi/runtime/state")).getStore();
  state.supportsSecrets = true;
  state.supportsResourceReferences = true;
  state.supportsOutputValues = false;
  state.supportsDeletedWith = true;
  state.supportsAliasSpecs = true;
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
  await program();
  await settings.waitForRPCs();
  return { resources: monitor.recorded };
}
