// Two things that quietly stop a playground, found for `doctor`: a Kafka subscription that cannot get past a record
// (its consumer group's committed offset stays behind the topic's end and does not move), and invocations stuck
// retrying or paused (they hold their object key: every later call on it queues behind them).
import type { AdminClient, Subscription } from "../runtime/admin.js";
import { countInvocations } from "./index.js";

export interface SubscriptionLag {
  subscription: string;
  topic: string;
  /** records in the topic (the sum of its partitions' end offsets; the embedded broker starts empty) */
  records: number;
  /** invocations this subscription created (each record becomes one) */
  taken: number;
}

/**
 * How far each subscription is behind its topic. The consumer side is read from Restate, not from the consumer
 * group's committed offset (`patterns topics` shows that one): Restate commits offsets only every 5 s, so two looks a
 * few seconds apart could see a healthy subscription's offset stand still, while the invocations it created (kept
 * for the journal retention, a day) count every record the moment it is taken in. An external, pre-filled topic reads
 * as behind until its backlog is consumed.
 */
export async function subscriptionLags(brokers: string[], admin: AdminClient, subs: Subscription[]): Promise<SubscriptionLag[]> {
  const { Kafka, logLevel } = await import("kafkajs");
  const kafka = new Kafka({ clientId: "patterns-doctor", brokers, logLevel: logLevel.NOTHING, retry: { retries: 1 }, connectionTimeout: 3000, requestTimeout: 5000 });
  const client = kafka.admin();
  await client.connect();
  try {
    const out: SubscriptionLag[] = [];
    for (const s of subs) {
      const topic = s.source.split("/").pop()!;
      const ends = await client.fetchTopicOffsets(topic);
      const records = ends.reduce((n, e) => n + Number(e.high), 0);
      out.push({ subscription: s.id, topic, records, taken: await countInvocations(admin, { subscriptionIds: [s.id] }) });
    }
    return out;
  } finally {
    await client.disconnect().catch(() => {});
  }
}

/** Subscriptions behind their topic that took nothing in between two looks `waitMs` apart. */
export async function stalledSubscriptions(brokers: string[], admin: AdminClient, subs: Subscription[], waitMs = 4000): Promise<SubscriptionLag[]> {
  const first = (await subscriptionLags(brokers, admin, subs)).filter((l) => l.records > l.taken);
  if (first.length === 0) return [];
  await new Promise((r) => setTimeout(r, waitMs));
  const again = await subscriptionLags(
    brokers,
    admin,
    subs.filter((s) => first.some((f) => f.subscription === s.id)),
  );
  return again.filter((b) => b.records > b.taken && first.some((a) => a.subscription === b.subscription && a.taken === b.taken));
}

/**
 * Subscriptions that repeat another's source and sink (say, the seed's `curl …/subscriptions` run against a playground
 * that already wired it): each is its own consumer group, so every record is handled once per copy. `own` holds the
 * ids the playground made, which are kept. Pure.
 */
export function duplicateSubscriptions(subs: Pick<Subscription, "id" | "source" | "sink">[], own: ReadonlySet<string> = new Set()): { source: string; sink: string; extra: string[] }[] {
  const byRoute = new Map<string, Pick<Subscription, "id" | "source" | "sink">[]>();
  // the playground's own subscriptions first, so a copy made by hand is the one named extra
  const ordered = [...subs].sort((a, b) => Number(own.has(b.id)) - Number(own.has(a.id)));
  for (const s of ordered) {
    const route = `${s.source}\u0000${s.sink}`;
    byRoute.set(route, [...(byRoute.get(route) ?? []), s]);
  }
  return [...byRoute.values()].filter((g) => g.length > 1).map((g) => ({ source: g[0]!.source, sink: g[0]!.sink, extra: g.slice(1).map((s) => s.id) }));
}
