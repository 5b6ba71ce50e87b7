// `compare`'s verdicts, on ledgers written by hand: what counts as consistent for each pattern, what is left behind,
// and the ledger's run ids that keep the plain runs out of the playground's own checks.
import { mkdtempSync, rmSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../src/services/lib/simulated.js";
import { readLedger, recordEffect } from "../../src/services/lib/simulated.js";
import { sagaVerdict } from "../../src/compare/sagas.js";
import { paymentVerdict } from "../../src/compare/payment-signals.js";
import { queueVerdict } from "../../src/compare/message-queue.js";
import { feedVerdict } from "../../src/compare/user-feed.js";
import { machineVerdict } from "../../src/compare/stateful-actors.js";
import { comparedPatterns, findComparison, loadComparisons } from "../../src/compare/index.js";
import { offerComparison, renderReport, sideBySide } from "../../src/commands/compare.js";
import type { CompareReport } from "../../src/compare/run.js";
import type { RunningStack } from "../../src/runtime/stack.js";
import { findPatternEntry } from "../../src/registry.js";

let t = Date.parse("2026-01-01T00:00:00Z");
const e = (system: string, action: string, key: string, detail: Record<string, unknown> = {}): LedgerEntry => ({ system, action, key, detail, at: new Date((t += 10)).toISOString(), pid: 1 });
const trip = "trip-1";
const saga = (flight: string, car: string, pay: string, confirm: boolean) => [
  e("flights", "reserve", flight, { tripId: trip }),
  e("car-rentals", "reserve", car, { tripId: trip }),
  e("payment-provider", "charge", pay, { tripId: trip, amount: 1500 }),
  ...(confirm ? [e("flights", "confirm", flight, { tripId: trip }), e("car-rentals", "confirm", car, { tripId: trip })] : []),
];

describe("sagas verdict", () => {
  it("one flight, one car, one charge, confirmed: consistent, nothing left behind", () => {
    const v = sagaVerdict({ key: trip, entries: [...saga("f1", "c1", "p1", true), e("flights", "reserve", "other", { tripId: "another-trip" })] });
    expect(v.leftBehind).toEqual([]);
    expect(v.consistent).toBe(true);
    expect(v.finalState).toMatch(/^trip booked/);
  });

  it("a full rollback (every reservation cancelled, the charge refunded) is consistent and lists the compensations", () => {
    const entries = [
      ...saga("f1", "c1", "p1", false),
      e("payment-provider", "refund", "p1", { tripId: trip }),
      e("car-rentals", "cancel", "c1", { tripId: trip }),
      e("flights", "cancel", "f1", { tripId: trip }),
    ];
    const v = sagaVerdict({ key: trip, entries });
    expect(v.consistent).toBe(true);
    expect(v.compensations).toEqual(["payment p1 refunded", "car c1 cancelled", "flight f1 cancelled"]);
  });

  it("killed after the charge, then booked again: not consistent, the first run's flight, car and charge are left behind", () => {
    const v = sagaVerdict({ key: trip, entries: [...saga("f1", "c1", "p1", false), ...saga("f2", "c2", "p2", true)] });
    expect(v.consistent).toBe(false);
    expect(v.leftBehind).toEqual([
      "flight f1 reserved, neither confirmed nor cancelled",
      "car c1 reserved, neither confirmed nor cancelled",
      "payment p1 charged 1500 and never refunded: the trip is paid 2 times",
    ]);
    expect(v.effects).toContain("2 × payment charged");
  });

  it("killed after the charge and never retried: the charge is left behind with no trip", () => {
    const v = sagaVerdict({ key: trip, entries: saga("f1", "c1", "p1", false) });
    expect(v.consistent).toBe(false);
    expect(v.leftBehind).toContain("payment p1 charged 1500, never refunded, for a trip that was not booked");
  });
});

describe("payment-signals verdict", () => {
  const created = (key: string, by: string) => e("payment-provider", "payment intent created", key, { invocationId: by });
  it("one charge and a replay answered from the idempotency store: consistent", () => {
    const v = paymentVerdict(
      { key: "k", entries: [created("idem-1", "inv_a"), e("payment-provider", "idempotent replay", "idem-1", { invocationId: "inv_a" })], answers: [{ id: "inv_a", ok: true }] },
      ["inv_a"],
    );
    expect(v.consistent).toBe(true);
    expect(v.leftBehind).toEqual([]);
  });
  it("two charges under two keys for one payment: not consistent, the second charge is left behind", () => {
    const v = paymentVerdict({ key: "k", entries: [created("idem-1", "plain:k"), created("idem-2", "plain:k"), created("idem-3", "someone-else")], answers: [{ id: "plain:k", ok: true }] }, [
      "plain:k",
    ]);
    expect(v.consistent).toBe(false);
    expect(v.leftBehind).toHaveLength(1);
    expect(v.leftBehind[0]).toMatch(/second charge of 109 under a new idempotency key idem-2/);
  });
});

describe("message-queue verdict", () => {
  it("completed with a result (even if its body ran twice): consistent", () => {
    const v = queueVerdict({ key: "t1", entries: [e("tasks", "run", "t1"), e("tasks", "run", "t1")], answers: [{ id: "t1", ok: true }] });
    expect(v.consistent).toBe(true);
    expect(v.effects).toContain("2 × task body ran");
  });
  it("accepted, started, never completed: lost, and left behind", () => {
    const v = queueVerdict({ key: "t1", entries: [e("tasks", "run", "t1")], answers: [] });
    expect(v.consistent).toBe(false);
    expect(v.leftBehind[0]).toMatch(/^task t1 was accepted/);
  });
});

describe("user-feed verdict", () => {
  const create = (id: string) => e("posts", "create", id, { userId: "u" });
  const publish = (id: string) => e("feed", "publish", id, { userId: "u" });
  it("one post created and published: consistent", () => {
    expect(feedVerdict({ key: "u", entries: [create("p1"), publish("p1"), e("posts", "create", "p9", { userId: "someone-else" })] }).consistent).toBe(true);
  });
  it("created twice, the second published: not consistent, the first is left behind", () => {
    const v = feedVerdict({ key: "u", entries: [create("p1"), create("p2"), publish("p2")] });
    expect(v.consistent).toBe(false);
    expect(v.leftBehind).toEqual(["post p1 created, never published to the feed", "2 posts created for one record: the same post exists 2 times"]);
  });
  it("never created: lost", () => {
    expect(feedVerdict({ key: "u", entries: [] }).why).toBe("the post was lost");
  });
});

describe("stateful-actors verdict", () => {
  const begin = (to: string, by: string) => e("factory", `begin-${to}`, "m", { invocationId: by });
  const done = (to: string, by: string) => e("factory", to, "m", { invocationId: by });
  it("UP, DOWN, UP one at a time: consistent", () => {
    const v = machineVerdict({ key: "m", entries: [begin("UP", "a"), done("UP", "a"), begin("DOWN", "b"), done("DOWN", "b"), begin("UP", "c"), done("UP", "c")] });
    expect(v.leftBehind).toEqual([]);
    expect(v.consistent).toBe(true);
  });
  it("two UP transitions at once, one never completed, the tear-down lost: not consistent", () => {
    const v = machineVerdict({ key: "m", entries: [begin("UP", "a"), begin("UP", "c"), done("UP", "a"), begin("UP", "a2"), begin("UP", "c2"), done("UP", "a2"), done("UP", "c2")] });
    expect(v.consistent).toBe(false);
    expect(v.leftBehind).toContain("a transition of m to UP began and never completed");
    expect(
      v.leftBehind.find((l) => l.startsWith("transitions overlapped on m")),
      JSON.stringify(v.leftBehind),
    ).toBeDefined();
    expect(v.leftBehind).toContain("transitions UP → UP → UP instead of UP → DOWN → UP (the requests one at a time, in arrival order)");
  });
});

describe("the comparisons and their ledger", () => {
  it("the five comparisons, each of a registered pattern", async () => {
    const comparisons = await loadComparisons();
    expect(comparisons.map((c) => c.pattern).sort()).toEqual(["message-queue", "payment-signals", "sagas", "stateful-actors", "user-feed"]);
    expect(comparisons.map((c) => c.pattern)).toEqual([...comparedPatterns]);
    expect(comparisons.filter((c) => !findPatternEntry(c.pattern)).map((c) => c.pattern)).toEqual([]);
    expect(await findComparison("durable-rpc")).toBeUndefined();
  });

  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    delete process.env.PATTERNS_LEDGER_RUN;
    delete process.env.PATTERNS_STATE_DIR;
  });
  it("a plain run's effects carry its run id: the playground's reads never see them, and the run sees only its own", () => {
    dir = mkdtempSync(path.join(tmpdir(), "compare-ledger-"));
    process.env.PATTERNS_STATE_DIR = dir;
    recordEffect("posts", "create", "p-playground");
    process.env.PATTERNS_LEDGER_RUN = "compare-plain-1";
    recordEffect("posts", "create", "p-plain");
    expect(readLedger(dir, { system: "posts" }).map((x) => x.key)).toEqual(["p-plain"]);
    delete process.env.PATTERNS_LEDGER_RUN;
    expect(readLedger(dir, { system: "posts" }).map((x) => x.key)).toEqual(["p-playground"]);
    expect(readLedger(dir, { run: "compare-plain-1" }).map((x) => [x.key, x.run])).toEqual([["p-plain", "compare-plain-1"]]);
  });
});

describe("side by side", () => {
  it("wraps each cell to its column and keeps the label on the first line", () => {
    const lines = sideBySide([["why", "one two three four five six seven eight nine ten eleven", "a b"]], 50);
    expect(lines[0]!.startsWith("why")).toBe(true);
    expect(lines.length).toBeGreaterThan(1);
    expect(
      lines.slice(1).filter((l) => !l.startsWith(" ")),
      "continuation lines not indented",
    ).toEqual([]);
  });
});

describe("the offer a crash tour ends with", () => {
  const captured = async (fn: () => Promise<void>) => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await fn();
    } finally {
      process.stderr.write = write;
    }
    return lines.join("");
  };
  const stack = {} as RunningStack;
  it("without a terminal (or with --yes) it prints the command instead of running it", async () => {
    expect(await captured(() => offerComparison("sagas", { stack, json: false, interactive: false }))).toContain("npx patterns compare sagas");
  });
  it("nothing for a pattern without a comparison, nothing with --json", async () => {
    expect(await captured(() => offerComparison("durable-rpc", { stack, json: false, interactive: false }))).toBe("");
    expect(await captured(() => offerComparison("sagas", { stack, json: true, interactive: false }))).toBe("");
  });
});

describe("the report as text", () => {
  it("the two runs side by side, the verdicts, and what the plain run left behind", () => {
    const withRestate = sagaVerdict({ key: trip, entries: saga("f1", "c1", "p1", true) });
    const withoutRestate = sagaVerdict({ key: trip, entries: [...saga("f2", "c2", "p2", false), ...saga("f3", "c3", "p3", true)] });
    const crash = { step: "Charge payment", when: "after" as const, fired: true };
    const report: CompareReport = {
      pattern: "sagas",
      scenario: "book a trip",
      invariant: "booked or rolled back",
      key: trip,
      withRestate: { label: "Restate", ...withRestate, crash, invocationIds: ["inv_1"], ms: 1 },
      withoutRestate: {
        label: "plain Node (no Restate)",
        runId: "compare-plain-x",
        ...withoutRestate,
        crash: { ...crash, stepsDone: [] },
        retry: { what: "the same booking started again from the top, as a user retrying by hand would", exitCode: 0, stepsDone: [] },
        ms: 1,
      },
    };
    const text = renderReport(report, 120).join("\n");
    expect(text).toMatch(/^\s+Restate\s+plain Node \(no Restate\)$/m);
    expect(text).toMatch(/^verdict\s+consistent\s+NOT consistent$/m);
    expect(text).toContain("left behind by the plain Node (no Restate) run (ledger run compare-plain-x):");
    expect(text).toContain("flight f2 reserved, neither confirmed nor cancelled");
    expect(text).toContain("payment p2 charged 1500 and never refunded: the trip is paid 2 times");
    expect(text).not.toContain("left behind by the Restate run");
    const narrow = renderReport(report, 80);
    expect(
      narrow.filter((l) => stripVTControlCharacters(l).length > 80),
      "lines wider than 80 columns",
    ).toEqual([]);
    expect(narrow.join("\n")).toMatch(/^verdict\s+consistent\s+NOT consistent$/m);
  });
});
