// `patterns topics`: what the broker holds and how far each subscription has read. Per topic and partition the log's
// start and end offsets (through Kafka's ListOffsets, so it works against a real Kafka too) and, for the embedded
// broker, the bytes on disk; per subscription its consumer group's committed offsets (OffsetFetch) and the lag.
// Restate commits a consumer's offsets every 5 s, so a committed offset may trail the records already handled.
import { partitionsOnDisk } from "../broker/inspect.js";
import type { RunningStack } from "../runtime/stack.js";
import { PlaygroundError } from "../errors.js";
import { verb } from "./verb.js";
import { c, sym } from "../ui/palette.js";
import { displayWidth, hanging, table, terminalWidth } from "../ui/text.js";

export interface PartitionInfo {
  partition: number;
  logStart: number;
  logEnd: number;
  records: number;
  /** bytes on disk (embedded broker only) */
  bytes: number | null;
}

export interface TopicInfo {
  name: string;
  partitions: PartitionInfo[];
  records: number;
  bytes: number | null;
}

export interface SubscriptionInfo {
  id: string;
  topic: string;
  sink: string;
  group: string;
  partitions: { partition: number; committed: number | null; logEnd: number; lag: number }[];
  lag: number;
}

export interface TopicsReport {
  brokers: string[];
  embedded: boolean;
  topics: TopicInfo[];
  subscriptions: SubscriptionInfo[];
}

/** Records a group has still to commit in one partition: from its committed offset (or the log start) to the end. */
export function partitionLag(committed: number | null, logStart: number, logEnd: number): number {
  return Math.max(0, logEnd - Math.max(committed ?? logStart, logStart));
}

export async function collectTopics(stack: RunningStack): Promise<TopicsReport> {
  const { state, admin, paths } = stack;
  if (state.kafka.kind === "none") throw new PlaygroundError("this playground runs without Kafka (--no-kafka)", "restart it with Kafka: `npx patterns stop && npx patterns start`");
  const embedded = state.kafka.kind === "embedded";
  const { Kafka, logLevel } = await import("kafkajs");
  const kafka = new Kafka({ clientId: "patterns-topics", brokers: state.brokers, logLevel: logLevel.NOTHING, retry: { retries: 1 }, connectionTimeout: 3000, requestTimeout: 10_000 });
  const client = kafka.admin();
  try {
    await client.connect();
  } catch (e) {
    throw new PlaygroundError(
      `the Kafka broker at ${state.brokers.join(",")} is not reachable (${(e as Error).message})`,
      "check `npx patterns status`; the supervisor brings a killed broker back within a few seconds",
    );
  }
  try {
    const disk = embedded ? partitionsOnDisk(paths.brokerData) : [];
    const names = (await client.listTopics()).filter((t) => !t.startsWith("__")).sort();
    const topics: TopicInfo[] = [];
    const ends = new Map<string, PartitionInfo[]>();
    for (const name of names) {
      const offsets = await client.fetchTopicOffsets(name);
      const partitions = offsets
        .map((o) => {
          const logStart = Number(o.low);
          const logEnd = Number(o.high);
          const d = disk.find((x) => x.topic === name && x.partition === o.partition);
          return { partition: o.partition, logStart, logEnd, records: logEnd - logStart, bytes: embedded ? (d?.bytes ?? 0) : null };
        })
        .sort((a, b) => a.partition - b.partition);
      ends.set(name, partitions);
      topics.push({ name, partitions, records: partitions.reduce((n, p) => n + p.records, 0), bytes: embedded ? partitions.reduce((n, p) => n + (p.bytes ?? 0), 0) : null });
    }
    const subscriptions: SubscriptionInfo[] = [];
    for (const s of await admin.subscriptions()) {
      if (!s.source.startsWith("kafka://")) continue;
      const topic = s.source.split("/").pop()!;
      const group = s.options?.["group.id"] ?? s.id;
      const parts = ends.get(topic) ?? [];
      const committed = new Map<number, number>();
      if (parts.length > 0) {
        for (const t of await client.fetchOffsets({ groupId: group, topics: [topic] })) {
          for (const p of t.partitions) committed.set(p.partition, Number(p.offset));
        }
      }
      const partitions = parts.map((p) => {
        const c = committed.get(p.partition);
        const at = c === undefined || c < 0 ? null : c;
        return { partition: p.partition, committed: at, logEnd: p.logEnd, lag: partitionLag(at, p.logStart, p.logEnd) };
      });
      subscriptions.push({ id: s.id, topic, sink: s.sink.replace("service://", ""), group, partitions, lag: partitions.reduce((n, p) => n + p.lag, 0) });
    }
    return { brokers: state.brokers, embedded, topics, subscriptions };
  } finally {
    await client.disconnect().catch(() => {});
  }
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function renderTopics(r: TopicsReport): string[] {
  const lines: string[] = [];
  const head = ["topic/partition", "start", "end", "records", ...(r.embedded ? ["size"] : [])];
  const rows: string[][] = [];
  for (const t of r.topics) {
    for (const p of t.partitions) rows.push([`${t.name}/${p.partition}`, String(p.logStart), String(p.logEnd), String(p.records), ...(r.embedded ? [humanBytes(p.bytes ?? 0)] : [])]);
  }
  lines.push(...table(head, rows, { width: terminalWidth(), flexible: [0], right: [1, 2, 3, 4] }));
  if (r.embedded) lines.push(c.dim(`in all ${humanBytes(r.topics.reduce((n, t) => n + (t.bytes ?? 0), 0))} on disk`));
  lines.push("");
  if (r.subscriptions.length === 0) {
    lines.push(c.dim("no Kafka subscriptions"));
    return lines;
  }
  lines.push(...subscriptionLines(r.subscriptions, terminalWidth()));
  return lines;
}

/**
 * One row per subscription and partition when that fits the width; otherwise each subscription is a line of its own
 * (id, topic → handler: ids and handler names are long words that must not be split) over its partitions' rows.
 */
export function subscriptionLines(subscriptions: TopicsReport["subscriptions"], width: number): string[] {
  const nums = (p: TopicsReport["subscriptions"][number]["partitions"][number]) => [String(p.partition), p.committed === null ? "-" : String(p.committed), String(p.logEnd), String(p.lag)];
  const head = ["subscription", "topic → handler", "partition", "committed", "end", "lag"];
  const rows = subscriptions.flatMap((s) => s.partitions.map((p) => [s.id, `${s.topic} ${sym.arrow} ${s.sink}`, ...nums(p)]));
  const wide = table(head, rows, { width: Number.MAX_SAFE_INTEGER, right: [2, 3, 4, 5] });
  if (wide.every((l) => displayWidth(l) <= width)) return wide;
  const out: string[] = [];
  for (const s of subscriptions) {
    out.push(...hanging("", `${c.id(s.id)}  ${s.topic} ${sym.arrow} ${s.sink}`, width, 2));
    out.push(
      ...table(
        ["  partition", "committed", "end", "lag"],
        s.partitions.map((p) => [`  ${nums(p)[0]}`, ...nums(p).slice(1)]),
        { width, right: [0, 1, 2, 3] },
      ),
    );
  }
  return out;
}

export const topics = verb({
  path: "topics",
  group: "inspect",
  summary: "each topic's partitions (log start, end, size) and each subscription's committed offsets and lag",
  examples: ["npx patterns topics", "npx patterns topics --json"],
  async run(ctx) {
    const r = await collectTopics(ctx.stack());
    if (r.subscriptions.some((s) => s.lag > 0)) ctx.say(c.dim("Restate commits its consumers' offsets every 5 s: a small lag right after producing is normal"));
    return r;
  },
  render: renderTopics,
});
