// Fixing forward through the user's doors: `rerun` (restart-as-new from a step) on the shared stack, its refusals;
// `pause`/`resume` on fixed code, `replay-check` clean and mismatched and the fix-forward tour on a private stack
// (they redeploy the worker); `start --always-replay` on another private stack.
import { describe, expect, it } from "vitest";
import { eventually, json, patterns, privateStack, stack, uniqueKey, type OwnStack } from "../helpers.js";
import { readLedger, type LedgerEntry } from "../../src/services/lib/simulated.js";
import { expectEachEffectOnce } from "../fix-forward-ledger.js";
import { control } from "../../src/runtime/stack.js";
import { statePaths } from "../../src/runtime/paths.js";
import { FIX_CODE_ENV, FIX_ORDERS, FIX_STEPS } from "../../src/services/fix-forward/api.js";
import { CODE_VARIANT_ENV, VERSION_SERVICE } from "../../src/services/system/steps.js";
import type { Timeline } from "../../src/observe/types.js";

const LONG = 600_000;
const cli = (args: string[]) => patterns(args, { timeoutMs: 300_000 });

interface Outcome {
  id: string;
  status: string;
  result?: string;
  uiUrl?: string;
  replayed: string[];
  live: string[];
  timeline: Timeline;
}
interface RerunJson {
  newInvocationId: string;
  uiUrl?: string;
  from: { index?: number; step?: string; copyUpTo: number };
  outcome: Outcome;
}
interface ErrorJson {
  error: { message: string; fix?: string; exitCode: number };
}

async function sendAndComplete(base: string, path: string, body: unknown, cliOf: (a: string[]) => ReturnType<typeof cli>): Promise<string> {
  const res = await fetch(`${base}${path}/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const { invocationId } = (await res.json()) as { invocationId: string };
  expect(invocationId, `send ${path}`).toMatch(/^inv_/);
  await eventually(
    `${invocationId} (${path}) completed`,
    async () => {
      const t = json<{ timelines: Timeline[] }>(await cliOf(["timeline", invocationId, "--json", "--no-children"])).timelines[0]!;
      return t.invocation.status === "completed" ? t : undefined;
    },
    120_000,
    500,
  );
  return invocationId;
}

const names = (steps: string[]) => steps.map((s) => s.replace(/^\d+ /, ""));
const effectsOf = (stateDir: string, system: string, action: string, invocationId?: string) =>
  readLedger(stateDir, { system, action }).filter((e: LedgerEntry) => !invocationId || (e.detail as { invocationId?: string } | undefined)?.invocationId === invocationId);

describe("rerun: restart a completed invocation from a step", () => {
  it(
    'a user-feed post rerun from "update feed": create post and every moderation check REPLAYED, no second post, the feed updated live',
    async () => {
      const user = uniqueKey("ff-user");
      const original = await sendAndComplete(stack().ingressUrl, `/userFeed/${user}/processPost`, { content: "fix forward", pendingChecks: 1 }, cli);
      const created = effectsOf(stack().stateDir, "posts", "create", original);
      expect(created, "the original created its post once").toHaveLength(1);
      const postId = created[0]!.key;

      const r = await cli(["rerun", original, "--from", "update feed", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const d = json<RerunJson>(r);
      expect(d.from.step).toBe("update feed");
      expect(d.outcome).toMatchObject({ status: "completed", result: "success" });
      expect(names(d.outcome.replayed)).toEqual(["create post", "check moderation", "check moderation"]);
      expect(names(d.outcome.live)).toEqual(["update feed"]);
      expect(d.uiUrl).toBe(`${stack().adminUrl}/ui/invocations/${d.newInvocationId}`);
      // the simulated systems: still one post; the feed was published again, by the new invocation
      expect(readLedger(stack().stateDir, { system: "posts", action: "create", key: postId }), "posts created for the post").toHaveLength(1);
      expect(effectsOf(stack().stateDir, "feed", "publish", d.newInvocationId), "feed updates by the rerun").toHaveLength(1);

      // timeline and invocations link the two
      const before = json<{ timelines: Timeline[] }>(await cli(["timeline", original, "--json"])).timelines[0]!;
      expect(before.invocation.restartedAs).toEqual([d.newInvocationId]);
      const after = json<{ timelines: Timeline[] }>(await cli(["timeline", d.newInvocationId, "--json"])).timelines[0]!;
      expect(after.invocation.restartedFrom?.id).toBe(original);
      const text = await cli(["timeline", d.newInvocationId, "--width", "200"]);
      expect(text.stdout).toContain(`restarted as new from ${original}`);
      expect(text.stdout).toContain(`/ui/invocations/${d.newInvocationId}`);
      const rows = json<{ invocations: { id: string; restarted_from?: string; uiUrl?: string }[] }>(await cli(["invocations", "--service", "userFeed", "--key", user, "--json"])).invocations;
      const row = rows.find((x) => x.id === d.newInvocationId);
      expect(row, "the rerun in `invocations`").toBeDefined();
      expect(row).toMatchObject({ restarted_from: original, uiUrl: d.uiUrl });
    },
    LONG,
  );

  it(
    'an order (the fix-forward pattern) rerun from "send confirmation": no second charge, the confirmation sent again',
    async () => {
      const orderId = uniqueKey("ff-order");
      const original = await sendAndComplete(stack().ingressUrl, `/${FIX_ORDERS}/place`, { orderId, items: ["book"], giftNote: "happy birthday" }, cli);
      const r = await cli(["rerun", original.slice(0, 14), "--from", FIX_STEPS.confirm, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const d = json<RerunJson>(r);
      expect(names(d.outcome.replayed)).toEqual([FIX_STEPS.charge, FIX_STEPS.reserve, FIX_STEPS.label]);
      expect(names(d.outcome.live)).toEqual([FIX_STEPS.confirm]);
      expect(readLedger(stack().stateDir, { system: "payments", action: "charge", key: orderId }), "charges").toHaveLength(1);
      expect(readLedger(stack().stateDir, { system: "email", action: "confirm", key: orderId }), "confirmations").toHaveLength(2);
    },
    LONG,
  );

  it(
    "refusals exit 1 with the reason: a workflow's run handler, a journal that is gone, a step that is not there",
    async () => {
      const trip = json<{ invocationId: string }>(await cli(["saga", "book", "--json"]));
      const wf = await cli(["rerun", trip.invocationId, "--json"]);
      expect(wf.code, wf.stdout).toBe(1);
      expect(json<ErrorJson>(wf).error.message).toMatch(/does not restart a workflow's run handler/);

      const orderId = uniqueKey("ff-purged");
      const done = await sendAndComplete(stack().ingressUrl, `/${FIX_ORDERS}/place`, { orderId, items: ["pen"], giftNote: "x" }, cli);
      const purge = await fetch(`${stack().adminUrl}/invocations/${done}/purge-journal`, { method: "PATCH" });
      expect(purge.status).toBe(200);
      const gone = await cli(["rerun", done, "--from", FIX_STEPS.confirm]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/journal is gone/);

      const other = await sendAndComplete(stack().ingressUrl, `/${FIX_ORDERS}/place`, { orderId: uniqueKey("ff-o"), items: ["pen"], giftNote: "x" }, cli);
      const missing = await cli(["rerun", other, "--from", "ship it"]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/no step named "ship it"/);
      expect(missing.stderr).toContain(FIX_STEPS.charge);
    },
    LONG,
  );
});

describe("on a private stack: pause, deploy the fix, resume; replay-check; the tour", () => {
  const own = privateStack();
  const reload = (s: OwnStack, env: Record<string, string>) => control(statePaths(s.stateDir), "POST", "/reload", { env }, 60_000);

  it(
    "an order stuck on the bug is paused, resumed on the fixed deployment: attempts on the old code, the pause, the steps before the bug REPLAYED",
    async () => {
      const s = own();
      const orderId = uniqueKey("stuck");
      const res = await fetch(`${s.ingressUrl}/${FIX_ORDERS}/place/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ orderId, items: ["lamp"] }) });
      const { invocationId: id } = (await res.json()) as { invocationId: string };
      await eventually(
        `${id} retrying at "${FIX_STEPS.label}"`,
        async () => {
          const t = json<{ timelines: Timeline[] }>(await s.cli(["timeline", id, "--json"])).timelines[0]!;
          return t.markers.filter((m) => m.kind === "transient-error" || m.kind === "attempt").length >= 3 && t.invocation.lastFailure?.step === FIX_STEPS.label;
        },
        60_000,
        300,
      );
      const p = await s.cli(["pause", id, "--json"]);
      expect(p.code, p.stderr).toBe(0);
      expect(json<{ status: string }>(p).status).toBe("paused");
      await reload(s, { [FIX_CODE_ENV]: "fixed" });
      const r = await s.cli(["resume", id, "--on", "latest", "--json"], { timeoutMs: 300_000 });
      expect(r.code, r.stderr).toBe(0);
      const d = json<{ outcome: Outcome }>(r);
      expect(d.outcome).toMatchObject({ status: "completed", result: "success" });
      expect(names(d.outcome.replayed)).toEqual([FIX_STEPS.charge, FIX_STEPS.reserve]);
      const kinds = d.outcome.timeline.markers.map((m) => (m.kind === "attempt" ? `attempt:${m.cause}` : m.kind));
      const paused = kinds.indexOf("paused");
      expect(paused, kinds.join(" ")).toBeGreaterThan(kinds.indexOf("attempt:retry"));
      expect(kinds.slice(paused)).toContain("attempt:resume");
      expectEachEffectOnce(s.stateDir, orderId);
      await reload(s, {});
    },
    LONG,
  );

  it(
    "rerun --on original runs on the deployment it ran on while it exists, and is refused once that one drained",
    async () => {
      const s = own();
      const orderId = uniqueKey("orig");
      const id = await sendAndComplete(s.ingressUrl, `/${FIX_ORDERS}/place`, { orderId, items: ["cup"], giftNote: "thanks" }, (a) => s.cli(a));
      const kept = await s.cli(["rerun", id, "--from", FIX_STEPS.confirm, "--on", "original", "--json"], { timeoutMs: 300_000 });
      expect(kept.code, kept.stderr).toBe(0);
      expect(json<RerunJson>(kept).outcome).toMatchObject({ status: "completed", result: "success" });
      const before = json<{ deployments?: { id: string; phase: string }[] }>(await s.cli(["status", "--json"])).deployments?.find((d) => d.phase === "current")?.id;
      await reload(s, {});
      await eventually(
        `${before} drained`,
        async () => json<{ deployments?: { id: string; phase: string }[] }>(await s.cli(["status", "--json"])).deployments?.some((d) => d.id === before && d.phase === "drained"),
        60_000,
        500,
      );
      const gone = await s.cli(["rerun", id, "--from", FIX_STEPS.confirm, "--on", "original"]);
      expect(gone.code, gone.stdout).toBe(1);
      expect(gone.stderr).toMatch(new RegExp(`the deployment ${id} ran on \\(${before}\\) is gone`));
      expect(gone.stderr).toMatch(/drop --on original/);
    },
    LONG,
  );

  it(
    "replay-check: clean on the same code and after a compatible edit; after two steps are swapped it exits 1 naming the index and both steps",
    async () => {
      const s = own();
      for (let i = 0; i < 2; i++) await sendAndComplete(s.ingressUrl, `/${VERSION_SERVICE}/order`, {}, (a) => s.cli(a));
      type Check = { verdict: string; mismatch?: { journalIndex?: number; recorded: string; now: string; code: string } };
      type Report = { checked: number; clean: number; problems: number; effectsDuringCheck: number; results: Check[] };
      const same = await s.cli(["replay-check", "versioning", "--last", "2", "--json"], { timeoutMs: 300_000 });
      expect(same.code, same.stderr).toBe(0);
      expect(json<Report>(same)).toMatchObject({ checked: 2, clean: 2, problems: 0, effectsDuringCheck: 0 });

      await reload(s, { [CODE_VARIANT_ENV]: "v1-reworded" });
      const compatible = await s.cli(["replay-check", "versioning", "--last", "2", "--json"], { timeoutMs: 300_000 });
      expect(compatible.code, compatible.stderr).toBe(0);
      expect(json<Report>(compatible)).toMatchObject({ checked: 2, clean: 2 });

      await reload(s, { [CODE_VARIANT_ENV]: "v1-swapped" });
      const swapped = await s.cli(["replay-check", "versioning", "--last", "2", "--json"], { timeoutMs: 300_000 });
      expect(swapped.code, swapped.stdout).toBe(1);
      const rep = json<Report>(swapped);
      expect(rep.problems).toBe(2);
      for (const c of rep.results) {
        expect(c.verdict).toBe("mismatch");
        expect(c.mismatch).toMatchObject({ journalIndex: 1, code: "RT0016", recorded: 'step "reserve stock"', now: 'step "ship"' });
      }
      const text = await s.cli(["replay-check", "versioning", "--last", "1"], { timeoutMs: 300_000 });
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/journal index 1: recorded step "reserve stock", the current code ran step "ship"/);
      await reload(s, {});
    },
    LONG,
  );

  it(
    "replay-check of a user-feed post is clean: the feed entry it writes names the invocation its journal recorded, not the check's own",
    async () => {
      const s = own();
      const user = `rc-${Date.now().toString(36)}`;
      await sendAndComplete(s.ingressUrl, `/userFeed/${user}/processPost`, { content: "replayed as it was", pendingChecks: 1 }, (a) => s.cli(a));
      const r = await s.cli(["replay-check", "user-feed", "--last", "1", "--json"], { timeoutMs: 300_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(json<{ checked: number; clean: number; problems: number }>(r)).toMatchObject({ checked: 1, clean: 1, problems: 0 });
    },
    LONG,
  );

  it(
    "the fix-forward tour passes",
    async () => {
      const r = await own().cli(["tour", "fix-forward", "--yes", "--json"], { timeoutMs: 300_000 });
      expect(r.code, r.stderr).toBe(0);
    },
    LONG,
  );
});

describe("start --always-replay", () => {
  const own = privateStack(["--always-replay"]);

  it(
    "status says so, and a saga's timeline shows a replay after each suspension",
    async () => {
      const s = own();
      expect(json<{ alwaysReplay: boolean }>(await s.cli(["status", "--json"])).alwaysReplay).toBe(true);
      expect((await s.cli(["status"])).stdout).toMatch(/always replay\s+on/);
      const trip = json<{ invocationId: string; outcome: string }>(await s.cli(["saga", "book", "--json"], { timeoutMs: 300_000 }));
      const t = json<{ timelines: Timeline[] }>(await s.cli(["timeline", trip.invocationId, "--json", "--no-children"])).timelines[0]!;
      const resumes = t.attempts.filter((a) => a.cause === "resume");
      // the saga awaits its calls one by one: each await suspends, and the next step runs after a replay
      expect(resumes.length, t.markers.map((m) => m.text).join(" | ")).toBeGreaterThanOrEqual(3);
      const charge = t.entries.find((e) => e.kind === "run" && e.name === "Charge payment");
      expect(charge?.execution?.verdict).toBe("replayed");
      expect(charge?.execution?.replayedIn.length).toBeGreaterThanOrEqual(2);
    },
    LONG,
  );
});
