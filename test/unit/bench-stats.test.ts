import { describe, expect, it } from "vitest";
import { median, percentile, ratio } from "../../src/bench/stats.js";

describe("bench statistics", () => {
  it("percentiles interpolate between ranks", () => {
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20], 99)).toBeCloseTo(19.9);
    expect(median([5, 1, 3])).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });
  it("ratios are rounded to two decimals", () => {
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(1.1, 1)).toBe(1.1);
  });
});
