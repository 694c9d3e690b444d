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

/**
 * What the SDK reads from a RegisterResourceResponse (runtime/resource.js): the URN, the ID, the output object (a
 * protobuf Struct it only calls `toJavaScript()` on), property dependencies and the result code.
 */
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
  getPropertydependenciesMap(): undefined;
  getResult(): number;
}

/** A request's properties: as serialized on the wire, and decoded (secrets keep Pulumi's wrapper). */
interface DecodedInputs {
  serialized: Record<string, unknown>;
  value: Record<string, unknown>;
}

/**
 * MockMonitor with every registration recorded, and a leaner registration path than MockMonitor's own: the
 * inputs are decoded once, a resource whose outputs are its inputs answers with the request's own serialized
 * object (MockMonitor re-serializes the decoded copy and builds a new protobuf Struct from it), and no state is
 * kept per resource (MockMonitor keeps a serialized copy of every output for `getResource`, which a render never
 * invokes). The SDK sees the same values either way, with fewer copies to make and keep.
 */
class RecordingMonitor extends MockMonitor {
  readonly recorded: RecordedResource[] = [];
  private readonly registered = new Set<string>();

  constructor(private readonly stackOutputs: Record<string, Record<string, unknown>>) {
    super({
      newResource: () => {
        throw new Error("offline render: RecordingMonitor registers resources itself");
      },
      call: (args: pulumi.runtime.MockCallArgs) => {
        throw new Error(`offline render: function ${args.token} cannot be called without a cluster`);
      },
    });
  }

  override async registerResource(req: any, callback: (err: any, res: any) => void): Promise<void> {
    try {
      const custom: boolean = req.getCustom();
      const { urn, inputs } = this.record(req, req.getObject(), {
        custom,
        protect: req.getProtect() ?? false,
        retainOnDelete: req.getRetainondelete() ?? false,
        read: false,
      });
      const object = await this.encodeState(req.getType(), req.getName(), inputs);
      const id = custom ? req.getImportid() || `${req.getName()}-id` : "";
      const response: RegisterResponse = {
        getUrn: () => urn,
        getId: () => id,
        getObject: () => ({ toJavaScript: () => object }),
        getPropertydependenciesMap: () => undefined,
        getResult: () => 0, // SUCCESS
      };
      callback(null, response);
    } catch (err) {
      callback(err, undefined);
    }
  }

  override registerResourceOutputs(req: any, callback: (err: any, res: any) => void): void {
    // Component outputs are not part of a render; only check the component was registered, as MockMonitor does.
    if (!this.registered.has(req.getUrn())) callback(new Error(`unknown resource ${req.getUrn()}`), undefined);
    else callback(null, {});
  }

  override async readResource(req: any, callback: (err: any, res: any) => void): Promise<void> {
    try {
      const { urn, inputs } = this.record(req, req.getProperties(), { custom: true, protect: false, retainOnDelete: false, read: true });
      const properties = await this.encodeState(req.getType(), req.getName(), inputs);
      // What the SDK reads from a ReadResourceResponse: the URN and the properties (a Struct it only decodes).
      callback(null, { getUrn: () => urn, getProperties: () => ({ toJavaScript: () => properties }) });
    } catch (err) {
      callback(err, undefined);
    }
  }

  /** Records one registration or read, with its inputs decoded once from the request's property Struct. */
  private record(
    req: any,
    struct: { toJavaScript(): Record<string, unknown> },
    options: Pick<RecordedResource, "custom" | "protect" | "retainOnDelete" | "read">,
  ): { urn: string; inputs: DecodedInputs } {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    const urn = this.urnOf(parent, type, name);
    const inputs = this.decode(struct);
    this.recorded.push({ urn, type, name, parent: parent || undefined, inputs: inputs.value, dependsOn: [...req.getDependenciesList()].sort(), ...options });
    this.registered.add(urn);
    return { urn, inputs };
  }

  /** Decodes a request's property Struct once; keeps the serialized form for answering with it unchanged. */
  private decode(struct: { toJavaScript(): Record<string, unknown> }): DecodedInputs {
    const serialized = struct.toJavaScript();
    const value: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(serialized)) {
      if (v !== undefined) value[key] = rpc.deserializeProperty(v);
    }
    return { serialized, value };
  }

  /** The serialized outputs: the request's own object when the outputs are the inputs, else freshly serialized. */
  private async encodeState(type: string, name: string, inputs: DecodedInputs): Promise<Record<string, unknown>> {
    const state = mockOutputs(type, name, inputs.value, this.stackOutputs);
    return state === inputs.value ? inputs.serialized : ((await rpc.serializeProperties("", state)) as Record<string, unknown>);
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
