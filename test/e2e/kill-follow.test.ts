// The kill verbs follow what they interrupted, on a private stack (they kill its components): a post held for the
// (simulated) moderator is in flight when the worker is killed — it stays in flight until the test approves it with
// `moderate`, however slow the machine, so the kill never races the post; kill-worker names it, follows it, and
// reports it completed with the steps its retry replayed from the journal. Also: --no-follow only says what was
// interrupted, kill-restate the same story in text ending with the one summary line, and nothing in flight says so
// and suggests a scenario.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cliPath, eventually, json, privateStack, uniqueKey } from "../helpers.js";
import { shortRef } from "../../src/observe/render.js";
import type { KillFollowResult } from "../../src/commands/timeline/kill.js";

const s = privateStack();

/** A post held for the moderator (checked every second, pending until `moderate <user>`); its invocation id. */
async function heldPost(user: string): Promise<string> {
  const r = await s().cli(["send-post", user, "kill me", "--hold", "--json"], { timeoutMs: 60_000 });
  const id = json<{ records: { invocationId?: string }[] }>(r).records[0]?.invocationId;
  expect(id, r.stderr).toBeTruthy();
  // in its moderation loop: a step journaled, a sleep started
  await eventually(`${id} in its moderation sleep`, async () => (await s().admin.query(`SELECT index FROM sys_journal WHERE id = '${id}' AND entry_type = 'Command: Sleep'`)).length > 0, 30_000, 100);
  return id!;
}

/** The moderator approves the user's held posts: from here on the post can complete. */
async function approve(user: string): Promise<void> {
  const r = await s().cli(["moderate", user, "--json"], { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
}

/** Resolves once the supervisor has replaced the component's process (the kill happened), with the new pid. */
const replaced = (component: "worker" | "restate", before: number) =>
  eventually(
    `${component} pid ${before} replaced by a new process`,
    async () => {
      const now = s().pids()[component];
      return now && now !== before ? now : undefined;
    },
    120_000,
    100,
  );

const quoted = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const completed = (id: string) =>
  eventually(
    `${id} completed`,
    async () => {
      const [row] = await s().admin.query<{ status: string }>(`SELECT status FROM sys_invocation WHERE id = '${id}'`);
      return row?.status === "completed";
    },
    60_000,
    200,
  );

describe("kill verbs follow what they interrupted", () => {
  it("nothing in flight: kill-worker says so in one line, suggests a scenario, and exits 0", async () => {
    const r = await s().cli(["kill-worker", "--down", "500ms"], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/killed worker pid \d+/);
    const last = r.stdout.trim().split("\n").at(-1)!;
    expect(last).toMatch(/^nothing was in flight, so nothing was interrupted; .*npx patterns send-post userid1 "hello" --pending 6/);
  }, 90_000);

  it("the kill is said before the way back, in one stream as a terminal shows stderr and stdout together", async () => {
    const r = spawnSync("sh", ["-c", '"$0" "$@" 2>&1', process.execPath, cliPath, "kill-worker", "--down", "500ms", "--no-follow", "--state-dir", s().stateDir], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 60_000,
    });
    expect(r.status, r.stdout).toBe(0);
    const lines = r.stdout.split("\n");
    const kill = lines.findIndex((l) => /(SIGKILL sent to|killed) worker pid \d+/.test(l));
    const back = lines.findIndex((l) => /worker (back as pid|was down)/.test(l));
    expect(kill, r.stdout).toBeGreaterThanOrEqual(0);
    expect(back, r.stdout).toBeGreaterThan(kill);
  }, 90_000);

  it("kill-worker --json while a post is pending: it names that invocation, whose final status is completed, its steps replayed", async () => {
    const user = uniqueKey("killw");
    const id = await heldPost(user);
    const before = s().pids().worker;
    const killing = s().cli(["kill-worker", "--down", "1s", "--json"], { timeoutMs: 120_000 });
    await replaced("worker", before);
    await approve(user);
    const r = await killing;
    expect(r.code, r.stderr).toBe(0);
    const k = json<KillFollowResult>(r);
    expect(k).toMatchObject({ component: "worker", waited: true, followed: true });
    expect(k.newPid).not.toBe(k.pid);
    const mine = k.inFlight.find((i) => i.id === id);
    expect(mine, `${id} among ${JSON.stringify(k.inFlight.map((i) => i.id))}`).toBeDefined();
    expect(mine).toMatchObject({ target: expect.stringMatching(/^userFeed\/killw-[0-9a-f]+\/processPost$/), status: "completed", outcome: "completed", bodiesRunAgain: [] });
    expect(mine!.before.where).toMatch(/moderation/);
    expect(mine!.attemptsAfterKill).toBeGreaterThanOrEqual(1);
    // its first step ran before the kill; the new worker took it from the journal
    expect(mine!.stepsReplayed).toContain("create post");
    expect(k.summary).toMatchObject({ interrupted: k.inFlight.length, completed: k.inFlight.length, resumed: k.inFlight.length, bodiesRunAgain: 0 });
    expect((k.summary as { stepsReplayed: number }).stepsReplayed).toBeGreaterThanOrEqual(1);
  }, 150_000);

  it("kill-worker --no-follow: lists the pending post, kills, and says what was interrupted only", async () => {
    const user = uniqueKey("nofollow");
    const id = await heldPost(user);
    const r = await s().cli(["kill-worker", "--down", "500ms", "--no-follow"], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/in flight before the kill: \d+ invocations?/);
    expect(r.stdout).toContain(shortRef(id));
    expect(r.stdout).not.toMatch(/steps? replayed/);
    const last = r.stdout.trim().split("\n").at(-1)!;
    expect(last).toMatch(new RegExp(`^\\d+ interrupted: .*${quoted(shortRef(id))}.*not followed \\(--no-follow\\)`));
    await approve(user);
    await completed(id);
  }, 120_000);

  it("send-post --follow with a worker kill in the middle shows the crash, the restart and the replayed steps", async () => {
    const user = uniqueKey("follow");
    const following = s().cli(["send-post", user, "kill me", "--hold", "--follow"], { timeoutMs: 120_000, env: { COLUMNS: "200" } });
    const id = await eventually(
      `${user}'s post in its moderation sleep`,
      async () => {
        const [row] = await s().admin.query<{ id: string }>(`SELECT id FROM sys_invocation WHERE target = 'userFeed/${user}/processPost'`);
        if (!row) return undefined;
        return (await s().admin.query(`SELECT index FROM sys_journal WHERE id = '${row.id}' AND entry_type = 'Command: Sleep'`)).length > 0 ? row.id : undefined;
      },
      60_000,
      100,
    );
    const kill = await s().cli(["kill-worker", "--down", "500ms", "--no-follow", "--json"], { timeoutMs: 60_000 });
    const killed = json<KillFollowResult>(kill);
    await approve(user);
    const r = await following;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`✕ .*${quoted(shortRef(id))} worker pid ${killed.pid} died \\(SIGKILL\\)`));
    expect(r.stdout).toMatch(new RegExp(`${quoted(shortRef(id))} attempt \\d+ on a NEW worker \\(pid ${killed.newPid}, was ${killed.pid}\\): replaying the journal`));
    expect(r.stdout).toMatch(new RegExp(`↺ userFeed/${user}/processPost: replayed from the journal, body not run again: "create post"`));
    expect(r.stdout).toMatch(new RegExp(`✓ ${id} completed`));
  }, 150_000);

  it("kill-restate while a post is pending: the live view shows the crash and the restart, and the summary line ends the output", async () => {
    const user = uniqueKey("killr");
    const id = await heldPost(user);
    const before = s().pids().restate;
    const killing = s().cli(["kill-restate", "--down", "1s"], { timeoutMs: 120_000, env: { COLUMNS: "200" } });
    await replaced("restate", before);
    await approve(user);
    const r = await killing;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(shortRef(id));
    expect(r.stdout).toMatch(/restate-server pid \d+ died \(SIGKILL\)/);
    expect(r.stdout).toMatch(/attempt \d+ after a restate-server restart/);
    expect(r.stdout).toMatch(new RegExp(`${quoted(shortRef(id))} +userFeed/killr-[0-9a-f]+/processPost +completed`));
    const last = r.stdout.trim().split("\n").at(-1)!;
    expect(last).toMatch(/^1 interrupted, 1 resumed, 1 completed, \d+ steps? replayed, 0 bodies run again$/);
  }, 150_000);
});
