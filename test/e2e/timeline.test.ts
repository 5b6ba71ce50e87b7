// `timeline` on the shared stack: one invocation as a tree (--json field by field, and the text), --key, --lanes with
// parallel and queued keys, --follow, the list, and the errors (unknown id → 1, bad flags → 2).
import { describe, expect, it } from "vitest";
import { eventually, ingress, patterns, stack, uniqueKey } from "../helpers.js";
import type { Timeline } from "../../src/observe/types.js";
import type { LanesResult, ListResult, TimelinesResult } from "../../src/commands/timeline/run.js";

async function recovery(body: Record<string, unknown>): Promise<string> {
  const r = await ingress("/playground/recovery", body);
  expect(r.status, r.text).toBe(200);
  const id = r.headers.get("x-restate-id");
  expect(id).toMatch(/^inv_/);
  return id!;
}

async function completed(ids: string[]): Promise<void> {
  const list = ids.map((i) => `'${i}'`).join(", ");
  await eventually(
    `invocations ${ids.join(", ")} completed`,
    async () => {
      const rows = await stack().admin.query<{ status: string }>(`SELECT status FROM sys_invocation WHERE id IN (${list})`);
      return rows.length === ids.length && rows.every((r) => r.status === "completed");
    },
    60_000,
    200,
  );
}

describe("timeline of one invocation", () => {
  it("--json: entries in journal order, every run live, the sleep's wake-up time, the call and the send as children", async () => {
    const key = uniqueKey("tl");
    const id = await recovery({ key, sleepMs: 1000, children: true });
    // the delayed send's child runs after the parent returns
    await eventually("both children completed", async () => {
      const rows = await stack().admin.query<{ status: string }>(`SELECT status FROM sys_invocation WHERE invoked_by_id = '${id}'`);
      return rows.length === 2 && rows.every((r) => r.status === "completed");
    });
    const r = await patterns(["timeline", id, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as TimelinesResult;
    expect(doc.filter).toEqual({ id });
    expect(doc.timelines).toHaveLength(1);
    const t = doc.timelines[0]!;
    expect(t.invocation).toMatchObject({
      id,
      target: "playground/recovery",
      service: "playground",
      handler: "recovery",
      status: "completed",
      result: "success",
      invokedBy: "ingress",
      steps: 5,
      retries: 0,
    });
    expect(t.invocation.durationMs).toBeGreaterThanOrEqual(1000);
    expect(t.stepLog).toBe(true);
    expect(t.entries.map((e) => [e.kind, e.name ?? e.target])).toEqual([
      ["input", undefined],
      ["run", "prepare"],
      ["sleep", "cool-off"],
      ["run", "commit"],
      ["call", `playgroundLane/recovery-${key}/work`],
      ["send", `playgroundLane/recovery-${key}/work`],
      ["output", undefined],
    ]);
    for (const e of t.entries.filter((x) => x.kind === "run")) {
      expect(e.execution?.verdict, e.name).toBe("live");
      expect(e.execution?.bodyRuns).toHaveLength(1);
      expect(e.execution?.replayedIn).toEqual([]);
      expect(e.pending).toBe(false);
      expect(e.durationMs).toBeGreaterThanOrEqual(150);
    }
    const sleep = t.entries.find((e) => e.kind === "sleep")!;
    expect(Date.parse(sleep.dueAt!) - Date.parse(sleep.at)).toBeGreaterThanOrEqual(900);
    expect(sleep.completedAt).toBeDefined();
    const call = t.entries.find((e) => e.kind === "call")!;
    const send = t.entries.find((e) => e.kind === "send")!;
    expect(call.childId).toMatch(/^inv_/);
    expect(JSON.parse(call.value!)).toEqual({ key: `recovery-${key}`, count: 1, label: "audit (call)" });
    expect(send.dueAt).toBeDefined();
    expect(t.children.map((ch) => ch.invocation.id).sort()).toEqual([call.childId, send.childId].sort());
    for (const ch of t.children) {
      expect(ch.invocation).toMatchObject({ parentId: id, status: "completed", key: `recovery-${key}` });
      expect(ch.entries.find((e) => e.kind === "run")?.name).toBe("hold the key");
    }
    expect(t.attempts).toHaveLength(1);
    expect(t.markers.map((m) => m.kind)).toContain("completed");

    const text = await patterns(["timeline", id, "--width", "120"]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines[0]).toContain(id);
    expect(
      lines.filter((l) => l.length > 120),
      "lines wider than 120",
    ).toEqual([]);
    expect(text.stdout).toMatch(/run +prepare .*live/);
    expect(text.stdout).toMatch(/sleep +cool-off +1s +wake-up \d\d:\d\d:\d\d/);
    expect(text.stdout).toMatch(/└─ playgroundLane\/recovery-/);
    expect(text.stdout).toMatch(/ctx\.run steps: 4 ran live/);
    expect(text.stdout).not.toContain("\x1b[");
    expect(text.stderr).toContain("sys_journal"); // the equivalent query
    // COLUMNS=80 (not a terminal): every line fits, children are one row each on the parent's axis, in time order
    const narrow = await patterns(["timeline", id], { env: { COLUMNS: "80" } });
    expect(narrow.code, narrow.stderr).toBe(0);
    const narrowLines = narrow.stdout.trimEnd().split("\n");
    expect(
      narrowLines.filter((l) => [...l].length > 80),
      "lines wider than 80",
    ).toEqual([]);
    const offsets = narrowLines.flatMap((l) => {
      const m = /^ *\+(\d+(?:\.\d+)?) (ms|s)\b/.exec(l);
      return m ? [Number(m[1]) * (m[2] === "s" ? 1000 : 1)] : [];
    });
    expect(
      offsets.filter((x, i) => i > 0 && x + 10 < offsets[i - 1]!),
      "offsets that go back in time",
    ).toEqual([]);
    expect(narrow.stdout.match(/└─ playgroundLane\//g)).toHaveLength(2);
    // the shortened id from the text is accepted back
    const short = /└─ \S+ (inv_\S+…\S+)/.exec(text.stdout)![1]!;
    const again = await patterns(["timeline", short, "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect([call.childId, send.childId]).toContain((JSON.parse(again.stdout) as TimelinesResult).timelines[0]!.invocation.id);
  }, 150_000);

  it("--key: the key's invocations, oldest first", async () => {
    const key = uniqueKey("tlkey");
    const a = await ingress(`/playgroundLane/${key}/work`, { holdMs: 100, label: "one" });
    const b = await ingress(`/playgroundLane/${key}/work`, { holdMs: 100, label: "two" });
    expect([a.status, b.status]).toEqual([200, 200]);
    const r = await patterns(["timeline", "--key", key, "--service", "playgroundLane", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as TimelinesResult;
    expect(doc.filter).toMatchObject({ key, service: "playgroundLane", limit: 5 });
    expect(doc.timelines.map((t) => t.invocation.id)).toEqual([a.headers.get("x-restate-id"), b.headers.get("x-restate-id")]);
    expect(doc.timelines.map((t) => t.entries.find((e) => e.kind === "set-state")?.value)).toEqual(["1", "2"]);
    // the lanes demo is one a person starts: shown without --all
    const [text, none] = await Promise.all([patterns(["timeline", "--key", key]), patterns(["timeline", "--key", uniqueKey("nobody")])]);
    expect(text.stdout.match(/playgroundLane\/\S+\/work {2}inv_/g)).toHaveLength(2);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/no invocations for key/);
  }, 150_000);
});

describe("timeline --lanes", () => {
  it("one lane per key: three calls on one key queue, two other keys run beside them", async () => {
    const k = uniqueKey("lane");
    const keys = [`${k}-a`, `${k}-a`, `${k}-a`, `${k}-b`, `${k}-c`];
    const sent: string[] = [];
    for (const key of keys) {
      const r = await ingress(`/playgroundLane/${key}/work/send`, { holdMs: 1200 });
      expect(r.status).toBe(202);
      sent.push((r.json as { invocationId: string }).invocationId);
    }
    await completed(sent);
    const r = await patterns(["timeline", "--lanes", "--service", "playgroundLane", "--since", "2m", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as LanesResult;
    expect(v.filter).toMatchObject({ service: "playgroundLane" });
    const mine = v.lanes.filter((l) => l.key?.startsWith(k));
    expect(mine.map((l) => l.key).sort()).toEqual([`${k}-a`, `${k}-b`, `${k}-c`]);
    const a = mine.find((l) => l.key === `${k}-a`)!;
    expect(a.spans).toHaveLength(3);
    // one key runs one at a time: each of a's calls started only once the one before it had completed, and the wait
    // a span reports is its own queued → running time (no threshold on how long: that depends on the machine)
    const ms = (t: string | undefined) => Date.parse(t!);
    const byStart = [...a.spans].sort((x, y) => ms(x.runningAt) - ms(y.runningAt));
    const overlaps = byStart
      .slice(1)
      .filter((sp, i) => ms(sp.runningAt) < ms(byStart[i]!.completedAt))
      .map((sp) => sp.id);
    expect(overlaps, "a's calls that started before the previous one completed").toEqual([]);
    const wrongWait = a.spans.filter((sp) => sp.queuedAt && Math.abs(sp.waitedMs - (ms(sp.runningAt) - ms(sp.queuedAt))) > 1).map((sp) => sp.id);
    expect(wrongWait, "spans whose waitedMs is not running − queued").toEqual([]);
    expect(v.maxParallel).toBeGreaterThanOrEqual(3);
    expect(v.queued).toBeGreaterThanOrEqual(2);

    const text = await patterns(["timeline", "--lanes", "--service", "playgroundLane", "--since", "2m", "--width", "150"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`playgroundLane/${k}-a +\\S.* 3 invocations, 2 queued`));
    expect(text.stdout).toMatch(/queued behind the same key/);
  }, 150_000);
});

describe("timeline list and --follow", () => {
  it("without arguments: recent invocations with full ids; filters narrow it", async () => {
    const id = await recovery({ sleepMs: 0, workMs: 0 });
    const r = await patterns(["timeline", "--service", "playground", "--handler", "recovery", "--since", "5m", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as ListResult;
    const mine = doc.invocations.find((i) => i.id === id);
    expect(mine).toMatchObject({ target: "playground/recovery", status: "completed", steps: 3, retries: 0 });
    expect(
      doc.invocations.filter((i) => i.service !== "playground" || i.handler !== "recovery").map((i) => `${i.id} ${i.service}/${i.handler}`),
      "invocations the filters should have left out",
    ).toEqual([]);
    // a status read the CLI makes (playground/ping is doctor's): left out unless --all
    const ping = await ingress("/playground/ping", {});
    expect(ping.status).toBe(200);
    const pingId = ping.headers.get("x-restate-id")!;
    const [text, own] = await Promise.all([patterns(["timeline", "--limit", "50", "--all"]), patterns(["timeline", "--limit", "50", "--json"])]);
    expect(text.stdout).toMatch(/created +target +status +duration +steps +retries +id/);
    expect(text.stdout).toContain(id);
    expect(text.stdout, "--all lists the status read").toContain(pingId);
    const listed = (JSON.parse(own.stdout) as ListResult).invocations;
    expect(
      listed.map((i) => i.id),
      "the crash demo is a person's: listed without --all",
    ).toContain(id);
    const shown = listed.filter((i) => ["ping", "getStatus", "GetStatus"].includes(i.handler) || ["BenchSink", "chaosProof"].includes(i.service));
    expect(
      shown.map((i) => `${i.id} ${i.target}`),
      "the playground's own invocations listed without --all",
    ).toEqual([]);
  }, 150_000);

  it("--follow --json: NDJSON events until the invocation finishes, then its timeline", async () => {
    const r0 = await ingress("/playground/recovery/send", { sleepMs: 1500 });
    const id = (r0.json as { invocationId: string }).invocationId;
    const r = await patterns(["timeline", id, "--follow", "--json", "--timeout", "60s"], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; reason?: string; entry?: { kind: string; name?: string }; timelines?: Timeline[] });
    expect(events[0]).toMatchObject({ type: "watch", invocationId: id });
    expect(
      events.find((e) => e.type === "entry" && e.entry?.kind === "sleep"),
      "a sleep entry among the followed events",
    ).toBeDefined();
    expect(
      events.find((e) => e.type === "entry" && e.entry?.name === "commit"),
      "the commit step among the followed events",
    ).toBeDefined();
    expect(events.at(-2)).toMatchObject({ type: "end", reason: "finished" });
    const last = events.at(-1)!;
    expect(last.type).toBe("timelines");
    expect(last.timelines![0]!.invocation).toMatchObject({ id, status: "completed" });
  }, 150_000);
});

describe("timeline errors", () => {
  it("an unknown id exits 1 and says so", async () => {
    const [r, prefix] = await Promise.all([patterns(["timeline", "inv_1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]), patterns(["timeline", "inv_1zzzzzzzzz", "--json"])]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no invocation inv_1a+ in sys_invocation/);
    expect(r.stdout).toBe("");
    expect(prefix.code).toBe(1);
    expect(prefix.stderr).toMatch(/no invocation inv_1zzzzzzzzz/);
  }, 150_000);

  it("bad flags and arguments exit 2", async () => {
    const cases = [
      ["timeline", "not-an-id"],
      ["timeline", "--since", "soon"],
      ["timeline", "inv_1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "--key", "k"],
      ["kill-worker", "--when", "during"],
    ];
    const results = await Promise.all(cases.map((args) => patterns(args, { timeoutMs: 140_000 })));
    results.forEach((r, i) => expect(r.code, `${cases[i]!.join(" ")}: ${r.stderr}`).toBe(2));
    expect(results[0]!.stderr).toMatch(/is not an invocation id/);
  }, 180_000);
});
