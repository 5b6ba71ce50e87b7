// `patterns send-post <user>` and `patterns feed <user>`: the user feed fed from Kafka.
import { intOption } from "../common.js";
import type { RunningStack } from "../../runtime/stack.js";
import { scaleDuration } from "../../runtime/config.js";
import { attach } from "../../runtime/ingress.js";
import { UsageError } from "../../errors.js";
import { out, printJson, printNdjson, shortId, humanDuration } from "../../ui/output.js";
import { table } from "../../ui/text.js";
import { c, sym } from "../../ui/palette.js";
import { buildPosts, POSTS_TOPIC, readFeed, sendPosts, type SendResult } from "./run.js";
import { invocations, type InvocationRow } from "../../observe/index.js";
import { followLive } from "../../observe/follow.js";
import { replayLines } from "../../observe/inflight.js";
import { defaultWidth } from "../../observe/render.js";
import { verb, type Declaration, type VerbContext } from "../verb.js";
import { approveUser, CHAOS_MAX_CHECKS, DEFAULT_PENDING_CHECKS, MODERATION_POLL_NOMINAL_MS } from "../../services/simulations/moderation.js";
import { kafkaEquivalent, describeSent, viaNote, missingInvocations, missingError, checkRecordKey } from "../lib/records.js";

const SEED_POST = "Hi! This is my first post!";

/** A completed invocation's output (attaching to a completed invocation answers at once). */
async function outputOf(stack: RunningStack, id: string): Promise<unknown> {
  return attach(stack.ingressUrl, id).catch(() => undefined);
}

/** Follow the posts' invocations live (the timeline's follow view: steps, crashes, restarts, replays), then their outputs. */
async function follow(ctx: VerbContext<unknown>, stack: RunningStack, ids: string[]): Promise<InvocationRow[]> {
  ctx.say(c.dim(`following ${ids.length} invocation(s) until they complete (Ctrl+C stops following, not the invocation)`));
  const followed = await followLive(stack.admin, stack.paths, { ids, json: ctx.json, width: defaultWidth(), timeoutMs: 10 * 60_000, finalTimelines: false });
  const rows = await invocations(stack.admin, { ids });
  if (ctx.json) return rows;
  // after a crash, the live lines showed each step once, as it first ran: say what the retry took from the journal
  for (const t of followed.timelines) for (const l of replayLines(t)) out(`${c.info("↺")} ${l}`);
  for (const row of rows) {
    const output = row.completion_result === "success" ? await outputOf(stack, row.id) : undefined;
    const took = row.created_at && row.completed_at ? Date.parse(row.completed_at) - Date.parse(row.created_at) : NaN;
    if (row.completion_result === "success") out(`${sym.ok} ${c.id(row.id)} completed in ${humanDuration(took)}${output ? c.dim(`  ${JSON.stringify(output)}`) : ""}`);
    else if (row.status === "completed") out(`${sym.fail} ${c.id(row.id)} failed: ${row.completion_failure ?? "?"}`);
    else out(`${sym.warn} ${c.id(row.id)} is still ${row.status ?? "unknown"}`);
  }
  return rows;
}

/** Streams with --follow (NDJSON under --json), so it prints for itself; the data is only what the exit code needs. */
const sendPost = verb({
  path: "send-post",
  group: "patterns",
  summary: "post to topic social-media-posts; userFeed/{user}/processPost handles it (per-user order, no head-of-line blocking)",
  args: [
    { name: "<user>", description: "user id: the Kafka key and the userFeed object key" },
    { name: "[content]", description: "the post's text", default: SEED_POST },
  ],
  options: [
    { flags: "--pending <n>", description: `moderation checks the post stays pending (default ${DEFAULT_PENDING_CHECKS})`, parse: intOption("--pending", 0, 100) },
    { flags: "--count <n>", description: "send n posts (numbered)", parse: intOption("--count", 1, 1000) },
    { flags: "--metadata <text>", description: "the seed's metadata field", default: "public" },
    { flags: "--chaos", description: "random moderation (the seed's 80 % pending), instead of deterministic" },
    { flags: "--hold", description: "pending until a moderator approves: npx patterns moderate <user> (keeps it in flight for a kill)" },
    { flags: "--follow", description: "show the post's steps live until it completes (NDJSON with --json)" },
  ],
  examples: [
    'npx patterns send-post userid1 "Hi! This is my first post!"',
    'npx patterns send-post userid2 "Hi! This is my first post!" --pending 0',
    'npx patterns send-post userid1 "Hi! This is my second post!" --follow',
    "npx patterns send-post userid3 --count 5 --json",
  ],
  async run(ctx: VerbContext<{ pending?: number; count?: number; follow?: boolean; chaos?: boolean; hold?: boolean; metadata?: string }>, user: string, content: string | undefined) {
    const o = ctx.opts;
    if ([o.chaos, o.pending !== undefined, o.hold].filter(Boolean).length > 1) throw new UsageError("--chaos, --pending and --hold contradict each other", "pass one of them");
    const stack = ctx.stack();
    const posts = buildPosts({ content: content ?? SEED_POST, metadata: o.metadata, pending: o.pending, chaos: o.chaos, hold: o.hold, count: o.count });
    const pollMs = scaleDuration(MODERATION_POLL_NOMINAL_MS, stack.state.timeScale);
    const moderation = o.chaos
      ? `[SIMULATED moderation] random (--chaos): 80 % pending per check, at most ${CHAOS_MAX_CHECKS} checks`
      : o.hold
        ? `[SIMULATED moderation] held until a moderator approves: npx patterns moderate ${user}`
        : `[SIMULATED moderation] pending for ${o.pending ?? DEFAULT_PENDING_CHECKS} check(s)${o.pending === undefined ? " (default)" : ""}`;
    ctx.say(c.dim(`${moderation}; polls every 5 s nominal = ${humanDuration(pollMs)} at this time scale`));
    const step = ctx.spinner(`sending ${posts.length} post(s) for ${user}`);
    let res: SendResult;
    try {
      res = await sendPosts(stack, user, posts);
    } catch (e) {
      step.fail();
      throw e;
    }
    step.succeed(`sent ${posts.length} post(s) for ${user}`);
    const missing = missingInvocations(res);
    if (o.follow && ctx.json) for (const r of res.records) printNdjson({ event: "sent", via: res.via, ...r });
    else if (ctx.json) printJson({ via: res.via, topic: POSTS_TOPIC, records: res.records });
    else for (const r of res.records) out(describeSent(r));
    if (!ctx.json) {
      viaNote(ctx, res, stack);
      ctx.equivalent(
        res.via === "kafka" ? kafkaEquivalent(ctx, stack, POSTS_TOPIC, res.records) : { url: `${stack.ingressUrl}/userFeed/${encodeURIComponent(user)}/processPost/send`, body: posts[0] },
      );
    }
    if (missing.length) throw missingError(missing);
    if (!o.follow) {
      ctx.say(c.dim(`watch it: npx patterns send-post ${user} --follow …, or npx patterns feed ${user}`));
      return { failed: false };
    }
    const rows = await follow(
      ctx,
      stack,
      res.records.map((r) => r.invocationId!),
    );
    const failed = rows.some((r) => r.completion_result !== "success");
    if (!failed) ctx.say(c.dim(`see the feed: npx patterns feed ${user}`));
    return { failed };
  },
  exitCode: (d) => (d.failed ? 1 : 0),
});

const feed = verb({
  path: "feed",
  group: "patterns",
  summary: "the posts in a user's feed, in order (state of userFeed/{user}, read with the shared handler getFeed)",
  args: [{ name: "<user>", description: "user id" }],
  examples: ["npx patterns feed userid1", "npx patterns feed userid1 --json"],
  async run(ctx, user: string) {
    const stack = ctx.stack();
    const posts = await readFeed(stack, user);
    ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}/userFeed/${encodeURIComponent(user)}/getFeed` });
    return { user, posts };
  },
  render: (d) => {
    if (d.posts.length === 0) return [c.dim(`the feed of ${d.user} is empty`)];
    return table(
      ["#", "at", "post", "content", "via"],
      d.posts.map((p, i) => [String(i + 1), p.at, shortId(p.postId, 8), p.content, p.via === "kafka" ? `kafka offset ${p.offset}` : "ingress"]),
    );
  },
});

/** `package …` and `delivery …`: the same three verbs over each tracker of TRACKERS. */

const moderate = verb({
  path: "moderate",
  group: "patterns",
  summary: "[SIMULATED moderation] a moderator approves the posts of <user> held with send-post --hold",
  args: [{ name: "<user>", description: "user id whose held posts are approved" }],
  examples: ["npx patterns send-post userid4 --hold", "npx patterns moderate userid4"],
  async run(ctx: VerbContext<object>, user: string) {
    checkRecordKey(user, "user");
    approveUser(user, ctx.stack().paths.root);
    return { user, approved: true };
  },
  render: (r) => [`approved the held posts of ${r.user}: their next moderation check publishes them (npx patterns feed ${r.user})`],
});

export const declarations: Declaration[] = [sendPost, feed, moderate];
