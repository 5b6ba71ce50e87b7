// The supervisor's restart policy: capped exponential backoff and when a run of failures is a crash loop.
import { describe, expect, it } from "vitest";
import { BACKOFF, isCrashLoop, restartDelay } from "../../src/runtime/backoff.js";

describe("restart backoff", () => {
  it("doubles from the first delay with each failure in a row, up to the cap", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelay(n));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(restartDelay(100)).toBe(BACKOFF.maxMs);
  });

  it("treats a count below one as the first failure", () => {
    expect(restartDelay(0)).toBe(BACKOFF.firstMs);
  });

  it("calls three failures in a row a crash loop, not fewer", () => {
    expect([1, 2, 3, 4].map((n) => isCrashLoop(n))).toEqual([false, false, true, true]);
  });
});
