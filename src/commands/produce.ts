// `patterns produce <topic> [records...]`: kafka-console-producer lines into any playground topic, and the invocation
// each record became (done, rejected by its handler, or in flight).
import { durationOption } from "./common.js";
import { UsageError } from "../errors.js";
import { c } from "../ui/palette.js";
import { sendToSink } from "./lib/records.js";
import { outcomeOf } from "./lib/outcome.js";
import { completedOrLatest, invocations } from "../observe/index.js";
import { splitConsoleLine, TOPICS } from "../kafka/schema.js";
import type { KafkaRecord } from "../kafka/producer.js";
import { verb, type VerbContext } from "./verb.js";
import { describeSent, viaNote, missingInvocations, missingError, sayFailure } from "./lib/records.js";

/**
 * What the user could have typed instead: a kafka-console-producer line (said now) and the ingress call to the same
 * handler (returned, for ctx.equivalent).
 */

async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/);
}

export const produce = verb({
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
      if (!parts)
        throw new UsageError(
          `line ${i + 1} has no key separator "${o.separator}": ${line.slice(0, 60)}`,
          `write <key>${o.separator}<json>, e.g. userid1${o.separator}{"content": "Hi!", "metadata": "public"}`,
        );
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
