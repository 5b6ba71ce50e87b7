// CLI verbs of the "events" group: Kafka-fed Virtual Objects, as declarations (src/commands/verb.ts).
//   send-post <user> [content]   a post on topic social-media-posts → userFeed/{user}/processPost
//   feed <user>                  the user's feed (durable object state)
//   package|delivery register|move|show   RPC + Kafka enrichment of a tracker object
//   produce <topic> [key:value…] kafka-console-producer style lines (parse.key=true, key.separator=:)
import { durationOption, intOption } from "./common.js";
import type { RunningStack } from "../runtime/stack.js";
import { scaleDuration } from "../runtime/config.js";
import { ingressFetch } from "../runtime/ingress.js";
import { PlaygroundError, UsageError } from "../errors.js";
import type { RawCall } from "./lib/curl.js";
import { out, printJson, printNdjson, shortId, table, humanDuration } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { buildPosts, POSTS_TOPIC, readFeed, sendPosts, sendToSink, type SendResult, type SentRecord } from "./events/posts.js";
import { outcomeOf } from "./events/invocations.js";
import { completedOrLatest, invocations, type InvocationRow } from "../observe/index.js";
import { followLive } from "../observe/follow.js";
import { defaultWidth } from "../observe/render.js";
import { moveTracked, registerTracked, seedTimestamp, showTracked, TRACKERS, type MoveResult, type Tracker } from "./events/trackers.js";
import { splitConsoleLine, TOPICS } from "../kafka/schema.js";
import type { KafkaRecord } from "../kafka/producer.js";
import type { LocationUpdate } from "../services/package-tracker/trackers.js";
import { verb, verbGroup, type Declaration, type VerbContext } from "./verb.js";
import { CHAOS_MAX_CHECKS, DEFAULT_PENDING_CHECKS, MODERATION_POLL_NOMINAL_MS } from "../services/simulations/moderation.js";

const SEED_POST = "Hi! This is my first post!";

function consoleLine(key: string, value: unknown): string {
  return `${key}:${JSON.stringify(value)}`;
}

/**
 * What the user could have typed instead: a kafka-console-producer line (said now) and the ingress call to the same
 * handler (returned, for ctx.equivalent).
 */
function kafkaEquivalent(ctx: VerbContext<unknown>, stack: RunningStack, topic: string, sent: SentRecord[]): RawCall[] {
  if (sent.length === 0) return [];
  const first = sent[0]!;
  ctx.say(c.dim(`the same record with kafka-console-producer (--bootstrap-server ${stack.state.brokers[0] ?? "127.0.0.1:9092"} --topic ${topic} --property parse.key=true --property key.separator=:):`));
  ctx.say(`  ${c.cmd(consoleLine(first.key, first.value))}`);
  const [service, key, handler] = [first.target.split("/")[0]!, first.key, first.target.split("/").slice(-1)[0]!];
  return [{ url: `${stack.ingressUrl}/${service}/${encodeURIComponent(key)}/${handler}/send`, body: first.value }];
}

function describeSent(r: SentRecord): string {
  const where = r.offset !== undefined ? `${r.topic}/${r.partition} offset ${r.offset}` : "ingress";
  const inv = r.invocationId ? c.id(r.invocationId) : c.warn("no invocation yet");
  return `${c.bold(r.key)}  ${where}  ${sym.arrow} ${inv}  ${c.dim(r.target)}`;
}

function viaNote(ctx: VerbContext<unknown>, res: SendResult, stack: RunningStack): void {
  if (res.warning) ctx.say(`${sym.warn} ${c.warn(res.warning)}`);
  if (res.via === "ingress") ctx.say(c.warn(`no Kafka broker (--no-kafka): sent through the ingress to the same handler with the same key`));
  else ctx.say(c.dim(`produced to Kafka at ${stack.state.brokers.join(",")}; the subscription turned each record into an invocation`));
}

function missingInvocations(res: SendResult): SentRecord[] {
  return res.records.filter((r) => !r.invocationId);
}

function missingError(missing: SentRecord[]): PlaygroundError {
  const list = missing.map((r) => `offset ${r.offset}`).join(", ");
  return new PlaygroundError(
    `the broker accepted ${missing.length} record(s) (${list}) but no invocation appeared within 15 s; do not send them again`,
    "check `npx patterns status` (subscriptions) and `npx patterns logs restate`",
  );
}

/** A record's failure as narration on stderr: the result stays the one document (stdout) and exitCode says it failed. */
function sayFailure(ctx: VerbContext<unknown>, err: PlaygroundError): void {
  ctx.say(`${sym.fail} ${c.fail(err.message)}`);
  if (err.fix) ctx.say(c.dim(`fix: ${err.fix}`));
}

async function outputOf(stack: RunningStack, id: string): Promise<unknown> {
  const res = await ingressFetch(stack.ingressUrl, `/restate/invocation/${encodeURIComponent(id)}/output`, { timeoutMs: 5000 }).catch(() => undefined);
  return res && res.status === 200 ? res.body : undefined;
}

/** Follow the posts' invocations live (the timeline's follow view: steps, crashes, restarts, replays), then their outputs. */
async function follow(ctx: VerbContext<unknown>, stack: RunningStack, ids: string[]): Promise<InvocationRow[]> {
  ctx.say(c.dim(`following ${ids.length} invocation(s) until they complete (Ctrl+C stops following, not the invocation)`));
  await followLive(stack.admin, stack.paths, { ids, json: ctx.json, width: defaultWidth(), timeoutMs: 10 * 60_000, finalTimelines: false });
  const rows = await invocations(stack.admin, { ids });
  if (ctx.json) return rows;
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
    { flags: "--follow", description: "show the post's steps live until it completes (NDJSON with --json)" },
  ],
  examples: [
    'npx patterns send-post userid1 "Hi! This is my first post!"',
    'npx patterns send-post userid2 "Hi! This is my first post!" --pending 0',
    'npx patterns send-post userid1 "Hi! This is my second post!" --follow',
    "npx patterns send-post userid3 --count 5 --json",
  ],
  async run(ctx: VerbContext<{ pending?: number; count?: number; follow?: boolean; chaos?: boolean; metadata?: string }>, user: string, content: string | undefined) {
    const o = ctx.opts;
    if (o.chaos && o.pending !== undefined) throw new UsageError("--chaos and --pending contradict each other", "pass one of them");
    const stack = ctx.stack();
    const posts = buildPosts({ content: content ?? SEED_POST, metadata: o.metadata, pending: o.pending, chaos: o.chaos, count: o.count });
    const pollMs = scaleDuration(MODERATION_POLL_NOMINAL_MS, stack.state.timeScale);
    const moderation = o.chaos
      ? `[SIMULATED moderation] random (--chaos): 80 % pending per check, at most ${CHAOS_MAX_CHECKS} checks`
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
      ctx.equivalent(res.via === "kafka" ? kafkaEquivalent(ctx, stack, POSTS_TOPIC, res.records) : { url: `${stack.ingressUrl}/userFeed/${encodeURIComponent(user)}/processPost/send`, body: posts[0] });
    }
    if (missing.length) throw missingError(missing);
    if (!o.follow) {
      ctx.say(c.dim(`watch it: npx patterns send-post ${user} --follow …, or npx patterns feed ${user}`));
      return { failed: false };
    }
    const rows = await follow(ctx, stack, res.records.map((r) => r.invocationId!));
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
function trackerDeclarations(t: Tracker): Declaration[] {
  const noun = verbGroup({
    path: t.noun,
    group: "patterns",
    summary: `${t.service}: register over RPC, move with Kafka records on ${t.topic}, show the joined state`,
    examples: [
      `npx patterns ${t.noun} register ${t.noun}123 --to "Bridge 6, Amsterdam"`,
      `npx patterns ${t.noun} move ${t.noun}123 "Pinetree Road 5, Paris" --at "2024-10-10 13:00"`,
      `npx patterns ${t.noun} show ${t.noun}123 --json`,
    ],
  });

  /** what a location update's result means when it did not apply: no invocation, rejected, or not done in time */
  function moveFailure(d: MoveResult): PlaygroundError | undefined {
    const id = d.sent.key;
    if (!d.sent.invocationId && d.via === "kafka") return missingError([d.sent]);
    if (d.outcome === "rejected") return new PlaygroundError(`the location update for ${t.noun} ${id} was rejected`, `register it first: npx patterns ${t.noun} register ${id} --to <destination>`);
    if (d.outcome !== "applied") return new PlaygroundError(`the location update for ${t.noun} ${id} did not complete within 15 s`, `check it later with npx patterns ${t.noun} show ${id}`);
    return undefined;
  }

  const register = verb({
    path: `${t.noun} register`,
    summary: `register a ${t.noun} with ${t.service}/{id}/${t.register} (RPC through the ingress)`,
    args: [{ name: "<id>", description: `${t.noun} id (the object key)` }],
    options: [{ flags: "--to <destination>", description: "final destination", required: true }],
    examples: [`npx patterns ${t.noun} register ${t.noun}123 --to "Bridge 6, Amsterdam"`],
    async run(ctx: VerbContext<{ to: string }>, id: string) {
      const to = ctx.opts.to;
      if (!to.trim()) throw new UsageError("--to must not be empty", `for example --to "Bridge 6, Amsterdam"`);
      const stack = ctx.stack();
      const res = await registerTracked(stack, t, id, to);
      ctx.equivalent({ url: `${stack.ingressUrl}/${t.service}/${encodeURIComponent(id)}/${t.register}`, body: { finalDestination: to } });
      return res;
    },
    render: (d) => `${sym.ok} ${c.bold(d.id)} registered, final destination ${d.finalDestination}${d.invocationId ? c.dim(`  (${d.invocationId})`) : ""}`,
  });

  const move = verb({
    path: `${t.noun} move`,
    summary: `send a location update as a Kafka record on ${t.topic} (→ ${t.service}/{id}/${t.move})`,
    args: [
      { name: "<id>", description: `${t.noun} id (the Kafka key)` },
      { name: "<location>", description: "where it is now" },
    ],
    options: [{ flags: "--at <timestamp>", description: 'when it was there, free text like the seed\'s "2024-10-10 13:00" (default: now)' }],
    examples: [`npx patterns ${t.noun} move ${t.noun}123 "Pinetree Road 5, Paris"`, `npx patterns ${t.noun} move ${t.noun}123 "Mountain Road 155, Brussels" --at "2024-10-10 14:00"`],
    async run(ctx: VerbContext<{ at?: string }>, id: string, location: string) {
      const at = ctx.opts.at;
      if (!location.trim()) throw new UsageError("<location> must not be empty", `for example "Pinetree Road 5, Paris"`);
      if (at !== undefined && !at.trim()) throw new UsageError("--at must not be empty", `for example --at "2024-10-10 13:00"`);
      const stack = ctx.stack();
      const update = { timestamp: at ?? seedTimestamp(new Date()), location };
      const res = await moveTracked(stack, t, id, update);
      viaNote(ctx, { via: res.via, records: [res.sent] }, stack);
      if (res.via === "kafka") ctx.equivalent(kafkaEquivalent(ctx, stack, t.topic, [res.sent]));
      const failure = moveFailure(res);
      if (failure) sayFailure(ctx, failure);
      return res;
    },
    render: (d) => {
      const lines = [describeSent(d.sent)];
      const update = d.sent.value as LocationUpdate;
      if (d.outcome === "applied") lines.push(`${sym.ok} location added: ${update.timestamp}  ${update.location}`);
      else if (d.outcome === "rejected") lines.push(`${sym.fail} rejected (terminal, not retried; later records still flow): ${d.error ?? ""}`);
      else lines.push(`${sym.warn} not processed yet (${d.invocation?.status ?? "no invocation"})`);
      return lines;
    },
    exitCode: (d) => (moveFailure(d) ? 1 : 0),
  });

  const show = verb({
    path: `${t.noun} show`,
    summary: `destination and location history, from the shared handler ${t.service}/{id}/${t.show}`,
    args: [{ name: "<id>", description: `${t.noun} id` }],
    examples: [`npx patterns ${t.noun} show ${t.noun}123`, `npx patterns ${t.noun} show ${t.noun}123 --json`],
    async run(ctx, id: string) {
      const stack = ctx.stack();
      const info = await showTracked(stack, t, id);
      ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}/${t.service}/${encodeURIComponent(id)}/${t.show}` });
      return { id, ...info };
    },
    render: (d) => {
      const lines = [`${c.bold(d.id)} ${sym.arrow} ${d.finalDestination}`];
      if (!d.locations?.length) lines.push(c.dim("  no location updates yet"));
      else lines.push(...table(["#", "timestamp", "location"], d.locations.map((l, i) => [String(i + 1), l.timestamp, l.location])).map((l) => `  ${l}`));
      return lines;
    },
  });

  return [noun, register, move, show];
}

/** All of stdin as lines (a stream read: a synchronous read of a pipe can fail with EAGAIN before the data is there). */
async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/);
}

const produce = verb({
  path: "produce",
  group: "patterns",
  summary: "produce kafka-console-producer style lines (parse.key=true) and show the invocation each became and its outcome",
  args: [
    { name: "<topic>", description: `one of ${Object.keys(TOPICS).join(", ")}` },
    { name: "[records...]", description: "key:value lines; read from stdin when none are given" },
  ],
  options: [
    { flags: "--separator <s>", description: "between key and value (kafka-console-producer's key.separator)", default: ":" },
    { flags: "--no-validate", description: "send records unchecked, to see the broker refuse a bad one (INVALID_RECORD)" },
    { flags: "--wait <duration>", description: "how long to wait for each record's outcome (done / rejected / in flight)", parse: durationOption("--wait"), default: 3000 },
  ],
  examples: [
    `npx patterns produce social-media-posts 'userid1:{"content": "Hi! This is my first post!", "metadata": "public"}'`,
    `printf '%s\\n' 'package123:{"timestamp": "2024-10-10 13:00", "location": "Pinetree Road 5, Paris"}' | npx patterns produce package-location-updates`,
    `npx patterns produce social-media-posts --no-validate 'userid1:{"metadata": "public"}'   # the broker refuses it`,
  ],
  async run(ctx: VerbContext<{ separator: string; validate: boolean; wait: number }>, topic: string, lines: string[]) {
    const o = ctx.opts;
    if (o.separator === "") throw new UsageError("--separator must not be empty", "for example --separator :");
    const spec = TOPICS[topic];
    if (!spec) throw new UsageError(`unknown topic ${topic}`, `use one of: ${Object.keys(TOPICS).join(", ")}`);
    if (lines.length === 0) {
      if (process.stdin.isTTY) ctx.say(c.dim(`type records as <${spec.keyMeans}>${o.separator}<json>, one per line; Ctrl+D sends them`));
      lines = await readStdinLines();
    }
    const records: KafkaRecord[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      const parts = splitConsoleLine(line, o.separator);
      if (!parts) throw new UsageError(`line ${i + 1} has no key separator "${o.separator}": ${line.slice(0, 60)}`, `write <key>${o.separator}<json>, e.g. userid1${o.separator}{"content": "Hi!", "metadata": "public"}`);
      records.push({ key: parts.key, value: parts.value });
    });
    if (records.length === 0) throw new UsageError("no records given", `pass lines like 'userid1:{"content": "Hi!", "metadata": "public"}' or pipe them on stdin`);
    const stack = ctx.stack();
    if (!o.validate) ctx.say(c.warn("--no-validate: records go to the broker unchecked (the broker's own schema check still applies)"));
    const [service, handler] = spec.sink.split("/") as [string, string];
    const res = await sendToSink(stack, topic, { service, handler }, records, { validate: o.validate });
    // Report what each record became within --wait: done, rejected by its handler (terminal, named), or in flight.
    const ids = res.records.flatMap((r) => (r.invocationId ? [r.invocationId] : []));
    const rows = o.wait > 0 && ids.length ? await completedOrLatest(stack.admin, ids, { timeoutMs: o.wait }) : await invocations(stack.admin, { ids });
    const reported = res.records.map((r) => ({ ...r, ...(r.invocationId ? outcomeOf(rows.find((x) => x.id === r.invocationId)) : { outcome: "no invocation" as const }) }));
    viaNote(ctx, res, stack);
    const rejected = reported.filter((r) => r.outcome === "rejected").length;
    if (rejected) ctx.say(c.dim(`${rejected} record(s) rejected by the handler: failed once, not retried; later records on the partition still flow`));
    const missing = missingInvocations(res);
    if (missing.length) sayFailure(ctx, missingError(missing));
    return { via: res.via, topic, warning: res.warning, records: reported };
  },
  render: (d) =>
    d.records.flatMap((r) => {
      const mark = r.outcome === "done" ? c.ok("done") : r.outcome === "rejected" ? c.fail("rejected") : c.dim(r.outcome);
      const lines = [`${describeSent(r)}  ${mark}`];
      if (r.outcome === "rejected" && "error" in r && r.error) lines.push(`    ${c.fail(r.error)}`);
      return lines;
    }),
  // a record rejected by its handler, or one the broker took but Restate never turned into an invocation
  exitCode: (d) => (d.records.some((r) => r.outcome === "rejected" || !r.invocationId) ? 1 : 0),
});

export const declarations: Declaration[] = [sendPost, feed, ...trackerDeclarations(TRACKERS.package), ...trackerDeclarations(TRACKERS.delivery), produce];
