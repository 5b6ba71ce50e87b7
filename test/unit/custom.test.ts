// Pure logic of the custom group: the priority queue's decisions and the token bucket's maths.
import { describe, expect, it } from "vitest";
import { drop, emptyQueue, maxConcurrency, push, release, summarize, tick, type QueueState } from "../../src/services/priority-queue/logic.js";
import { problemsOf } from "../../src/services/lib/problems.js";
import { SetRateSchema } from "../../src/services/rate-limiter/schema.js";
import { admittedRate, advance, cancelReservation, delayFrom, parseRate, reserve, setRate } from "../../src/services/rate-limiter/token-bucket.js";

function pushAll(s: QueueState, items: [string, number][]): QueueState {
  for (const [id, priority] of items) s = push(s, { awakeableId: id, priority, enqueuedAt: 0 });
  return s;
}

describe("priority queue logic", () => {
  it("grants at most maxInFlight permits, lowest priority number first, FIFO within a priority", () => {
    let s = pushAll(emptyQueue(2), [
      ["a5", 5],
      ["b1", 1],
      ["c5", 5],
      ["d1", 1],
      ["e3", 3],
    ]);
    const first = tick(s, 10);
    expect(first.granted.map((p) => p.awakeableId)).toEqual(["b1", "d1"]);
    s = first.state;
    expect(s.inFlight).toHaveLength(2);
    expect(tick(s, 11).granted).toEqual([]);
    s = tick(release(s, "b1"), 12).state;
    expect(s.inFlight.map((p) => p.awakeableId)).toEqual(["d1", "e3"]);
    s = tick(release(release(s, "d1"), "e3"), 13).state;
    expect(s.inFlight.map((p) => p.awakeableId)).toEqual(["a5", "c5"]);
    expect(s.served).toBe(5);
  });

  it("a repeated push of the same waiter changes nothing", () => {
    const s = pushAll(emptyQueue(0), [
      ["a", 1],
      ["a", 1],
    ]);
    expect(s.items).toHaveLength(1);
  });

  it("maxInFlight 0 holds everyone; raising it releases them", () => {
    let s = tick(
      pushAll(emptyQueue(0), [
        ["a", 1],
        ["b", 2],
        ["c", 1],
      ]),
      0,
    ).state;
    expect(s.inFlight).toHaveLength(0);
    const r = tick({ ...s, maxInFlight: 2 }, 1);
    expect(r.granted.map((p) => p.awakeableId)).toEqual(["a", "c"]);
    s = r.state;
    expect(summarize(s)).toMatchObject({ inFlight: 2, queued: 1, byPriority: [{ priority: 2, count: 1 }] });
  });

  it("drop removes a queued waiter, or gives back a permit it already had", () => {
    let s = tick(
      pushAll(emptyQueue(1), [
        ["a", 1],
        ["b", 1],
        ["c", 1],
      ]),
      0,
    ).state;
    const queued = drop(s, "b");
    expect(queued.wasQueued).toBe(true);
    expect(queued.state.items.map((i) => i.awakeableId)).toEqual(["c"]);
    expect(queued.state.dropped).toBe(1);
    const granted = drop(queued.state, "a");
    expect(granted.wasQueued).toBe(false);
    expect(granted.state.inFlight).toHaveLength(0);
    s = tick(granted.state, 1).state;
    expect(s.inFlight.map((p) => p.awakeableId)).toEqual(["c"]);
  });

  it("maxConcurrency counts overlapping intervals, an end before a start at the same instant", () => {
    expect(
      maxConcurrency([
        { at: 0, kind: "start" },
        { at: 1, kind: "start" },
        { at: 2, kind: "end" },
        { at: 2, kind: "start" },
        { at: 3, kind: "end" },
        { at: 4, kind: "end" },
      ]),
    ).toBe(2);
    expect(maxConcurrency([])).toBe(0);
  });
});

describe("token bucket", () => {
  it("a new limiter starts full; 1/s burst 1 spaces reservations one second apart", () => {
    let s = setRate(undefined, 0, { limit: 1, burst: 1 });
    expect(s.tokens).toBe(1);
    const acts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = reserve(s, 0, 1);
      expect(r.reservation.ok).toBe(true);
      acts.push(r.reservation.timeToAct);
      s = r.state;
    }
    expect(acts).toEqual([0, 1000, 2000, 3000]);
    expect(delayFrom({ ok: true, tokens: 1, creationTime: 0, timeToAct: 3000, limit: 1 }, 500)).toBe(2500);
  });

  it("tokens refill at the limit, capped at the burst", () => {
    const s = { limit: 2, burst: 5, tokens: 0, last: 0, lastEvent: 0 };
    expect(advance(s, 1000)).toBe(2);
    expect(advance(s, 10_000)).toBe(5);
  });

  it("burst 3 lets three go at once, then the rate applies", () => {
    let s = setRate(undefined, 0, { limit: 2, burst: 3 });
    const acts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = reserve(s, 0, 1);
      acts.push(r.reservation.timeToAct);
      s = r.state;
    }
    expect(acts).toEqual([0, 0, 0, 500, 1000]);
  });

  it("refuses more than the burst, a wait beyond the limit, and any wait at limit 0", () => {
    const s = setRate(undefined, 0, { limit: 1, burst: 1 });
    expect(reserve(s, 0, 2).reservation.ok).toBe(false);
    const empty = reserve(s, 0, 1).state;
    expect(reserve(empty, 0, 1, 500).reservation.ok).toBe(false);
    expect(reserve(empty, 0, 1, 1000).reservation.ok).toBe(true);
    const zero = reserve(setRate(undefined, 0, { limit: 0, burst: 1 }), 0, 1).state;
    const r = reserve(zero, 0, 1);
    expect(r.reservation.ok).toBe(false);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("cancelling the latest reservation gives its token back", () => {
    let s = setRate(undefined, 0, { limit: 1, burst: 1 });
    s = reserve(s, 0, 1).state;
    const second = reserve(s, 0, 1);
    s = cancelReservation(second.state, 100, second.reservation);
    expect(reserve(s, 100, 1).reservation.timeToAct).toBe(1000);
  });

  it("SetRate validation names the field", () => {
    expect(problemsOf(SetRateSchema, { limit: 1, burst: 1 })).toEqual([]);
    expect(problemsOf(SetRateSchema, { limit: -1 })[0]).toMatch(/^limit is invalid/);
    expect(problemsOf(SetRateSchema, { limit: 1, burst: 1.5 })[0]).toMatch(/^burst is invalid/);
    expect(problemsOf(SetRateSchema, {})[0]).toMatch(/missing/);
    expect(problemsOf(SetRateSchema, null)[0]).toMatch(/body is missing/);
  });

  it("parses rates and measures the admitted rate after the burst", () => {
    expect(parseRate("2/s")).toBe(2);
    expect(parseRate("2")).toBe(2);
    expect(parseRate("0.5/s")).toBe(0.5);
    expect(parseRate("120/min")).toBe(2);
    expect(parseRate("fast")).toBeUndefined();
    expect(admittedRate([0, 1000, 2000, 3000], 1)).toEqual({ perSecond: 1, events: 3, spanMs: 3000 });
    expect(admittedRate([0, 0, 0, 500, 1000], 3)).toEqual({ perSecond: 2, events: 2, spanMs: 1000 });
    expect(admittedRate([5], 1)).toBeUndefined();
  });
});
