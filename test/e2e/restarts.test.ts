// Targeted checks under server restarts, on a private stack (they kill restate-server): durable timers fire, never
// early, across two kills; a durable promise resolved while the server is down reaches every awaiter; a delayed queue
// task outlives a server and a worker kill.
import { afterAll, describe, expect, it } from "vitest";
import { startOwnStack, stopChecked, type OwnStack, eventually, json } from "../helpers.js";
import { readLedger } from "../../src/services/lib/simulated.js";

let s: OwnStack | undefined;
afterAll(async () => stopChecked(s));

async function own(): Promise<OwnStack> {
  s ??= await startOwnStack();
  return s;
}

interface RecoveryResult {
  key: string;
  gapMs: number;
}

describe("restarts", () => {
  it("200 durable timers across two restate-server kills: each fires, none early, a step re-runs only when a kill cut off its journal write", async () => {
    const stack = await own();
    const run = `t${Date.now().toString(36)}`;
    const timers = Array.from({ length: 200 }, (_, i) => ({ key: `${run}-${i}`, sleepMs: 4000 + ((i * 7919) % 16_000), workMs: 0 }));
    const ids: string[] = [];
    for (const t of timers) {
      const res = await fetch(`${stack.ingressUrl}/playground/recovery/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(t) });
      expect(res.status).toBeLessThan(300);
      ids.push(((await res.json()) as { invocationId: string }).invocationId);
    }
    // each kill's window: from just before the CLI call to its return (the server is back by then)
    const kills: { from: number; to: number }[] = [];
    for (const pause of [3000, 0]) {
      const from = Date.now();
      // --no-follow: the window must end when the server is back, not when the timers have finished
      expect((await stack.cli(["kill-restate", "--down", "2s", "--no-follow"], { timeoutMs: 300_000 })).code).toBe(0);
      kills.push({ from, to: Date.now() });
      // time must pass here: the second kill is meant to land at another point of the timers' schedule
      await new Promise((r) => setTimeout(r, pause));
    }
    const results = await eventually(
      "every timer's invocation to complete",
      async () => {
        const rows = await stack.admin.query<{ id: string; status: string; completion_result?: string }>(
          `SELECT id, status, completion_result FROM sys_invocation WHERE target = 'playground/recovery' AND status = 'completed' AND id IN (${ids.map((id) => `'${id}'`).join(",")})`,
        );
        return rows.length === ids.length ? rows : undefined;
      },
      300_000,
      1000,
    );
    expect(
      results.filter((r) => r.completion_result !== "success"),
      "timers that did not succeed",
    ).toEqual([]);
    // Every timer's step after the sleep committed. A ctx.run body is at-least-once: when the server dies between the
    // body's end and the journal write, the body runs again after the restart. So a second commit is allowed only
    // for a body that ended inside a kill window, and never a third.
    let reruns = 0;
    for (const t of timers) {
      const commits = readLedger(stack.stateDir, { system: "recovery", action: "commit", key: t.key });
      expect(commits.length, `timer ${t.key}`).toBeGreaterThanOrEqual(1);
      expect(commits.length, `timer ${t.key}`).toBeLessThanOrEqual(2);
      if (commits.length === 2) {
        reruns++;
        const first = Date.parse(commits[0]!.at);
        expect(
          kills.some((k) => first >= k.from - 1000 && first <= k.to),
          `timer ${t.key}: first commit at ${commits[0]!.at}, outside every kill window`,
        ).toBe(true);
      }
    }
    expect(reruns, "re-run commit bodies").toBeLessThan(timers.length / 4);
    // none early: each invocation reports the wall time between its two steps, which spans the sleep
    const outputs = await Promise.all(ids.map(async (id) => (await (await fetch(`${stack.ingressUrl}/restate/invocation/${id}/output`)).json()) as RecoveryResult));
    for (const [i, o] of outputs.entries()) expect(o.gapMs, `timer ${timers[i]!.key}`).toBeGreaterThanOrEqual(timers[i]!.sleepMs - 5);
  }, 600_000);

  it("a durable promise resolved while restate-server is down reaches every awaiter once it is back", async () => {
    const stack = await own();
    const name = `down-${Date.now().toString(36)}`;
    const awaiters = [1, 2].map(() => stack.cli(["promise", "await", name, "--timeout", "240s", "--json"], { timeoutMs: 300_000 }));
    await eventually(
      `both awaiters of promise ${name} to be registered (peek: waiting >= 2)`,
      async () => {
        const r = await stack.cli(["promise", "peek", name, "--json"], { timeoutMs: 120_000 });
        return r.code === 0 && json<{ waiting: number }>(r).waiting >= 2;
      },
      120_000,
      1000,
    );
    expect((await stack.cli(["kill-restate", "--down", "6s", "--no-wait"], { timeoutMs: 120_000 })).code).toBe(0);
    const resolved = await stack.cli(["promise", "resolve", name, '{"while":"down"}', "--json"], { timeoutMs: 300_000 });
    expect(resolved.code, resolved.stderr).toBe(0);
    for (const a of await Promise.all(awaiters)) {
      expect(a.code, a.stderr).toBe(0);
      expect(JSON.parse(a.stdout)).toMatchObject({ value: { while: "down" } });
    }
    const late = await stack.cli(["promise", "await", name, "--json"], { timeoutMs: 120_000 });
    expect(JSON.parse(late.stdout)).toMatchObject({ value: { while: "down" } });
  }, 600_000);

  it("a delayed queue task survives a restate-server and a worker kill: it runs once, at its due time", async () => {
    const stack = await own();
    const key = `delayed-${Date.now().toString(36)}`;
    const sub = await stack.cli(["queue", "submit", "resize image", "--delay", "12s", "--key", key, "--json"], { timeoutMs: 120_000 });
    expect(sub.code, sub.stderr).toBe(0);
    const { invocationId, executionTime } = JSON.parse(sub.stdout) as { invocationId: string; executionTime: string };
    expect((await stack.cli(["kill-restate", "--down", "2s"], { timeoutMs: 300_000 })).code).toBe(0);
    expect((await stack.cli(["kill-worker", "--down", "1s"], { timeoutMs: 300_000 })).code).toBe(0);
    const res = await stack.cli(["queue", "result", key, "--json"], { timeoutMs: 300_000 });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ completed: true, invocationId });
    const rows = await eventually(
      "the task's invocation row",
      async () => {
        const r = await stack.admin.query<{ id: string; running_at: string; status: string }>(
          `SELECT id, running_at, status FROM sys_invocation WHERE target = 'asyncTaskWorker/runTask' AND idempotency_key = '${key}'`,
        );
        return r.length > 0 ? r : undefined;
      },
      120_000,
      1000,
    );
    expect(rows.map((r) => r.id)).toEqual([invocationId]);
    // not before its due time (timers may fire a few ms early), whatever the downtime
    expect(Date.parse(rows[0]!.running_at)).toBeGreaterThanOrEqual(Date.parse(executionTime) - 1000);
  }, 600_000);
});
