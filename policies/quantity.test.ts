import { compareQuantities, formatQuantity, quantityValue } from "./quantity";

// The grammar itself is tested with its parser (components/kubernetes/quantity.test.ts); these cases cover what the
// rules add: YAML numbers, comparisons of different notations, and sums.
describe("quantities for the rules", () => {
  it.each<[unknown, number | undefined]>([
    ["100m", 0.1],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["2e3", 2000],
    [0.5, 0.5],
    [3, 3],
    ["1.5 GB", undefined],
    ["", undefined],
    [null, undefined],
    [{}, undefined],
    [Number.NaN, undefined],
  ])("quantityValue(%j)", (value, expected) => {
    expect(quantityValue(value)).toBe(expected);
  });

  it.each<[string, string, number]>([
    ["100m", "0.1", 0],
    ["1Gi", "1024Mi", 0],
    ["1Gi", "1G", 1],
    ["999m", "1", -1],
    ["1000001n", "1m", 1],
    ["1e3", "1k", 0],
  ])("compares %s with %s", (a, b, expected) => {
    expect(compareQuantities(quantityValue(a)!, quantityValue(b)!)).toBe(expected);
  });

  it("sums of many quotas compare equal despite floating-point drift", () => {
    let sum = 0;
    for (let i = 0; i < 1000; i++) sum += quantityValue("100m")!;
    expect(sum).not.toBe(100);
    expect(compareQuantities(sum, quantityValue("100")!)).toBe(0);
    expect(compareQuantities(sum, quantityValue("100001m")!)).toBe(-1);
  });

  it("formats totals for messages", () => {
    expect(formatQuantity(4)).toBe("4");
    expect(formatQuantity(0.1 + 0.2)).toBe("0.3");
    expect(formatQuantity(2 ** 33)).toBe("8589934592");
  });
});
