// Runners behind `send-post` and `feed` (and the user-feed demo): they return data and throw typed errors;
// rendering is the command's job.
import type { RunningStack } from "../../runtime/stack.js";
import { ingressError, ingressFetch } from "../../runtime/ingress.js";
import { PlaygroundError, UsageError } from "../../errors.js";
import { hasKafka, produce, type KafkaRecord, type ProducedRecord } from "../../kafka/producer.js";
import { findRecordInvocations, subscriptionIds, type Sink } from "../../kafka/lookup.js";
import { keyProblem } from "../../kafka/schema.js";
import type { FeedEntry, SocialMediaPost } from "../../services/user-feed/user-feed.js";

export const POSTS_TOPIC = "social-media-posts";
export const POSTS_SINK: Sink = { service: "userFeed", handler: "processPost" };

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

export function checkKeyArg(key: string, what: string): void {
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
      const path = `/${encodeURIComponent(sink.service)}/${encodeURIComponent(key)}/${sink.handler}/send`;
      const res = await ingressFetch<{ invocationId?: string }>(stack.ingressUrl, path, { body: r.value });
      if (res.status >= 300 || !res.body?.invocationId) throw ingressError(res, `sending to ${targetOf(sink, key)}`);
      out.push({ key, value: r.value, invocationId: res.body.invocationId, target: targetOf(sink, key) });
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

export interface PostOptions {
  content: string;
  metadata?: string;
  pending?: number;
  chaos?: boolean;
  count?: number;
}

/** The posts `send-post` sends: the seed's JSON, plus the playground's optional moderation fields. Pure. */
export function buildPosts(o: PostOptions): SocialMediaPost[] {
  const count = o.count ?? 1;
  return Array.from({ length: count }, (_, i) => {
    const post: SocialMediaPost = { content: count > 1 ? `${o.content} (#${i + 1})` : o.content, metadata: o.metadata ?? "public" };
    if (o.pending !== undefined) post.pendingChecks = o.pending;
    if (o.chaos) post.chaos = true;
    return post;
  });
}

export async function sendPosts(stack: RunningStack, user: string, posts: SocialMediaPost[]): Promise<SendResult> {
  checkKeyArg(user, "user");
  return sendToSink(stack, POSTS_TOPIC, POSTS_SINK, posts.map((value) => ({ key: user, value })));
}

export async function readFeed(stack: RunningStack, user: string): Promise<FeedEntry[]> {
  checkKeyArg(user, "user");
  const res = await ingressFetch<FeedEntry[]>(stack.ingressUrl, `/userFeed/${encodeURIComponent(user)}/getFeed`, { method: "POST" });
  if (res.status !== 200) throw ingressError(res, `reading the feed of ${user}`);
  if (!Array.isArray(res.body)) throw new PlaygroundError(`userFeed/${user}/getFeed answered ${res.text.slice(0, 80)}`);
  return res.body;
}
