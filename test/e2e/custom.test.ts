// Custom group through the user's doors: `promise …`, `pq …`, `ratelimit …`, the seeds' curls and the demos.
import { describe, expect, it } from "vitest";
import { eventually, ingress, patterns, stack, uniqueKey } from "../helpers.js";

// the machine may be heavily loaded: every CLI call and every test gets a generous time limit
const LONG = 600_000;
const cli = (args: string[], timeoutMs = 300_000) => patterns(args, { timeoutMs });

interface Peek {
  state: string;
  value?: unknown;
  error?: string;
  waiting: number;
  notified: number;
}

async function peek(name: string): Promise<Peek> {
  const r = await cli(["promise", "peek", name, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Peek;
}

describe.concurrent("durable promises", () => {
  it(
    "first completion wins: concurrent awaiters in separate processes, before and after, get the same value",
    async () => {
      const name = uniqueKey("prom");
      const early = [cli(["promise", "await", name, "--json"], 500_000), cli(["promise", "await", name, "--json"], 500_000)];
      await eventually("two awaiters registered", async () => (await peek(name)).waiting >= 2, 300_000, 500);
      const [a, b] = await Promise.all([cli(["promise", "resolve", name, '{"by":"a"}', "--json"]), cli(["promise", "resolve", name, '{"by":"b"}', "--json"])]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const ra = JSON.parse(a.stdout) as { won: boolean; value: unknown };
      const rb = JSON.parse(b.stdout) as { won: boolean; value: unknown };
      expect([ra.won, rb.won].filter(Boolean)).toHaveLength(1);
      const winner = ra.won ? ra.value : rb.value;
      expect(ra.value).toEqual(winner);
      expect(rb.value).toEqual(winner);
      const late = cli(["promise", "await", name, "--json"], 500_000);
      const results = await Promise.all([...early, late]);
      const pids = new Set<number>();
      for (const r of results) {
        expect(r.code, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout) as { state: string; value: unknown; pid: number };
        expect(out).toMatchObject({ state: "resolved", value: winner });
        pids.add(out.pid);
      }
      expect(pids.size).toBe(3);
      const rej = await cli(["promise", "reject", name, "too late", "--json"]);
      expect(rej.code).toBe(0);
      expect(JSON.parse(rej.stdout)).toMatchObject({ state: "resolved", value: winner, won: false });
      expect(await peek(name)).toMatchObject({ state: "resolved", value: winner, waiting: 0, notified: 3 });
    },
    LONG,
  );

  it(
    "a rejected promise: await exits 1 with the error; a later resolve gets the rejection",
    async () => {
      const name = uniqueKey("prom");
      const rej = await cli(["promise", "reject", name, "no seats left", "--json"]);
      expect(rej.code, rej.stderr).toBe(0);
      expect(JSON.parse(rej.stdout)).toMatchObject({ state: "rejected", error: "no seats left", won: true });
      const aw = await cli(["promise", "await", name, "--json"]);
      expect(aw.code).toBe(1);
      expect(JSON.parse(aw.stdout)).toMatchObject({ state: "rejected", error: "no seats left" });
      const res = await cli(["promise", "resolve", name, '"hello"', "--json"]);
      expect(JSON.parse(res.stdout)).toMatchObject({ state: "rejected", error: "no seats left", won: false });
    },
    LONG,
  );

  it(
    "await --timeout on a pending promise exits 1 and says it is still pending",
    async () => {
      const r = await cli(["promise", "await", uniqueKey("prom"), "--timeout", "2s"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/still pending after 2s/);
    },
    LONG,
  );

  it(
    "the seed's curls work unchanged",
    async () => {
      const name = uniqueKey("prom");
      expect((await ingress("/durablePromiseServer/peek", { request: { promiseName: name } })).json).toBeNull();
      // like the ingress() helper, with a longer time limit: this call blocks until the promise is resolved
      const waiting = fetch(`${stack().ingressUrl}/durablePromiseServer/await`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ request: { promiseName: name } }),
        signal: AbortSignal.timeout(500_000),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as unknown }));
      await eventually("the curl awaiter registered", async () => (await peek(name)).waiting >= 1, 300_000, 500);
      const value = { name: "Barack", email: "b@whitehouse.gov" };
      const res = await ingress("/durablePromiseServer/resolve", { request: { promiseName: name, value } });
      expect(res.status, res.text).toBe(200);
      expect(res.json).toEqual({ value });
      expect((await waiting).json).toEqual({ value });
      expect((await ingress("/durablePromiseServer/reject", { request: { promiseName: name, errorMessage: "help!" } })).json).toEqual({ value });
    },
    LONG,
  );

  it(
    "bad input: exit 2 with the fix; a request without promiseName is a 400 naming it",
    async () => {
      const r = await cli(["promise", "resolve", "p1", "not json"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is not JSON/);
      expect((await cli(["promise", "await", "p1", "--timeout", "soon"])).code).toBe(2);
      expect((await cli(["promise", "reject", "p1", " "])).code).toBe(2);
      const bad = await ingress("/durablePromiseServer/await", { request: {} });
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/request\.promiseName is missing/);
    },
    LONG,
  );
});

interface QueueStatus {
  inFlight: number;
  queued: number;
  maxInFlight: number;
  dropped: number;
  completed: number;
  byPriority: { priority: number; count: number }[];
  recent: { label: string; priority: number }[];
}

async function pqStatus(queue: string): Promise<QueueStatus> {
  const r = await cli(["pq", "status", "--queue", queue, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as QueueStatus;
}

describe.concurrent("priority queue", () => {
  it("pq max 0 is refused by the CLI (no call would ever be served), naming the range; the handler takes 0 as a pause, and refuses -1", async () => {
    const r = await cli(["pq", "max", "0", "--queue", uniqueKey("pq")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/<n> is invalid: expected a whole number from 1 to 1000/);
    const paused = await ingress(`/priorityQueue/${uniqueKey("pq")}/configure`, { maxInFlight: 0 });
    expect(paused.status, paused.text).toBe(200);
    const bad = await ingress(`/priorityQueue/${uniqueKey("pq")}/configure`, { maxInFlight: -1 });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/maxInFlight is invalid/);
  });

  it(
    "lower priority numbers are served first",
    async () => {
      const queue = uniqueKey("pq");
      // hold the queue: one permit, taken by a blocker that works for 10 min (a max of 0 is refused)
      expect((await cli(["pq", "max", "1", "--queue", queue, "--json"])).code).toBe(0);
      expect((await cli(["pq", "add", "--count", "1", "--priority", "0", "--queue", queue, "--work", "10m", "--json"])).code).toBe(0);
      const low = await cli(["pq", "add", "--count", "4", "--priority", "5", "--queue", queue, "--work", "1s", "--json"]);
      expect(low.code, low.stderr).toBe(0);
      const high = await cli(["pq", "add", "--count", "3", "--priority", "1", "--queue", queue, "--work", "1s", "--json"]);
      expect(high.code, high.stderr).toBe(0);
      const held = await pqStatus(queue);
      expect(held).toMatchObject({
        inFlight: 1,
        queued: 7,
        byPriority: [
          { priority: 1, count: 3 },
          { priority: 5, count: 4 },
        ],
      });
      // one more permit beside the blocker's: the seven are served one at a time, lowest number first
      expect((await cli(["pq", "max", "2", "--queue", queue])).code).toBe(0);
      const done = await eventually(
        "all 7 computed",
        async () => {
          const s = await pqStatus(queue);
          return s.completed === 7 ? s : undefined;
        },
        300_000,
        1000,
      );
      // the blocker (priority 0) started first and is still working; then the seven in priority order
      expect(done.recent.map((r) => r.priority)).toEqual([0, 1, 1, 1, 5, 5, 5, 5]);
    },
    LONG,
  );

  it(
    "pq add --count 30 --priority 2 never has more than 10 in flight",
    async () => {
      const queue = uniqueKey("pq");
      const r = await cli(["pq", "add", "--count", "30", "--priority", "2", "--queue", queue, "--work", "2s", "--wait", "--json"], 500_000);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { items: unknown[]; drained: { peakInFlight: number; peakSeenInFlight: number; order: unknown[] }; status: QueueStatus };
      expect(out.items).toHaveLength(30);
      expect(out.drained.order).toHaveLength(30);
      expect(out.drained.peakInFlight).toBeLessThanOrEqual(10);
      expect(out.drained.peakSeenInFlight).toBeLessThanOrEqual(10);
      expect(out.drained.peakInFlight).toBeGreaterThan(1);
      expect(out.status).toMatchObject({ inFlight: 0, queued: 0, maxInFlight: 10 });
    },
    LONG,
  );

  it(
    "a cancelled waiter is removed from the queue and never runs",
    async () => {
      const queue = uniqueKey("pq");
      await cli(["pq", "max", "1", "--queue", queue]);
      await cli(["pq", "add", "--count", "1", "--priority", "0", "--queue", queue, "--work", "10m"]);
      const r = await cli(["pq", "add", "--count", "2", "--queue", queue, "--work", "500ms", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const items = (JSON.parse(r.stdout) as { items: { label: string; invocationId: string }[] }).items;
      expect((await pqStatus(queue)).queued).toBe(2);
      await stack().admin.cancelInvocation(items[0]!.invocationId);
      const after = await eventually(
        "the cancelled waiter dropped",
        async () => {
          const s = await pqStatus(queue);
          return s.dropped === 1 ? s : undefined;
        },
        300_000,
        500,
      );
      expect(after.queued).toBe(1);
      await cli(["pq", "max", "10", "--queue", queue]);
      const done = await eventually(
        "the other one computed",
        async () => {
          const s = await pqStatus(queue);
          return s.completed === 1 && s.inFlight === 1 ? s : undefined;
        },
        300_000,
        500,
      );
      expect(done.recent.filter((x) => x.priority !== 0).map((x) => x.label)).toEqual([items[1]!.label]);
    },
    LONG,
  );

  it(
    "the seed's curl works (/send), and bad input is refused",
    async () => {
      const r = await ingress("/myService/expensiveMethod/send", { left: 1, right: 2, priority: 1 });
      expect(r.status, r.text).toBeLessThan(300);
      expect((r.json as { invocationId: string }).invocationId).toMatch(/^inv_/);
      const bad = await ingress("/myService/expensiveMethod", { right: 2 });
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/left is missing/);
      expect((await cli(["pq", "add", "--count", "0"])).code).toBe(2);
      expect((await cli(["pq", "add", "--priority", "high"])).code).toBe(2);
      expect((await cli(["pq", "max", "-1"])).code).toBe(2);
    },
    LONG,
  );
});

describe.concurrent("rate limiter", () => {
  it(
    "before a rate is set, a task gets a clear 429 telling to set one",
    async () => {
      const name = uniqueKey("lim");
      const r = await cli(["ratelimit", "run", "--count", "2", "--limiter", name]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/HTTP 429/);
      expect(r.stderr).toMatch(/patterns ratelimit set 1 1 --limiter/);
      const s = await cli(["ratelimit", "status", "--limiter", name, "--json"]);
      expect(JSON.parse(s.stdout)).toMatchObject({ state: null, runs: 0 });
    },
    LONG,
  );

  it(
    "admits about the configured rate (2/s, burst 1), never faster",
    async () => {
      const name = uniqueKey("lim");
      const set = await cli(["ratelimit", "set", "2/s", "1", "--limiter", name, "--json"]);
      expect(set.code, set.stderr).toBe(0);
      expect(JSON.parse(set.stdout)).toMatchObject({ limit: 2, burst: 1 });
      const r = await cli(["limit", "run", "--count", "8", "--limiter", name, "--json"], 500_000);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { tasks: { actAt: number }[]; admitted: { perSecond: number }; scheduled: { perSecond: number } };
      expect(out.tasks).toHaveLength(8);
      const acts = out.tasks.map((t) => t.actAt).sort((a, b) => a - b);
      for (let i = 1; i < acts.length; i++) expect(acts[i]! - acts[i - 1]!).toBeGreaterThanOrEqual(495);
      // loose lower bound: load delays completions, it cannot speed them up
      expect(out.admitted.perSecond).toBeGreaterThan(0.6);
      expect(out.admitted.perSecond).toBeLessThan(3);
      const st = await cli(["ratelimit", "status", "--limiter", name, "--json"]);
      const status = JSON.parse(st.stdout) as { state: { limit: number; burst: number }; runs: number; recent?: { perSecond: number } };
      expect(status).toMatchObject({ state: { limit: 2, burst: 1 }, runs: 8 });
      expect(status.recent?.perSecond).toBeLessThan(3);
    },
    LONG,
  );

  it(
    "run --rate sets the rate first",
    async () => {
      const name = uniqueKey("lim");
      const r = await cli(["ratelimit", "run", "--count", "3", "--rate", "120/min", "--burst", "2", "--limiter", name, "--json"], 500_000);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ limit: 2, burst: 2, count: 3 });
    },
    LONG,
  );

  it(
    "the Go seed's curls work unchanged",
    async () => {
      const set = await ingress("/Limiter/LimitedTask-RunTask/SetRate", { limit: 1, burst: 1 });
      expect(set.status, set.text).toBe(200);
      const res = await fetch(`${stack().ingressUrl}/LimitedTask/RunTask`, { signal: AbortSignal.timeout(300_000) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ limiter: "LimitedTask-RunTask" });
    },
    LONG,
  );

  it(
    "bad input exits 2 with the fix; a bad SetRate is a 400 naming the field",
    async () => {
      const a = await cli(["ratelimit", "set", "fast", "1"]);
      expect(a.code).toBe(2);
      expect(a.stderr).toMatch(/<limit> must be a rate/);
      expect((await cli(["ratelimit", "set", "1", "x"])).code).toBe(2);
      expect((await cli(["ratelimit", "run", "--burst", "2"])).code).toBe(2);
      expect((await cli(["ratelimit", "run", "--rate", "0"])).code).toBe(2);
      const bad = await ingress(`/Limiter/${uniqueKey("lim")}/SetRate`, { limit: -1, burst: 1 });
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/limit is invalid/);
    },
    LONG,
  );
});

// Every pattern's scenario runs in interactive.test.ts (`tour --all`, with the crash checks on top), so the
// group files no longer repeat them through `demo`.
