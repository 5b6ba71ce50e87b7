// CLI verbs of the "events" group: Kafka-fed Virtual Objects.
//   send-post <user> [content]   a post on topic social-media-posts → userFeed/{user}/processPost
//   feed <user>                  the user's feed (durable object state)
//   package|delivery register|move|show   RPC + Kafka enrichment of a tracker object
//   produce <topic> [key:value…] kafka-console-producer style lines (parse.key=true, key.separator=:)
import type { Command } from "commander";
import { durationOption, examples, globals, intOption } from "./common.js";
import { requireStack, type RunningStack } from "../runtime/stack.js";
import { scaleDuration } from "../runtime/config.js";
import { ingressFetch } from "../runtime/ingress.js";
import { PlaygroundError, UsageError } from "../errors.js";
import { printEquivalent } from "./lib/curl.js";
import { emit, note, out, printNdjson, shortId, table, humanDuration } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { spinner } from "../ui/spinner.js";
import { buildPosts, POSTS_TOPIC, readFeed, sendPosts, sendToSink, type SendResult, type SentRecord } from "./events/posts.js";
import { outcomeOf } from "./events/invocations.js";
import { completedOrLatest, invocations, type InvocationRow } from "../observe/index.js";
import { followLive } from "../observe/follow.js";
import { defaultWidth } from "../observe/render.js";
import { moveTracked, registerTracked, seedTimestamp, showTracked, TRACKERS, type Tracker } from "./events/trackers.js";
import { splitConsoleLine, TOPICS } from "../kafka/schema.js";
import type { KafkaRecord } from "../kafka/producer.js";
import { CHAOS_MAX_CHECKS, DEFAULT_PENDING_CHECKS, MODERATION_POLL_NOMINAL_MS } from "../services/simulations/moderation.js";

const SEED_POST = "Hi! This is my first post!";

function consoleLine(key: string, value: unknown): string {
  return `${key}:${JSON.stringify(value)}`;
}

/** What the user could have typed instead: a kafka-console-producer line, and the ingress call to the same handler. */
function printKafkaEquivalent(stack: RunningStack, topic: string, sent: SentRecord[], json?: boolean): void {
  if (json || sent.length === 0) return;
  const first = sent[0]!;
  note(c.dim(`the same record with kafka-console-producer (--bootstrap-server ${stack.state.brokers[0] ?? "127.0.0.1:9092"} --topic ${topic} --property parse.key=true --property key.separator=:):`));
  note(`  ${c.cmd(consoleLine(first.key, first.value))}`);
  const [service, key, handler] = [first.target.split("/")[0]!, first.key, first.target.split("/").slice(-1)[0]!];
  printEquivalent({ url: `${stack.ingressUrl}/${service}/${encodeURIComponent(key)}/${handler}/send`, body: first.value });
}

function describeSent(r: SentRecord): string {
  const where = r.offset !== undefined ? `${r.topic}/${r.partition} offset ${r.offset}` : "ingress";
  const inv = r.invocationId ? c.id(r.invocationId) : c.warn("no invocation yet");
  return `${c.bold(r.key)}  ${where}  ${sym.arrow} ${inv}  ${c.dim(r.target)}`;
}

function viaNote(res: SendResult, stack: RunningStack): void {
  if (res.warning) note(`${sym.warn} ${c.warn(res.warning)}`);
  if (res.via === "ingress") note(c.warn(`no Kafka broker (--no-kafka): sent through the ingress to the same handler with the same key`));
  else note(c.dim(`produced to Kafka at ${stack.state.brokers.join(",")}; the subscription turned each record into an invocation`));
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

async function outputOf(stack: RunningStack, id: string): Promise<unknown> {
  const res = await ingressFetch(stack.ingressUrl, `/restate/invocation/${encodeURIComponent(id)}/output`, { timeoutMs: 5000 }).catch(() => undefined);
  return res && res.status === 200 ? res.body : undefined;
}

/** Follow the posts' invocations live (the timeline's follow view: steps, crashes, restarts, replays), then their outputs. */
async function follow(stack: RunningStack, ids: string[], json: boolean): Promise<InvocationRow[]> {
  if (!json) note(c.dim(`following ${ids.length} invocation(s) until they complete (Ctrl+C stops following, not the invocation)`));
  await followLive(stack.admin, stack.paths, { ids, json, width: defaultWidth(), timeoutMs: 10 * 60_000, finalTimelines: false });
  const rows = await invocations(stack.admin, { ids });
  if (json) return rows;
  for (const row of rows) {
    const output = row.completion_result === "success" ? await outputOf(stack, row.id) : undefined;
    const took = row.created_at && row.completed_at ? Date.parse(row.completed_at) - Date.parse(row.created_at) : NaN;
    if (row.completion_result === "success") out(`${sym.ok} ${c.id(row.id)} completed in ${humanDuration(took)}${output ? c.dim(`  ${JSON.stringify(output)}`) : ""}`);
    else if (row.status === "completed") out(`${sym.fail} ${c.id(row.id)} failed: ${row.completion_failure ?? "?"}`);
    else out(`${sym.warn} ${c.id(row.id)} is still ${row.status ?? "unknown"}`);
  }
  return rows;
}

interface SendPostOptions {
  pending?: number;
  count?: number;
  follow?: boolean;
  chaos?: boolean;
  metadata?: string;
}

async function sendPostAction(user: string, content: string | undefined, o: SendPostOptions & { stateDir?: string; json?: boolean }): Promise<void> {
  if (o.chaos && o.pending !== undefined) throw new UsageError("--chaos and --pending contradict each other", "pass one of them");
  const stack = requireStack(o.stateDir);
  const posts = buildPosts({ content: content ?? SEED_POST, metadata: o.metadata, pending: o.pending, chaos: o.chaos, count: o.count });
  const pollMs = scaleDuration(MODERATION_POLL_NOMINAL_MS, stack.state.timeScale);
  if (!o.json) {
    const moderation = o.chaos
      ? `[SIMULATED moderation] random (--chaos): 80 % pending per check, at most ${CHAOS_MAX_CHECKS} checks`
      : `[SIMULATED moderation] pending for ${o.pending ?? DEFAULT_PENDING_CHECKS} check(s)${o.pending === undefined ? " (default)" : ""}`;
    note(c.dim(`${moderation}; polls every 5 s nominal = ${humanDuration(pollMs)} at this time scale`));
  }
  const step = spinner(`sending ${posts.length} post(s) for ${user}`, { json: o.json });
  let res: SendResult;
  try {
    res = await sendPosts(stack, user, posts);
  } catch (e) {
    step.fail();
    throw e;
  }
  step.succeed(`sent ${posts.length} post(s) for ${user}`);
  const missing = missingInvocations(res);
  if (o.follow && o.json) {
    for (const r of res.records) printNdjson({ event: "sent", via: res.via, ...r });
  } else {
    emit(o, { via: res.via, topic: POSTS_TOPIC, records: res.records }, (d) => d.records.map(describeSent));
  }
  if (!o.json) {
    viaNote(res, stack);
    if (res.via === "kafka") printKafkaEquivalent(stack, POSTS_TOPIC, res.records);
    else printEquivalent({ url: `${stack.ingressUrl}/userFeed/${encodeURIComponent(user)}/processPost/send`, body: posts[0] });
  }
  if (missing.length) throw missingError(missing);
  if (o.follow) {
    const rows = await follow(stack, res.records.map((r) => r.invocationId!), !!o.json);
    if (rows.some((r) => r.completion_result !== "success")) process.exitCode = 1;
    else if (!o.json) note(c.dim(`see the feed: npx patterns feed ${user}`));
  } else if (!o.json) {
    note(c.dim(`watch it: npx patterns send-post ${user} --follow …, or npx patterns feed ${user}`));
  }
}

async function feedAction(user: string, o: { stateDir?: string; json?: boolean }): Promise<void> {
  const stack = requireStack(o.stateDir);
  const feed = await readFeed(stack, user);
  emit(o, { user, posts: feed }, (d) => {
    if (d.posts.length === 0) return [c.dim(`the feed of ${user} is empty`)];
    return table(
      ["#", "at", "post", "content", "via"],
      d.posts.map((p, i) => [String(i + 1), p.at, shortId(p.postId, 8), p.content, p.via === "kafka" ? `kafka offset ${p.offset}` : "ingress"]),
    );
  });
  printEquivalent({ method: "POST", url: `${stack.ingressUrl}/userFeed/${encodeURIComponent(user)}/getFeed` }, o);
}

function registerTrackerCommands(program: Command, t: Tracker): void {
  const noun = program
    .command(t.noun)
    .description(`${t.service}: register over RPC, move with Kafka records on ${t.topic}, show the joined state`)
    .addHelpText(
      "after",
      examples(
        `npx patterns ${t.noun} register ${t.noun}123 --to "Bridge 6, Amsterdam"`,
        `npx patterns ${t.noun} move ${t.noun}123 "Pinetree Road 5, Paris" --at "2024-10-10 13:00"`,
        `npx patterns ${t.noun} show ${t.noun}123 --json`,
      ),
    );

  noun
    .command("register")
    .argument("<id>", `${t.noun} id (the object key)`)
    .requiredOption("--to <destination>", "final destination")
    .description(`register a ${t.noun} with ${t.service}/{id}/${t.register} (RPC through the ingress)`)
    .addHelpText("after", examples(`npx patterns ${t.noun} register ${t.noun}123 --to "Bridge 6, Amsterdam"`))
    .action(async (id: string, _o, cmd: Command) => {
      const o = globals<{ to: string }>(cmd);
      if (!o.to.trim()) throw new UsageError("--to must not be empty", `for example --to "Bridge 6, Amsterdam"`);
      const stack = requireStack(o.stateDir);
      const res = await registerTracked(stack, t, id, o.to);
      emit(o, res, (d) => `${sym.ok} ${c.bold(d.id)} registered, final destination ${d.finalDestination}${d.invocationId ? c.dim(`  (${d.invocationId})`) : ""}`);
      printEquivalent({ url: `${stack.ingressUrl}/${t.service}/${encodeURIComponent(id)}/${t.register}`, body: { finalDestination: o.to } }, o);
    });

  noun
    .command("move")
    .argument("<id>", `${t.noun} id (the Kafka key)`)
    .argument("<location>", "where it is now")
    .option("--at <timestamp>", 'when it was there, free text like the seed\'s "2024-10-10 13:00" (default: now)')
    .description(`send a location update as a Kafka record on ${t.topic} (→ ${t.service}/{id}/${t.move})`)
    .addHelpText("after", examples(`npx patterns ${t.noun} move ${t.noun}123 "Pinetree Road 5, Paris"`, `npx patterns ${t.noun} move ${t.noun}123 "Mountain Road 155, Brussels" --at "2024-10-10 14:00"`))
    .action(async (id: string, location: string, _o, cmd: Command) => {
      const o = globals<{ at?: string }>(cmd);
      if (!location.trim()) throw new UsageError("<location> must not be empty", `for example "Pinetree Road 5, Paris"`);
      if (o.at !== undefined && !o.at.trim()) throw new UsageError("--at must not be empty", `for example --at "2024-10-10 13:00"`);
      const stack = requireStack(o.stateDir);
      const update = { timestamp: o.at ?? seedTimestamp(new Date()), location };
      const res = await moveTracked(stack, t, id, update);
      emit(o, res, (d) => {
        const lines = [describeSent(d.sent)];
        if (d.outcome === "applied") lines.push(`${sym.ok} location added: ${update.timestamp}  ${update.location}`);
        else if (d.outcome === "rejected") lines.push(`${sym.fail} rejected (terminal, not retried; later records still flow): ${d.error ?? ""}`);
        else lines.push(`${sym.warn} not processed yet (${d.invocation?.status ?? "no invocation"})`);
        return lines;
      });
      if (!o.json) {
        viaNote({ via: res.via, records: [res.sent] }, stack);
        if (res.via === "kafka") printKafkaEquivalent(stack, t.topic, [res.sent]);
      }
      if (!res.sent.invocationId && res.via === "kafka") throw missingError([res.sent]);
      if (res.outcome !== "applied") {
        if (o.json) process.exitCode = 1;
        else if (res.outcome === "rejected") throw new PlaygroundError(`the location update for ${t.noun} ${id} was rejected`, `register it first: npx patterns ${t.noun} register ${id} --to <destination>`);
        else throw new PlaygroundError(`the location update for ${t.noun} ${id} did not complete within 15 s`, `check it later with npx patterns ${t.noun} show ${id}`);
      }
    });

  noun
    .command("show")
    .argument("<id>", `${t.noun} id`)
    .description(`destination and location history, from the shared handler ${t.service}/{id}/${t.show}`)
    .addHelpText("after", examples(`npx patterns ${t.noun} show ${t.noun}123`, `npx patterns ${t.noun} show ${t.noun}123 --json`))
    .action(async (id: string, _o, cmd: Command) => {
      const o = globals(cmd);
      const stack = requireStack(o.stateDir);
      const info = await showTracked(stack, t, id);
      emit(o, { id, ...info }, (d) => {
        const lines = [`${c.bold(d.id)} ${sym.arrow} ${d.finalDestination}`];
        if (!d.locations?.length) lines.push(c.dim("  no location updates yet"));
        else lines.push(...table(["#", "timestamp", "location"], d.locations.map((l, i) => [String(i + 1), l.timestamp, l.location])).map((l) => `  ${l}`));
        return lines;
      });
      printEquivalent({ method: "POST", url: `${stack.ingressUrl}/${t.service}/${encodeURIComponent(id)}/${t.show}` }, o);
    });
}

/** All of stdin as lines (a stream read: a synchronous read of a pipe can fail with EAGAIN before the data is there). */
async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/);
}

interface ProduceOptions {
  separator: string;
  validate: boolean;
  wait: number;
}

async function produceAction(topic: string, lines: string[], o: ProduceOptions & { stateDir?: string; json?: boolean }): Promise<void> {
  const spec = TOPICS[topic];
  if (!spec) throw new UsageError(`unknown topic ${topic}`, `use one of: ${Object.keys(TOPICS).join(", ")}`);
  if (lines.length === 0) {
    if (process.stdin.isTTY && !o.json) note(c.dim(`type records as <${spec.keyMeans}>${o.separator}<json>, one per line; Ctrl+D sends them`));
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
  const stack = requireStack(o.stateDir);
  if (!o.validate && !o.json) note(c.warn("--no-validate: records go to the broker unchecked (the broker's own schema check still applies)"));
  const [service, handler] = spec.sink.split("/") as [string, string];
  const res = await sendToSink(stack, topic, { service, handler }, records, { validate: o.validate });
  // Report what each record became within --wait: done, rejected by its handler (terminal, named), or in flight.
  const ids = res.records.flatMap((r) => (r.invocationId ? [r.invocationId] : []));
  const rows = o.wait > 0 && ids.length ? await completedOrLatest(stack.admin, ids, { timeoutMs: o.wait }) : await invocations(stack.admin, { ids });
  const reported = res.records.map((r) => ({ ...r, ...(r.invocationId ? outcomeOf(rows.find((x) => x.id === r.invocationId)) : { outcome: "no invocation" as const }) }));
  emit(o, { via: res.via, topic, warning: res.warning, records: reported }, (d) =>
    d.records.flatMap((r) => {
      const mark = r.outcome === "done" ? c.ok("done") : r.outcome === "rejected" ? c.fail("rejected") : c.dim(r.outcome);
      const lines = [`${describeSent(r)}  ${mark}`];
      if (r.outcome === "rejected" && "error" in r && r.error) lines.push(`    ${c.fail(r.error)}`);
      return lines;
    }),
  );
  if (!o.json) {
    viaNote(res, stack);
    const rejected = reported.filter((r) => r.outcome === "rejected").length;
    if (rejected) note(c.dim(`${rejected} record(s) rejected by the handler: failed once, not retried; later records on the partition still flow`));
  }
  const missing = missingInvocations(res);
  if (missing.length) throw missingError(missing);
  if (reported.some((r) => r.outcome === "rejected")) process.exitCode = 1;
}

export function register(program: Command): void {
  program
    .command("send-post")
    .argument("<user>", "user id: the Kafka key and the userFeed object key")
    .argument("[content]", "the post's text", SEED_POST)
    .option("--pending <n>", `moderation checks the post stays pending (default ${DEFAULT_PENDING_CHECKS})`, intOption("--pending", 0, 100))
    .option("--count <n>", "send n posts (numbered)", intOption("--count", 1, 1000))
    .option("--metadata <text>", "the seed's metadata field", "public")
    .option("--chaos", "random moderation (the seed's 80 % pending), instead of deterministic")
    .option("--follow", "show the post's steps live until it completes (NDJSON with --json)")
    .description("post to topic social-media-posts; userFeed/{user}/processPost handles it (per-user order, no head-of-line blocking)")
    .addHelpText(
      "after",
      examples(
        'npx patterns send-post userid1 "Hi! This is my first post!"',
        'npx patterns send-post userid2 "Hi! This is my first post!" --pending 0',
        'npx patterns send-post userid1 "Hi! This is my second post!" --follow',
        "npx patterns send-post userid3 --count 5 --json",
      ),
    )
    .action(async (user: string, content: string | undefined, _o, cmd: Command) => {
      const o = globals<SendPostOptions>(cmd);
      await sendPostAction(user, content, o);
    });

  program
    .command("feed")
    .argument("<user>", "user id")
    .description("the posts in a user's feed, in order (state of userFeed/{user}, read with the shared handler getFeed)")
    .addHelpText("after", examples("npx patterns feed userid1", "npx patterns feed userid1 --json"))
    .action(async (user: string, _o, cmd: Command) => {
      await feedAction(user, globals(cmd));
    });

  registerTrackerCommands(program, TRACKERS.package);
  registerTrackerCommands(program, TRACKERS.delivery);

  program
    .command("produce")
    .argument("<topic>", `one of ${Object.keys(TOPICS).join(", ")}`)
    .argument("[records...]", "key:value lines; read from stdin when none are given")
    .option("--separator <s>", "between key and value (kafka-console-producer's key.separator)", ":")
    .option("--no-validate", "send records unchecked, to see the broker refuse a bad one (INVALID_RECORD)")
    .option("--wait <duration>", "how long to wait for each record's outcome (done / rejected / in flight)", durationOption("--wait"), 3000)
    .description("produce kafka-console-producer style lines (parse.key=true) and show the invocation each became and its outcome")
    .addHelpText(
      "after",
      examples(
        `npx patterns produce social-media-posts 'userid1:{"content": "Hi! This is my first post!", "metadata": "public"}'`,
        `printf '%s\\n' 'package123:{"timestamp": "2024-10-10 13:00", "location": "Pinetree Road 5, Paris"}' | npx patterns produce package-location-updates`,
        `npx patterns produce social-media-posts --no-validate 'userid1:{"metadata": "public"}'   # the broker refuses it`,
      ),
    )
    .action(async (topic: string, records: string[], _o, cmd: Command) => {
      const o = globals<ProduceOptions>(cmd);
      if (o.separator === "") throw new UsageError("--separator must not be empty", "for example --separator :");
      await produceAction(topic, records, o);
    });

}
