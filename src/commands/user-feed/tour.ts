// The user-feed scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import { randomBytes } from "node:crypto";
import type { RunningStack } from "../../runtime/stack.js";
import { readLedger } from "../../services/lib/simulated.js";
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { POSTS_SINK, POSTS_TOPIC, readFeed } from "./run.js";
import { sendToSink, type SentRecord } from "../lib/records.js";
import { completedOrLatest, countInvocationsByKey, journal, type InvocationRow } from "../../observe/index.js";
import type { SocialMediaPost } from "../../services/user-feed/user-feed.js";
import { appearsOnce, claim, journalChecks, runsNamed } from "../../tours/claims.js";
import { humanDuration } from "../../ui/output.js";

function runId(): string {
  return randomBytes(3).toString("hex");
}

interface JournalTimes {
  /** appended_at of the first entry with that name (ms) */
  firstStep(name: string): number | undefined;
}

async function journalOf(stack: RunningStack, id: string): Promise<JournalTimes> {
  const rows = await journal(stack.admin, [id]);
  return {
    firstStep: (name) => {
      const r = rows.find((x) => x.name === name && x.entry_type === "Command: Run");
      return r?.appended_at ? Date.parse(r.appended_at) : undefined;
    },
  };
}

const ms = (iso?: string) => (iso ? Date.parse(iso) : NaN);

function completedOk(rows: InvocationRow[], ids: string[]): Check {
  const bad = ids.filter((id) => rows.find((r) => r.id === id)?.completion_result !== "success");
  return check("every invocation completed successfully", bad.length === 0, bad.length ? `not completed successfully: ${bad.join(", ")}` : `${ids.length} invocations succeeded`);
}

/** Invocations per key for a handler: exactly the records sent, no more (a second subscription would double them). */
async function invocationsPerKey(stack: RunningStack, service: string, handler: string, expected: Record<string, number>): Promise<Check> {
  const keys = Object.keys(expected);
  const counts = await countInvocationsByKey(stack.admin, { service, handler, keys });
  const got = Object.fromEntries(keys.map((k) => [k, counts.get(k) ?? 0]));
  const ok = keys.every((k) => got[k] === expected[k]);
  return check("one invocation per record, none duplicated", ok, keys.map((k) => `${k}: ${got[k]} (expected ${expected[k]})`).join("; "));
}

/** The feeds and the simulated posts system: each post once, in order, and the feed's post is the one created. */
async function feedChecks(stack: DemoContext["stack"], o: { u1: string; u2: string; ids: string[]; contents: [string, string] }) {
  const { u1, u2, ids } = o;
  const checks: Check[] = [];
  const [f1, f2] = [await readFeed(stack, u1), await readFeed(stack, u2)];
  checks.push(
    check(
      "each feed holds its posts once, in order",
      f1.map((p) => p.content).join("|") === o.contents.join("|") && f2.length === 1 && new Set(f1.map((p) => p.postId)).size === 2,
      `${u1}: ${f1.map((p) => JSON.stringify(p.content)).join(", ")}; ${u2}: ${f2.length} post(s)`,
    ),
  );
  const created = readLedger(stack.paths.root, { system: "posts", action: "create" }).filter((e) => ids.includes((e.detail as { invocationId?: string })?.invocationId ?? ""));
  const perInvocation = ids.map((id) => created.filter((e) => (e.detail as { invocationId?: string }).invocationId === id).length);
  const feedIds = new Set([...f1, ...f2].map((p) => p.postId));
  checks.push(
    check(
      "each post was created exactly once in the simulated posts system, and that post is the one in the feed",
      perInvocation.every((n) => n === 1) && created.every((e) => feedIds.has(e.key)),
      `creates per post: ${perInvocation.join(", ")}`,
    ),
  );
  return { checks, feeds: [f1, f2] as const };
}

// ---- user-feed -------------------------------------------------------------------------------------------------

export async function demo(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const run = runId();
  const u1 = `userid1-${run}`;
  const u2 = `userid2-${run}`;
  // The seed's three records; the playground's pendingChecks makes the seed's log deterministic: userid1's first
  // post stays pending for 3 checks, userid2's is approved at once, the second post after one check.
  const first: SocialMediaPost = { content: "Hi! This is my first post!", metadata: "public", pendingChecks: 3 };
  const other: SocialMediaPost = { content: "Hi! This is my first post!", metadata: "public", pendingChecks: 0 };
  const second: SocialMediaPost = { content: "Hi! This is my second post!", metadata: "public", pendingChecks: 1 };
  say(`users ${u1} and ${u2} (run ${run}); three records on ${POSTS_TOPIC}, one partition, in this order:`);
  say(`  ${u1}: first post (moderation pending for 3 checks)`);
  say(`  ${u2}: first post (approved at once)`);
  say(`  ${u1}: second post (pending for 1 check)`);
  const sent = await sendToSink(stack, POSTS_TOPIC, POSTS_SINK, [
    { key: u1, value: first },
    { key: u2, value: other },
    { key: u1, value: second },
  ]);
  const [r1, r2, r3] = sent.records as [SentRecord, SentRecord, SentRecord];
  say(
    sent.via === "kafka"
      ? `produced at offsets ${sent.records.map((r) => r.offset).join(", ")}; invocations ${sent.records.map((r) => r.invocationId ?? "?").join(", ")}`
      : "no broker (--no-kafka): sent through the ingress with the same keys",
  );
  const ids = sent.records.map((r) => r.invocationId).filter((x): x is string => !!x);
  const checks: Check[] = [check("each record was ingested as an invocation", ids.length === 3, `${ids.length} of 3 found in Restate`)];
  if (ids.length < 3) return { checks, data: { run, users: [u1, u2], records: sent.records } };

  say("waiting for the three posts (moderation polls every 5 s nominal, scaled)…");
  const rows = await completedOrLatest(stack.admin, ids, { timeoutMs: 120_000, everyMs: 250 });
  const row = (id: string) => rows.find((r) => r.id === id);
  const [p1, p2] = [row(r1.invocationId!), row(r2.invocationId!)];
  checks.push(completedOk(rows, ids));
  checks.push(await invocationsPerKey(stack, POSTS_SINK.service, POSTS_SINK.handler, { [u1]: 2, [u2]: 1 }));

  const j3 = await journalOf(stack, r3.invocationId!);
  // userid2 was produced after userid1's first post, yet finished while that post was still polling
  checks.push(
    check(
      `no head-of-line blocking: ${u2} completed while ${u1}'s first post was still polling`,
      ms(p2?.completed_at) < ms(p1?.completed_at),
      `${u2} completed ${humanDuration(ms(p1?.completed_at) - ms(p2?.completed_at))} before ${u1}'s first post`,
    ),
  );
  const secondStarted = j3.firstStep("create post");
  checks.push(
    check(
      `per-key order: ${u1}'s second post started only after the first completed`,
      secondStarted !== undefined && secondStarted >= ms(p1?.completed_at),
      secondStarted !== undefined ? `"create post" of the second post ${humanDuration(secondStarted - ms(p1?.completed_at))} after the first completed` : "no create post step",
    ),
  );
  const polled = claim(`${u1}'s first post: moderation was polled 4 times with a durable sleep between polls, each poll's body run once`, r1.invocationId, (t) => {
    const sleeps = t.entries.filter((e) => e.kind === "sleep" && !e.pending);
    const polls = runsNamed(t, "check moderation").filter((l) => l.owner === t);
    const twice = polls.filter((l) => l.entry.execution?.verdict !== "live" && l.entry.execution?.verdict !== "replayed");
    return {
      ok: sleeps.length === 3 && polls.length === 4 && twice.length === 0,
      detail: `${polls.length} "check moderation" steps (${polls.map((l) => l.entry.execution?.verdict ?? "?").join(", ")}), ${sleeps.length} durable sleeps in its journal`,
    };
  });
  say(`  journal: ${polled.says}`);
  checks.push(...(await journalChecks(stack, [polled])));

  const posts: [string, string][] = [
    [`${u1}'s first post`, r1.invocationId!],
    [`${u2}'s post`, r2.invocationId!],
    [`${u1}'s second post`, r3.invocationId!],
  ];
  const claims = posts.map(([label, id]) => appearsOnce(id, "create post", `${label}: "create post" is in its journal once and its body ran once, so the post id is kept`));
  for (const cl of claims) say(`  journal: ${cl.says}`);
  checks.push(...(await journalChecks(stack, claims)));

  const feeds = await feedChecks(stack, { u1, u2, ids, contents: [first.content, second.content] });
  checks.push(...feeds.checks);
  const [f1, f2] = feeds.feeds;
  return { checks, data: { run, users: [u1, u2], firstPost: r1.invocationId, records: sent.records, feed: { [u1]: f1, [u2]: f2 } } };
}
