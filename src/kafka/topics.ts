// The playground's topics on an external Kafka cluster (`start --kafka-brokers`): the embedded broker takes its
// topics from kafka/asyncapi.yaml, a real cluster has only what someone created, and auto-create is off in any
// cluster worth the name (and would make one partition where the spec asks for four). So start creates the missing
// ones through Kafka's admin API (CreateTopics) with the spec's partition counts and the cluster's default
// replication, and leaves existing topics as they are; one with fewer partitions than the spec is reported.
import { Kafka, logLevel } from "kafkajs";
import { loadSpec } from "../broker/spec.js";

export interface TopicsEnsured {
  created: string[];
  existing: string[];
  /** problems worth a line in the supervisor's log (an existing topic with fewer partitions than the spec) */
  notes: string[];
}

export async function ensureTopics(brokers: string[], specFile: string): Promise<TopicsEnsured> {
  const want = [...loadSpec(specFile).values()].map((t) => ({ name: t.name, partitions: t.partitions }));
  const kafka = new Kafka({ clientId: "patterns-start", brokers, logLevel: logLevel.NOTHING, connectionTimeout: 5000, requestTimeout: 30_000, retry: { retries: 3 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const have = new Set(await admin.listTopics());
    const missing = want.filter((t) => !have.has(t.name));
    const existing = want.filter((t) => have.has(t.name));
    if (missing.length > 0) {
      // no replicationFactor: the cluster's default.replication.factor decides (1 on a single node)
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions })) });
    }
    const notes: string[] = [];
    if (existing.length > 0) {
      const md = await admin.fetchTopicMetadata({ topics: existing.map((t) => t.name) });
      for (const t of existing) {
        const n = md.topics.find((m) => m.name === t.name)?.partitions.length ?? 0;
        if (n < t.partitions) notes.push(`topic ${t.name} has ${n} partition(s) on the cluster, kafka/asyncapi.yaml asks for ${t.partitions}`);
      }
    }
    return { created: missing.map((t) => t.name), existing: existing.map((t) => t.name), notes };
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
