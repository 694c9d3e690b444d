import { isQuantity, parseQuantity } from "./quantity";

describe("parseQuantity", () => {
  const valid: Array<[string, number]> = [
    ["0", 0],
    ["1", 1],
    ["+1", 1],
    ["-1", -1],
    ["1.5", 1.5],
    ["1.", 1],
    [".5", 0.5],
    ["-0", 0],
    ["0Gi", 0],
    ["100n", 100e-9],
    ["100u", 100e-6],
    ["500m", 0.5],
    ["1k", 1000],
    ["1M", 1e6],
    ["1G", 1e9],
    ["1T", 1e12],
    ["1P", 1e15],
    ["1E", 1e18], // "E" alone is the exa suffix, not an exponent
    ["0.3k", 300], // no floating-point drift
    ["1Ki", 1024],
    ["1Mi", 1024 ** 2],
    ["20Gi", 20 * 1024 ** 3],
    ["1.5Gi", 1.5 * 1024 ** 3],
    [".5Gi", 512 * 1024 ** 2],
    ["1Ti", 1024 ** 4],
    ["1Pi", 1024 ** 5],
    ["1Ei", 1024 ** 6],
    ["1e3", 1000],
    ["1E3", 1000],
    ["1e+3", 1000],
    ["1e-3", 0.001],
    ["1.5e3", 1500],
    ["-1.5e3", -1500],
    ["12e0", 12],
  ];
  test.each(valid)("%s = %d", (q, expected) => {
    expect(parseQuantity(q)).toBe(expected);
    expect(isQuantity(q)).toBe(true);
  });

  const invalid: string[] = [
    "",
    " ",
    " 1Gi",
    "1Gi ",
    "1 Gi",
    "Gi",
    ".",
    "-",
    "+",
    "1GB",
    "1gi",
    "1GiB",
    "1KI",
    "1K", // kilo is lower-case k
    "1mi",
    "1e",
    "1e3.5",
    "1e3k",
    "1.2.3",
    "0x10",
    "1_000",
    "1,5",
    "--1",
    "1Gi1",
    "NaN",
    "Infinity",
    "1e400", // does not fit in a double
    "٣", // non-ASCII digits
  ];
  test.each(invalid)("rejects %j", (q) => {
    expect(() => parseQuantity(q)).toThrow(/Kubernetes quantity/);
    expect(isQuantity(q)).toBe(false);
  });

  test("isQuantity rejects non-strings", () => {
    for (const v of [undefined, null, 1, true, {}, ["1Gi"]]) expect(isQuantity(v)).toBe(false);
  });

  test("binary suffixes compare as expected", () => {
    expect(parseQuantity("1Gi")).toBeLessThan(parseQuantity("1025Mi"));
    expect(parseQuantity("1024Gi")).toBe(parseQuantity("1Ti"));
    expect(parseQuantity("1G")).toBeLessThan(parseQuantity("1Gi"));
  });
});
