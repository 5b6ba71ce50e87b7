// The crash demos on a private stack: kill the worker in a durable sleep, crash it right after / inside a step, kill
// restate-server in a sleep. Each time the invocation completes, and its timeline says which step bodies ran live,
// which were replayed from the journal and which ran again; the simulated ledger counts the real effects.
import { describe, expect, it } from "vitest";
import { privateStack, eventually } from "../helpers.js";
import { readLedger } from "../../src/services/lib/simulated.js";
import type { TimelinesResult } from "../../src/commands/timeline/run.js";
import type { KillResult } from "../../src/commands/timeline/kill.js";
import type { Timeline, TimelineEntry } from "../../src/observe/types.js";
import { randomUUID } from "node:crypto";

const s = privateStack(["--no-kafka"]);

const LONG_SLEEP_MS = 20_000;
const key = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

/** Poll with patience: right after a restate-server restart, queries fail until its partitions are loaded. */
const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000) => eventually(what, fn, timeoutMs, 250);

async function sendRecovery(body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${s().ingressUrl}/playground/recovery/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { invocationId: string }).invocationId;
}

async function status(id: string): Promise<{ status: string; completion_result?: string; created_at: string; completed_at?: string } | undefined> {
  const [row] = await s().admin.query<{ status: string; completion_result?: string; created_at: string; completed_at?: string }>(
    `SELECT status, completion_result, created_at, completed_at FROM sys_invocation WHERE id = '${id}'`,
  );
  return row;
}

const inSleep = (id: string) =>
  until(`${id} in its durable sleep`, async () => (await s().admin.query(`SELECT index FROM sys_journal WHERE id = '${id}' AND entry_type = 'Command: Sleep'`)).length > 0);

const completed = (id: string) => until(`${id} completed`, async () => ((await status(id))?.status === "completed" ? await status(id) : undefined));

async function timeline(id: string): Promise<Timeline> {
  const r = await s().cli(["timeline", id, "--json"], { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as TimelinesResult).timelines[0]!;
}

const step = (t: Timeline, name: string): TimelineEntry => t.entries.find((e) => e.kind === "run" && e.name === name)!;
const effects = (k: string, action: string) => readLedger(s().stateDir, { system: "recovery", action, key: k }).length;

describe("crash demos", () => {
  it("kill-worker during the durable sleep: completes; prepare is replayed, not re-executed", async () => {
    const k = key("killw");
    // a long sleep: on a loaded machine the CLI itself can take many seconds to start
    const id = await sendRecovery({ key: k, sleepMs: LONG_SLEEP_MS });
    await inSleep(id);
    const kill = await s().cli(["kill-worker", "--down", "1s", "--json"], { timeoutMs: 90_000 });
    expect(kill.code, kill.stderr).toBe(0);
    const k1 = JSON.parse(kill.stdout) as KillResult;
    expect(k1).toMatchObject({ component: "worker", signal: "SIGKILL", waited: true, requestedDownMs: 1000 });
    expect(k1.newPid).toBeGreaterThan(0);
    expect(k1.newPid).not.toBe(k1.pid);
    expect(k1.downMs).toBeGreaterThanOrEqual(1000);

    const row = await completed(id);
    expect(row.completion_result).toBe("success");
    expect(Date.parse(k1.killedAt), "the kill came while the invocation was still sleeping").toBeLessThan(Date.parse(row.completed_at!));
    expect(effects(k, "prepare")).toBe(1);
    expect(effects(k, "commit")).toBe(1);

    const t = await timeline(id);
    const prepare = step(t, "prepare").execution!;
    expect(prepare.verdict).toBe("replayed");
    expect(prepare.bodyRuns).toHaveLength(1);
    expect(prepare.bodyRuns[0]!.pid).toBe(k1.pid);
    expect(prepare.replayedIn.length).toBeGreaterThanOrEqual(1);
    const commit = step(t, "commit").execution!;
    expect(commit.verdict).toBe("live");
    expect(commit.bodyRuns[0]!.pid).toBe(k1.newPid);
    const exit = t.markers.find((m) => m.kind === "worker-exit");
    expect(exit?.pid).toBe(k1.pid);
    expect(t.attempts.at(-1)).toMatchObject({ cause: "crash-restart", pid: k1.newPid });
    expect(t.invocation.retries).toBeGreaterThanOrEqual(1);

    const text = await s().cli(["timeline", id, "--width", "140"]);
    expect(text.stdout).toMatch(/prepare .*REPLAYED/);
    expect(text.stdout).toMatch(/CRASH +worker pid \d+ died \(SIGKILL\)/);
    expect(text.stdout).toMatch(/1 replayed from the journal/);
  }, 120_000);

  it("kill-worker --at-step prepare --when during: the body ran twice (at-least-once), the timeline says so", async () => {
    const arm = await s().cli(["kill-worker", "--at-step", "prepare", "--when", "during", "--json"]);
    expect(arm.code, arm.stderr).toBe(0);
    expect(JSON.parse(arm.stdout)).toMatchObject({ armed: { step: "prepare", when: "during" } });
    const k = key("during");
    const id = await sendRecovery({ key: k, sleepMs: 500 });
    const row = await completed(id);
    expect(row.completion_result).toBe("success");
    // the lost first run had already done its effect: that is what at-least-once bodies mean
    expect(effects(k, "prepare")).toBe(2);
    expect(effects(k, "commit")).toBe(1);
    const t = await timeline(id);
    const prepare = step(t, "prepare").execution!;
    expect(prepare.verdict).toBe("ran-again");
    expect(prepare.bodyRuns).toHaveLength(2);
    expect(prepare.bodyRuns.map((r) => r.journaled)).toEqual([false, true]);
    expect(prepare.bodyRuns[0]!.pid).not.toBe(prepare.bodyRuns[1]!.pid);
    expect(step(t, "commit").execution!.verdict).toBe("live");
    const text = await s().cli(["timeline", id, "--width", "140"]);
    expect(text.stdout).toMatch(/prepare .*RAN 2×/);
  }, 120_000);

  it("kill-worker --at-step prepare (after): the result was journaled first, so it is replayed; one effect", async () => {
    const arm = await s().cli(["kill-worker", "--at-step", "prepare"]);
    expect(arm.code, arm.stderr).toBe(0);
    expect(arm.stdout).toMatch(/armed: the worker \(pid \d+\) exits right after the next "prepare" step/);
    const k = key("after");
    const id = await sendRecovery({ key: k, sleepMs: 500 });
    expect((await completed(id)).completion_result).toBe("success");
    expect(effects(k, "prepare")).toBe(1);
    const t = await timeline(id);
    expect(step(t, "prepare").execution).toMatchObject({ verdict: "replayed" });
    expect(step(t, "commit").execution).toMatchObject({ verdict: "live" });
  }, 120_000);

  it("kill-restate --down 2s during the sleep: restate comes back on the same data and the invocation completes", async () => {
    const k = key("killr");
    const sleepMs = LONG_SLEEP_MS;
    const id = await sendRecovery({ key: k, sleepMs });
    await inSleep(id);
    const kill = await s().cli(["kill-restate", "--down", "2s", "--json"], { timeoutMs: 90_000 });
    expect(kill.code, kill.stderr).toBe(0);
    const r = JSON.parse(kill.stdout) as KillResult;
    expect(r).toMatchObject({ component: "restate", signal: "SIGKILL", waited: true, requestedDownMs: 2000 });
    expect(r.newPid).not.toBe(r.pid);
    const row = await completed(id);
    expect(row.completion_result).toBe("success");
    expect(Date.parse(r.killedAt), "the kill came while the invocation was still sleeping").toBeLessThan(Date.parse(row.completed_at!));
    // on time, allowing for the downtime (and a loaded machine)
    const took = Date.parse(row.completed_at!) - Date.parse(row.created_at);
    expect(took).toBeGreaterThanOrEqual(sleepMs);
    expect(took).toBeLessThan(sleepMs + r.downMs! + 30_000);
    expect(effects(k, "prepare")).toBe(1);
    expect(effects(k, "commit")).toBe(1);
    const t = await timeline(id);
    const kinds = t.markers.map((m) => m.kind);
    expect(kinds).toContain("restate-exit");
    expect(kinds).toContain("restate-back");
    expect(t.markers.find((m) => m.kind === "restate-exit")!.pid).toBe(r.pid);
    expect(step(t, "prepare").execution!.bodyRuns).toHaveLength(1);
    expect(step(t, "commit").execution!.verdict).toBe("live");
  }, 120_000);

  it("kill-worker --at-step refuses a step no pattern declares, and lists the steps; nothing is armed", async () => {
    const [text, json] = await Promise.all([s().cli(["kill-worker", "--at-step", "nosuch"]), s().cli(["kill-worker", "--at-step", "nosuch", "--json"])]);
    expect(text.code, text.stderr).toBe(2);
    expect(text.stderr).toMatch(/--at-step "nosuch" is not a ctx\.run step/);
    for (const known of ["prepare", "Reserve car", "split task", "create post"]) expect(text.stderr, `the fix lists "${known}"`).toContain(`"${known}"`);
    expect(json.code).toBe(2);
    const err = (JSON.parse(json.stdout) as { error: { message: string; fix: string; exitCode: number } }).error;
    expect(err).toMatchObject({ exitCode: 2, message: expect.stringMatching(/nosuch/) });
    expect(err.fix).toContain('"commit"');
    const st = JSON.parse((await s().cli(["status", "--json"])).stdout) as { armedCrash?: unknown };
    expect(st.armedCrash).toBeUndefined();
  }, 60_000);

  it("an armed crash shows in status (text and --json) until kill-worker --disarm removes it", async () => {
    // armed for an invocation that does not exist, so it can never fire
    const inv = "inv_1nevernevernevernevernevernever";
    const arm = await s().cli(["kill-worker", "--at-step", "  reserve   CAR ", "--when", "during", "--invocation", inv, "--json"]);
    expect(arm.code, arm.stderr).toBe(0);
    expect(JSON.parse(arm.stdout)).toMatchObject({ armed: { step: "Reserve car", when: "during", invocationId: inv } });
    const json = await s().cli(["status", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ armedCrash: { step: "Reserve car", when: "during", invocationId: inv } });
    const text = await s().cli(["status"]);
    expect(text.stdout).toMatch(/crash armed: the worker exits inside the next "Reserve car" step of inv_1never/);
    const disarm = await s().cli(["kill-worker", "--disarm", "--json"]);
    expect(disarm.code, disarm.stderr).toBe(0);
    expect(JSON.parse(disarm.stdout)).toMatchObject({ disarmed: { step: "Reserve car" } });
    expect((JSON.parse((await s().cli(["status", "--json"])).stdout) as { armedCrash?: unknown }).armedCrash).toBeUndefined();
    expect((await s().cli(["status"])).stdout).not.toMatch(/crash armed/);
    const again = await s().cli(["kill-worker", "--disarm"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/no crash was armed/);
  }, 60_000);
});
