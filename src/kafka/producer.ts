// The CLI's Kafka producer (kafkajs), for the stack's brokers (`state.brokers`). It validates every record before
// sending (a bad key would stall a Restate subscription's partition, a bad value would be refused by the broker),
// reports the partition and offset of each record, maps broker errors to one-line PlaygroundErrors, and never lets
// kafkajs spin through its long default retries or print its own logs.
//
//   const sent = await produce(stack, "social-media-posts", [{ key: "userid1", value: { content: "Hi!" } }]);
//   // → [{ topic, partition: 0, offset: 12, key: "userid1", timestamp }]
import type { Message, PartitionMetadata, Producer, Admin } from "kafkajs";
import { PlaygroundError } from "../errors.js";
import { keyProblem, MAX_VALUE_BYTES, TOPICS, valueProblems } from "./schema.js";

export interface KafkaRecord {
  /** the record key: for object subscriptions it becomes the object key (user id, package id) */
  key: string | Buffer | null;
  /** a JSON-able value (serialized here), or the raw text/bytes to send as they are */
  value: unknown;
}

export interface ProducedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  /** producer-side wall clock when the broker acknowledged the batch (ms since epoch) */
  ackedAt: number;
}

export interface ProduceOptions {
  /** check keys and values before sending (default true); false lets tests see what the broker itself refuses */
  validate?: boolean;
  /** give up after this long, whatever kafkajs is doing (default 15 s) */
  timeoutMs?: number;
  clientId?: string;
}

/** A record the CLI refused before it reached the broker; the message names the record and the field. Exit code 2. */
export class InvalidRecordError extends PlaygroundError {
  constructor(
    message: string,
    readonly index: number,
    readonly problems: string[],
  ) {
    super(message, "fix the record; nothing was sent", 2);
    this.name = "InvalidRecordError";
  }
}

/** What a stack's state says about Kafka (the fields of the state file this module reads). */
export interface KafkaOfStack {
  brokers: string[];
  kafka: { kind: string };
}

/** Something that knows the stack's brokers: a RunningStack, its state, or a list of host:port. */
export type BrokerSource = { state: KafkaOfStack } | KafkaOfStack | string[];

/** The broker list of a stack; throws when the stack runs without Kafka (--no-kafka). */
export function brokersOf(source: BrokerSource): string[] {
  if (Array.isArray(source)) return source;
  const state = "state" in source ? source.state : source;
  if (state.kafka.kind === "none" || state.brokers.length === 0) {
    throw new PlaygroundError("this playground runs without Kafka (--no-kafka)", "restart it with Kafka: `npx patterns stop && npx patterns start`");
  }
  return state.brokers;
}

export function hasKafka(source: { state: Pick<KafkaOfStack, "kafka"> } | Pick<KafkaOfStack, "kafka">): boolean {
  const state = "state" in source ? source.state : source;
  return state.kafka.kind !== "none";
}

function keyText(key: KafkaRecord["key"]): string {
  if (key === null) return "";
  return typeof key === "string" ? key : key.toString("utf8");
}

function encodeValue(value: unknown): string | Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || Buffer.isBuffer(value)) return value;
  return JSON.stringify(value);
}

/** The value as JSON, for validation: objects as they are, text parsed, bytes parsed as UTF-8. */
function jsonOf(value: unknown): { value?: unknown; problem?: string } {
  if (value === null || value === undefined) return { problem: "the value is empty: a JSON object is required" };
  if (typeof value !== "string" && !Buffer.isBuffer(value)) return { value };
  const text = typeof value === "string" ? value : value.toString("utf8");
  if (text.trim() === "") return { problem: "the value is empty: a JSON object is required" };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { problem: `the value is not valid JSON (${(e as Error).message})` };
  }
}

/** Every problem of one record for a topic (key, JSON, schema, size); empty when it may be sent. Pure. */
export function recordProblems(topic: string, record: KafkaRecord): string[] {
  const out: string[] = [];
  const kp = keyProblem(record.key);
  if (kp) out.push(kp);
  const encoded = encodeValue(record.value);
  const size = encoded === null ? 0 : Buffer.byteLength(encoded);
  if (size > MAX_VALUE_BYTES) out.push(`the value is ${size} bytes (at most ${MAX_VALUE_BYTES})`);
  const parsed = jsonOf(record.value);
  if (parsed.problem) out.push(parsed.problem);
  else {
    const spec = TOPICS[topic];
    if (spec) out.push(...valueProblems(parsed.value, spec.value));
  }
  return out;
}

/** Throws InvalidRecordError for the first record that may not be sent. */
export function validateRecords(topic: string, records: KafkaRecord[]): void {
  records.forEach((r, i) => {
    const problems = recordProblems(topic, r);
    if (problems.length === 0) return;
    const which = records.length > 1 ? `record ${i + 1} of ${records.length}` : "the record";
    const key = r.key === null ? "no key" : `key ${JSON.stringify(keyText(r.key))}`;
    throw new InvalidRecordError(`${which} for topic ${topic} (${key}) is invalid: ${problems.join("; ")}`, i, problems);
  });
}

interface KafkaLikeError {
  name?: string;
  type?: string;
  message?: string;
  cause?: unknown;
  originalError?: unknown;
  code?: string;
}

/** The chain of an error and its causes (kafkajs wraps the protocol error in retry errors). */
function chain(e: unknown): KafkaLikeError[] {
  const out: KafkaLikeError[] = [];
  let cur: unknown = e;
  while (cur && typeof cur === "object" && out.length < 6) {
    out.push(cur as KafkaLikeError);
    const next = (cur as KafkaLikeError).cause ?? (cur as KafkaLikeError).originalError;
    if (next === cur) break;
    cur = next;
  }
  return out;
}

/** One line for a kafkajs failure. Pure, so it is unit-tested with error-shaped objects. */
export function mapKafkaError(e: unknown, ctx: { topic?: string; brokers: string[]; knownTopics?: string[] }): PlaygroundError {
  if (e instanceof PlaygroundError) return e;
  const errs = chain(e);
  const has = (type: string) => errs.some((x) => x.type === type);
  const named = (name: string) => errs.some((x) => x.name === name);
  const topic = ctx.topic ?? "?";
  if (has("INVALID_RECORD")) {
    return new PlaygroundError(
      `the broker refused the record for topic ${topic} (INVALID_RECORD): its key or value does not match the topic's schema in kafka/asyncapi.yaml; nothing was written`,
      "keys are non-empty UTF-8 ([A-Za-z0-9._@-]); values are JSON objects with the required fields",
    );
  }
  if (has("UNKNOWN_TOPIC_OR_PARTITION")) {
    const list = ctx.knownTopics?.length ? `; topics: ${ctx.knownTopics.join(", ")}` : "";
    return new PlaygroundError(`topic ${topic} does not exist on the broker (UNKNOWN_TOPIC_OR_PARTITION)${list}`, "topics are declared in kafka/asyncapi.yaml");
  }
  if (has("MESSAGE_TOO_LARGE") || has("RECORD_LIST_TOO_LARGE")) {
    return new PlaygroundError(`the broker refused the record for topic ${topic}: it is too large`);
  }
  const conn = errs.find((x) => x.name === "KafkaJSConnectionError" || x.code === "ECONNREFUSED" || /ECONNREFUSED|ECONNRESET|Connection error|Closed connection/i.test(x.message ?? ""));
  if (conn || named("KafkaJSBrokerNotFound")) {
    return new PlaygroundError(
      `the Kafka broker at ${ctx.brokers.join(",")} is not reachable (${conn?.message ?? "no broker"})`,
      "check `npx patterns status`; the supervisor brings a killed broker back within a few seconds",
    );
  }
  if (named("KafkaJSRequestTimeoutError") || named("KafkaJSTimeout") || named("ProduceTimeout")) {
    return new PlaygroundError(`the Kafka broker at ${ctx.brokers.join(",")} did not answer in time`, "check `npx patterns status`");
  }
  const last = errs[errs.length - 1];
  const type = errs.find((x) => x.type)?.type;
  return new PlaygroundError(`producing to topic ${topic} failed: ${last?.message ?? String(e)}${type ? ` (${type})` : ""}`);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${ms} ms`), { name: "ProduceTimeout" })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A connected producer for several sends (tests, load generators); `produce()` is the one-shot form. */
export interface PlaygroundProducer {
  readonly brokers: string[];
  send(topic: string, records: KafkaRecord[], opts?: Pick<ProduceOptions, "validate" | "timeoutMs">): Promise<ProducedRecord[]>;
  /** the broker's topics */
  topics(): Promise<string[]>;
  close(): Promise<void>;
}

/** A connected kafkajs producer and admin client, with the partitioner the producer uses. */
async function connect(brokers: string[], clientId: string | undefined, timeoutMs: number) {
  // loaded on demand: most CLI calls never touch Kafka, and kafkajs is a large share of a call's start-up
  const { Kafka, logLevel, Partitioners } = await import("kafkajs");
  const kafka = new Kafka({
    clientId: clientId ?? "restate-patterns-cli",
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    // kafkajs retries for minutes by default; one quick retry rides over a blip, then the user hears about it
    retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 },
  });
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: false,
    maxInFlightRequests: 1,
  });
  const admin: Admin = kafka.admin();
  try {
    await withTimeout(Promise.all([producer.connect(), admin.connect()]), timeoutMs, "connecting to the broker");
  } catch (e) {
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    throw mapKafkaError(e, { brokers });
  }
  return { producer, admin, partitioner: Partitioners.DefaultPartitioner() };
}

export async function openProducer(source: BrokerSource, opts: Pick<ProduceOptions, "clientId" | "timeoutMs"> = {}): Promise<PlaygroundProducer> {
  const brokers = brokersOf(source);
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const { producer, admin, partitioner } = await connect(brokers, opts.clientId, timeoutMs);
  const metadata = new Map<string, PartitionMetadata[]>();
  let known: string[] | undefined;

  const fail = (e: unknown, topic?: string) => mapKafkaError(e, { topic, brokers, knownTopics: known });

  const topics = async () => {
    known = (await withTimeout(admin.fetchTopicMetadata(), timeoutMs, "reading topics")).topics.map((t) => t.name).sort();
    return known;
  };

  const partitionsOf = async (topic: string): Promise<PartitionMetadata[]> => {
    const cached = metadata.get(topic);
    if (cached) return cached;
    try {
      const md = await withTimeout(admin.fetchTopicMetadata({ topics: [topic] }), timeoutMs, "reading topic metadata");
      const parts = md.topics[0]?.partitions ?? [];
      if (parts.length === 0) throw Object.assign(new Error(`no partitions for ${topic}`), { type: "UNKNOWN_TOPIC_OR_PARTITION" });
      metadata.set(topic, parts);
      return parts;
    } catch (e) {
      if (chain(e).some((x) => x.type === "UNKNOWN_TOPIC_OR_PARTITION")) await topics().catch(() => undefined);
      throw e;
    }
  };

  return {
    brokers,
    topics: () => topics().catch((e) => Promise.reject(fail(e))),
    async send(topic, records, sendOpts = {}) {
      if (records.length === 0) return [];
      if (sendOpts.validate !== false) validateRecords(topic, records);
      try {
        const parts = await partitionsOf(topic);
        // choose partitions here (the same partitioner kafkajs would use) so each record's offset is known
        const messages: Message[] = records.map((r) => {
          const m: Message = { key: r.key, value: encodeValue(r.value) };
          m.partition = partitioner({ topic, partitionMetadata: parts, message: m });
          return m;
        });
        const acks = await withTimeout(producer.send({ topic, messages, acks: -1 }), sendOpts.timeoutMs ?? timeoutMs, `producing to ${topic}`);
        const ackedAt = Date.now();
        const base = new Map(acks.map((a) => [a.partition, Number(a.baseOffset ?? a.offset ?? 0)]));
        const seen = new Map<number, number>();
        return messages.map((m, i) => {
          const p = m.partition!;
          const n = seen.get(p) ?? 0;
          seen.set(p, n + 1);
          return { topic, partition: p, offset: (base.get(p) ?? 0) + n, key: keyText(records[i]!.key), ackedAt };
        });
      } catch (e) {
        throw fail(e, topic);
      }
    },
    async close() {
      await Promise.allSettled([withTimeout(producer.disconnect(), 3000, "disconnecting"), withTimeout(admin.disconnect(), 3000, "disconnecting")]);
    },
  };
}

/** Connect, send the records to one topic (in order), disconnect. Returns each record's partition and offset. */
export async function produce(source: BrokerSource, topic: string, records: KafkaRecord[], opts: ProduceOptions = {}): Promise<ProducedRecord[]> {
  if (opts.validate !== false) validateRecords(topic, records);
  const producer = await openProducer(source, opts);
  try {
    return await producer.send(topic, records, opts);
  } finally {
    await producer.close();
  }
}
