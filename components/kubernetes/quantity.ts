/**
 * Kubernetes `resource.Quantity` strings ("20Gi", "500m", "1e3") as plain numbers.
 *
 * Grammar (k8s.io/apimachinery/pkg/api/resource/quantity.go):
 * ```
 * quantity        ::= signedNumber suffix
 * signedNumber    ::= number | "+" number | "-" number
 * number          ::= digits | digits "." | digits "." digits | "." digits
 * suffix          ::= binarySI | decimalExponent | decimalSI
 * binarySI        ::= Ki | Mi | Gi | Ti | Pi | Ei
 * decimalSI       ::= n | u | m | "" | k | M | G | T | P | E
 * decimalExponent ::= "e" signedInteger | "E" signedInteger
 * ```
 * The official grammar lists only `m` below one, but the Go parser also accepts `n` and `u`, so we do too.
 * "1E" is one exa (suffix), "1E3" is one thousand (exponent): the exponent form needs digits.
 */

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?\d+)|(n|u|m|k|M|G|T|P|E)?)$/;

/** Powers of two for the binary suffixes. */
const BINARY_EXPONENT: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** Powers of ten for the decimal suffixes ("" = 10^0). */
const DECIMAL_EXPONENT: Readonly<Record<string, number>> = {
  n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18,
};

/**
 * Parses a Kubernetes quantity into a number (bytes for memory/storage quantities, cores for CPU).
 *
 * @throws Error when `q` is not a quantity (whitespace, unknown suffix such as "GB", empty string) or when its value
 *   does not fit in a finite double (e.g. "1e400").
 */
export function parseQuantity(q: string): number {
  if (typeof q !== "string") throw new Error(`not a Kubernetes quantity: expected a string, got ${typeof q}`);
  const m = QUANTITY.exec(q);
  if (!m) {
    throw new Error(`"${q}" is not a Kubernetes quantity (examples: 512Mi, 20Gi, 1.5, 500m, 1e3)`);
  }
  const [, num, binary, exponent, decimal] = m as unknown as [string, string, string?, string?, string?];
  let value: number;
  if (binary !== undefined) {
    // Scaling by a power of two is exact in floating point, unlike multiplying by 1.024e9-style constants.
    value = Number(num) * 2 ** BINARY_EXPONENT[binary]!;
  } else {
    // Let Number() do one correctly rounded conversion of "<num>e<exp>" rather than multiplying (0.3 * 1e3 drifts).
    const exp = exponent !== undefined ? Number(exponent) : DECIMAL_EXPONENT[decimal ?? ""]!;
    value = Number(`${num.endsWith(".") ? num.slice(0, -1) : num}e${exp}`);
  }
  if (!Number.isFinite(value)) throw new Error(`"${q}" is too large to be a Kubernetes quantity`);
  // Normalise -0 ("-0Gi") to 0 so callers comparing with Object.is or printing get "0".
  return value === 0 ? 0 : value;
}

/** True when `q` is a string that {@link parseQuantity} accepts. */
export function isQuantity(q: unknown): q is string {
  if (typeof q !== "string") return false;
  try {
    parseQuantity(q);
    return true;
  } catch {
    return false;
  }
}
