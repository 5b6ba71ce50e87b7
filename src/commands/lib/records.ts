// Records sent to a Kafka topic (or, without a broker, to the same handler through the ingress) and how the verbs
// report them: the invocation each became, the console-producer line and the curl a user could have typed instead.
import type { RunningStack } from "../../runtime/stack.js";
import { calling, ingress } from "../../runtime/ingress.js";
import { PlaygroundError, UsageError } from "../../errors.js";
import { hasKafka, produce, type KafkaRecord, type ProducedRecord } from "../../kafka/producer.js";
import { findRecordInvocations, subscriptionIds, type Sink } from "../../observe/kafka-records.js";
import { keyProblem } from "../../kafka/schema.js";
import type { RawCall } from "../../ui/curl.js";
import { c, sym } from "../../ui/palette.js";
import type { VerbContext } from "../verb.js";

export interface SentRecord {
  key: string;
  /** the value as sent */
  value: unknown;
  /** Kafka coordinates (absent when sent through the ingress) */
  topic?: string;
  partition?: number;
  offset?: number;
  ackedAt?: number;
  invocationId?: string;
  /** Service/key/handler */
  target: string;
}

export interface SendResult {
  via: "kafka" | "ingress";
  records: SentRecord[];
  /** set when more than one subscription feeds the handler (e.g. the seed's subscription curl was run as well):
   *  then every record is handled once per subscription */
  warning?: string;
}

/** A Kafka record key typed on the command line: the broker's key rule (safe UTF-8, not empty). */
export function checkRecordKey(key: string, what: string): void {
  const problem = keyProblem(key);
  if (problem) throw new UsageError(`${what}: ${problem}`, `for example ${what === "user" ? "userid1" : "package123"}`);
}

export function targetOf(sink: Sink, key: string): string {
  return `${sink.service}/${key}/${sink.handler}`;
}

/**
 * Send records to a Kafka-fed handler: produced to the topic when the stack has Kafka (then each record is matched
 * to the invocation it became), or sent through the ingress to the same handler with the same key when it has not.
 */
export async function sendToSink(stack: RunningStack, topic: string, sink: Sink, records: KafkaRecord[], opts: { lookupTimeoutMs?: number; validate?: boolean } = {}): Promise<SendResult> {
  if (!hasKafka(stack)) {
    const out: SentRecord[] = [];
    for (const r of records) {
      const key = String(r.key ?? "");
      // the sink is named by data (the topic's subscription), so the generic send of the typed client carries it
      const sent = await calling(`sending to ${targetOf(sink, key)}`, () => ingress(stack.ingressUrl).send({ service: sink.service, handler: sink.handler, key, parameter: r.value }));
      out.push({ key, value: r.value, invocationId: sent.invocationId, target: targetOf(sink, key) });
    }
    return { via: "ingress", records: out };
  }
  const produced: ProducedRecord[] = await produce(stack, topic, records, { validate: opts.validate });
  const matched = await findRecordInvocations(stack.admin, produced, sink, { timeoutMs: opts.lookupTimeoutMs ?? 15_000 });
  const subs = await subscriptionIds(stack.admin, topic, sink).catch(() => []);
  const warning =
    subs.length > 1
      ? `${subs.length} subscriptions feed ${sink.service}/${sink.handler} from ${topic} (${subs.join(", ")}): every record is handled ${subs.length} times. ` +
        `The playground creates its own at start; delete the extra one with: curl -X DELETE ${stack.state.adminUrl}/subscriptions/<id>`
      : undefined;
  return {
    via: "kafka",
    warning,
    records: matched.map((m, i) => ({
      key: m.record.key,
      value: records[i]!.value,
      topic: m.record.topic,
      partition: m.record.partition,
      offset: m.record.offset,
      ackedAt: m.record.ackedAt,
      invocationId: m.invocationId,
      target: targetOf(sink, m.record.key),
    })),
  };
}

export function consoleLine(key: string, value: unknown): string {
  return `${key}:${JSON.stringify(value)}`;
}

/**
 * What the user could have typed instead: a kafka-console-producer line (said now) and the ingress call to the same
 * handler (returned, for ctx.equivalent).
 */
export function kafkaEquivalent(ctx: VerbContext<unknown>, stack: RunningStack, topic: string, sent: SentRecord[]): RawCall[] {
  if (sent.length === 0) return [];
  const first = sent[0]!;
  ctx.say(
    c.dim(`the same record with kafka-console-producer (--bootstrap-server ${stack.state.brokers[0] ?? "127.0.0.1:9092"} --topic ${topic} --property parse.key=true --property key.separator=:):`),
  );
  ctx.say(`  ${c.cmd(consoleLine(first.key, first.value))}`);
  const [service, key, handler] = [first.target.split("/")[0]!, first.key, first.target.split("/").slice(-1)[0]!];
  return [{ url: `${stack.ingressUrl}/${service}/${encodeURIComponent(key)}/${handler}/send`, body: first.value }];
}

export function describeSent(r: SentRecord): string {
  const where = r.offset !== undefined ? `${r.topic}/${r.partition} offset ${r.offset}` : "ingress";
  const inv = r.invocationId ? c.id(r.invocationId) : c.warn("no invocation yet");
  return `${c.bold(r.key)}  ${where}  ${sym.arrow} ${inv}  ${c.dim(r.target)}`;
}

export function viaNote(ctx: VerbContext<unknown>, res: SendResult, stack: RunningStack): void {
  if (res.warning) ctx.say(`${sym.warn} ${c.warn(res.warning)}`);
  if (res.via === "ingress") ctx.say(c.warn(`no Kafka broker (--no-kafka): sent through the ingress to the same handler with the same key`));
  else ctx.say(c.dim(`produced to Kafka at ${stack.state.brokers.join(",")}; the subscription turned each record into an invocation`));
}

export function missingInvocations(res: SendResult): SentRecord[] {
  return res.records.filter((r) => !r.invocationId);
}

export function missingError(missing: SentRecord[]): PlaygroundError {
  const list = missing.map((r) => `offset ${r.offset}`).join(", ");
  return new PlaygroundError(
    `the broker accepted ${missing.length} record(s) (${list}) but no invocation appeared within 15 s; do not send them again`,
    "check `npx patterns status` (subscriptions) and `npx patterns logs restate`",
  );
}

/** A record's failure as narration on stderr: the result stays the one document (stdout) and exitCode says it failed. */
export function sayFailure(ctx: VerbContext<unknown>, err: PlaygroundError): void {
  ctx.say(`${sym.fail} ${c.fail(err.message)}`);
  if (err.fix) ctx.say(c.dim(`fix: ${err.fix}`));
}
