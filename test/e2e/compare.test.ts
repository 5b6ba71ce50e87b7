// `compare <pattern>` through the CLI, every comparison: on Restate the crash fires and the run is consistent; the
// plain Node run is killed at the same step, started again once, and leaves effects behind. A private stack, because
// the Restate side kills the worker (the shared stack's other files would see it die); no broker is needed.
import { describe, expect, it } from "vitest";
import { privateStack } from "../helpers.js";
import { readLedger } from "../../src/services/lib/simulated.js";
import type { CompareReport } from "../../src/compare/run.js";

const s = privateStack(["--no-kafka"]);

const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// what each plain run must have left behind (one line per expectation)
const LEFT_BEHIND: Record<string, RegExp[]> = {
  sagas: [/^flight \w+ reserved, neither confirmed nor cancelled$/, /^car \w+ reserved, neither confirmed nor cancelled$/, /^payment \w+ charged 1500 and never refunded/],
  "payment-signals": [/^a second charge of 109 under a new idempotency key/],
  "message-queue": [/was accepted \(its caller was told so\) but never completed/],
  "user-feed": [/^post \w+ created, never published to the feed$/, /^2 posts created for one record/],
  "stateful-actors": [/^transitions overlapped on /, /instead of UP → DOWN → UP/],
};

describe("compare <pattern>", () => {
  it.each(["sagas", "payment-signals", "message-queue", "user-feed", "stateful-actors"])("%s: consistent on Restate, not without it, with what was left behind", async (pattern) => {
    const r = await s().cli(["compare", pattern, "--json"], { timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as CompareReport;
    expect(out.pattern).toBe(pattern);
    expect({ fired: out.withRestate.crash.fired, consistent: out.withRestate.consistent, leftBehind: out.withRestate.leftBehind, why: out.withRestate.why }).toMatchObject({
      fired: true,
      consistent: true,
      leftBehind: [],
    });
    expect(out.withRestate.crash.workerPidAfter).not.toBe(out.withRestate.crash.workerPidBefore);
    const plain = out.withoutRestate;
    expect(plain.label).toBe("plain Node (no Restate)");
    expect({ fired: plain.crash.fired, consistent: plain.consistent }).toEqual({ fired: true, consistent: false });
    expect(LEFT_BEHIND[pattern]!.filter((re) => !plain.leftBehind.some((l) => re.test(l))).map(String), plain.leftBehind.join("\n")).toEqual([]);
    expect(plain.crash.stepsDone.at(-1)).toBe(plain.crash.step);
    expect(plain.retry.exitCode).toBe(0);
    // both plain processes are gone, and their effects are in the ledger under their own run id only
    expect([plain.crash.pid, plain.retry.pid].filter(alive)).toEqual([]);
    const mine = readLedger(s().stateDir, { run: plain.runId });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.filter((e) => e.pid !== plain.crash.pid && e.pid !== plain.retry.pid)).toEqual([]);
    expect(readLedger(s().stateDir).filter((e) => e.pid === plain.crash.pid || e.pid === plain.retry.pid)).toEqual([]);
  });

  it("a pattern without a comparison: a usage error naming those that have one", async () => {
    const r = await s().cli(["compare", "durable-rpc", "--json"]);
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stdout) as { error: { message: string; fix: string } };
    expect(err.error.message).toBe('no comparison for "durable-rpc"');
    expect(err.error.fix).toContain("sagas, payment-signals, message-queue, user-feed, stateful-actors");
  });
});
