// The crash demos on a private stack: kill the worker while the invocation waits between its steps, crash it right
// after / inside a step, kill restate-server while it waits. Each time the invocation completes, and its timeline says
// which step bodies ran live, which were replayed from the journal and which ran again; the simulated ledger counts the
// real effects. The waits are held on a durable promise the test releases after the kill: the kill comes while the
// invocation provably waits, however slow the machine.
import { describe, expect, it } from "vitest";
import { privateStack, eventually } from "../helpers.js";
import { release, sendHeld } from "../held.js";
import { readLedger } from "../../src/services/lib/simulated.js";
import type { TimelinesResult } from "../../src/commands/timeline/run.js";
import type { KillFollowResult } from "../../src/commands/timeline/kill.js";
import type { Timeline, TimelineEntry } from "../../src/observe/types.js";
import { randomUUID } from "node:crypto";

const s = privateStack(["--no-kafka"]);

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

const completed = (id: string) => until(`${id} completed`, async () => ((await status(id))?.status === "completed" ? await status(id) : undefined));

async function timeline(id: string): Promise<Timeline> {
  const r = await s().cli(["timeline", id, "--json"], { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as TimelinesResult).timelines[0]!;
}

const step = (t: Timeline, name: string): TimelineEntry => t.entries.find((e) => e.kind === "run" && e.name === name)!;
const effects = (k: string, action: string) => readLedger(s().stateDir, { system: "recovery", action, key: k }).length;

describe("crash demos", () => {
  it("kill-worker while the invocation waits in its cool-off: completes; prepare is replayed, not re-executed", async () => {
    const k = key("killw");
    const held = await sendHeld(s().ingressUrl, { key: k, sleepMs: 1000 });
    const id = held.invocationId;
    const kill = await s().cli(["kill-worker", "--down", "1s", "--no-follow", "--json"], { timeoutMs: 90_000 });
    expect(kill.code, kill.stderr).toBe(0);
    const k1 = JSON.parse(kill.stdout) as KillFollowResult;
    expect(k1).toMatchObject({ component: "worker", signal: "SIGKILL", waited: true, requestedDownMs: 1000 });
    expect(
      k1.inFlight.map((i) => i.id),
      "the kill interrupted the held invocation",
    ).toContain(id);
    expect(k1.newPid).toBeGreaterThan(0);
    expect(k1.newPid).not.toBe(k1.pid);
    expect(k1.downMs).toBeGreaterThanOrEqual(1000);
    expect((await status(id))?.status, "still in flight after the kill, until released").not.toBe("completed");

    await release(s().cli, held);
    const row = await completed(id);
    expect(row.completion_result).toBe("success");
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
    // the retry on the new worker is a crash-restart (a wait past Restate's inactivity timeout can add a resume after it)
    expect(t.attempts.find((a) => a.cause === "crash-restart")).toMatchObject({ pid: k1.newPid });
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

  it("kill-restate --down 2s while the invocation waits: restate comes back on the same data and the invocation completes", async () => {
    const k = key("killr");
    // the sleep's timer is journaled before the hold: it is Restate's to keep across the restart (if it has not fired yet)
    const sleepMs = 3000;
    const held = await sendHeld(s().ingressUrl, { key: k, sleepMs });
    const id = held.invocationId;
    const kill = await s().cli(["kill-restate", "--down", "2s", "--no-follow", "--json"], { timeoutMs: 90_000 });
    expect(kill.code, kill.stderr).toBe(0);
    const r = JSON.parse(kill.stdout) as KillFollowResult;
    expect(r).toMatchObject({ component: "restate", signal: "SIGKILL", waited: true, requestedDownMs: 2000 });
    expect(r.newPid).not.toBe(r.pid);
    // the restarted server still has the invocation in flight, and the promise still counts it waiting
    expect((await until(`${id} known to the restarted server`, () => status(id)))?.status).not.toBe("completed");
    await release(s().cli, held);
    const row = await completed(id);
    expect(row.completion_result).toBe("success");
    expect(Date.parse(r.killedAt), "the kill came while the invocation was still waiting").toBeLessThan(Date.parse(row.completed_at!));
    // the durable sleep was honoured, downtime or not
    expect(Date.parse(row.completed_at!) - Date.parse(row.created_at)).toBeGreaterThanOrEqual(sleepMs);
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
