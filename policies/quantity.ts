/**
 * Resource quantities for the rules, on top of the project's parser (`components/kubernetes/quantity.ts`,
 * `parseQuantity(q: string): number`), which implements apimachinery's grammar (`100m`, `1.5Gi`, `2e3`…).
 *
 * That parser converts each quantity to the correctly rounded double, so equal quantities written differently
 * (`100m` and `0.1`, `1Gi` and `1024Mi`) compare equal. Sums of many quotas accumulate rounding error
 * (a thousand `100m` add up to 100.00000000000007), so comparisons allow a relative tolerance of 1e-12 — far
 * below the smallest step a quantity can take relative to its size in practice (one nano-unit of a 1,000-unit
 * value is 1e-12 of it), and far above double rounding.
 */
import { parseQuantity } from "../components/kubernetes/quantity";

export { parseQuantity };

/** The value of a quantity given as a string (or as a YAML number), or undefined when it is not a quantity. */
export function quantityValue(value: unknown): number | undefined {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== "string") return undefined;
  try {
    return parseQuantity(text);
  } catch {
    return undefined;
  }
}

const RELATIVE_TOLERANCE = 1e-12;

/** Negative, zero or positive as `a` is less than, equal to (within tolerance) or greater than `b`. */
export function compareQuantities(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  if (Math.abs(a - b) <= scale * RELATIVE_TOLERANCE) return 0;
  return a < b ? -1 : 1;
}

/** A readable rendering for messages (`12.5`, `4294967296`). */
export function formatQuantity(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}
