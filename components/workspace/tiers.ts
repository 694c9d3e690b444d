/**
 * Resource presets for workspaces. A user's `tier` in the users file picks one; the stack config may redefine them.
 *
 * Requests are what the scheduler reserves for an idle workspace, so they stay low enough to pack many workspaces
 * on a node; limits are what a real build may burst to. Quantities use Kubernetes syntax ("250m", "4Gi").
 */
export interface WorkspaceTier {
  /** CPU reserved for the workspace container (scheduling guarantee). */
  readonly cpuRequest: string;
  /** CPU the workspace container may burst to. */
  readonly cpuLimit: string;
  /** Memory reserved for the workspace container. */
  readonly memoryRequest: string;
  /** Memory ceiling; above it the container is OOM-killed (and restarted, data kept). */
  readonly memoryLimit: string;
  /** Size of the home volume unless the user has a `storage` override. */
  readonly storage: string;
  /** With idle culling on: seconds without a heartbeat before the pod is stopped (≥ 300). Default: the idle timeout. */
  readonly idleAfterSeconds?: number;
  /** Workspace image for this tier (e.g. one with more tools); wins over the fleet-wide image. Default: unset. */
  readonly image?: string;
}

/** The presets used when the stack config defines no `tiers`. */
export const DEFAULT_TIERS: Readonly<Record<string, WorkspaceTier>> = {
  small: { cpuRequest: "100m", cpuLimit: "1", memoryRequest: "512Mi", memoryLimit: "2Gi", storage: "10Gi" },
  medium: { cpuRequest: "250m", cpuLimit: "2", memoryRequest: "1Gi", memoryLimit: "4Gi", storage: "20Gi" },
  large: { cpuRequest: "500m", cpuLimit: "4", memoryRequest: "2Gi", memoryLimit: "8Gi", storage: "50Gi" },
};

/** Tier used for users without a `tier` key unless the stack config names another. */
export const DEFAULT_TIER_NAME = "small";
