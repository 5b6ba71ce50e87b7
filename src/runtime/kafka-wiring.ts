// The Kafka wiring: the Kafka cluster registered in Restate and one subscription per (topic → handler) of the
// patterns (handed in as data through the stack's config), kept across restarts while they match the embedded
// broker's persisted log, made afresh over an empty log otherwise.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hasData } from "../broker/inspect.js";
import { errorMessage } from "../errors.js";
import { asyncApiSpecPath } from "./paths.js";
import { canConnect } from "./ports.js";
import { sleep, StartError, terminateProc } from "./process-group.js";
import type { SupervisorContext } from "./supervisor-context.js";

export const KAFKA_CLUSTER = "my-cluster";

/**
 * Consumer options for every subscription: read from the start of a (fresh) topic. fetch.wait.max.ms is how long the
 * broker may hold a fetch that finds nothing new. The embedded broker answers a parked fetch the moment a record is
 * produced to one of its partitions, so the wait costs no latency; it only sets how often an idle consumer asks again.
 */
export const SUBSCRIPTION_OPTIONS: Record<string, string> = {
  "auto.offset.reset": "earliest",
  "fetch.wait.max.ms": "1000",
};

/**
 * Written into the embedded broker's data dir once the subscriptions are wired: which subscriptions read this log and
 * on which port. A restart that finds the same subscriptions in Restate keeps them (their consumer groups' committed
 * offsets live in the same dir); a wiped or foreign data dir gets fresh subscriptions.
 */
export interface WiringRecord {
  port: number;
  subscriptions: string[];
  /** restate-server nodes of the stack that wired them (one node and a cluster keep separate Restate data) */
  nodes?: number;
}

const OURS = `kafka://${KAFKA_CLUSTER}/`;

/** Why the embedded broker's log is started over empty (its data holds records): the switch named when it is one. Pure. */
export function emptiedWhy(wiring: WiringRecord | undefined, nodes: number, existingSubscriptions: number): string {
  const before = wiring?.nodes ?? 1;
  const size = (n: number) => (n === 1 ? "one node" : `a ${n}-node cluster`);
  if (wiring && before !== nodes) return `a switch from ${size(before)} to ${size(nodes)} (each keeps its own Restate data, with its own subscriptions)`;
  return existingSubscriptions === 0 ? "Restate's data has no subscriptions of this broker (a new or wiped Restate)" : "the broker's data does not belong to the current subscriptions";
}

/** The note `start` prints on the terminal when it emptied the embedded broker's topics. Pure. */
export function emptiedNote(why: string): string {
  return `the embedded broker's topics were emptied: ${why}; records produced before this start are gone`;
}

export class KafkaWiring {
  constructor(private readonly ctx: SupervisorContext) {}

  private get wiringFile(): string {
    return path.join(this.ctx.paths.brokerData, "wiring.json");
  }

  /** The record of the last wiring, absent when the broker's data dir is new or was wiped. */
  readWiring(): WiringRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.wiringFile, "utf8")) as WiringRecord;
    } catch {
      return undefined;
    }
  }

  /**
   * Keep the subscriptions when they are the ones that read the embedded broker's persisted log (their consumer
   * groups' offsets are there too). Otherwise (a real Kafka cluster, a new or wiped data dir, Restate's data wiped, a
   * different broker port) they are made afresh, over an empty log: a new subscription reads from the start, and
   * must not replay records an earlier Restate already handled. Returns a note for the terminal when it emptied the
   * broker's topics.
   */
  async needsFreshSubscriptions(): Promise<{ fresh: boolean; emptied?: string }> {
    const { config, paths } = this.ctx;
    if (config.kafka.kind !== "embedded") return { fresh: true };
    const wiring = this.readWiring();
    const existing = (await this.ctx.admin.subscriptions()).filter((s) => s.source.startsWith(OURS)).map((s) => s.id);
    const same = !!wiring && wiring.port === config.ports.broker && existing.length > 0 && existing.every((id) => wiring.subscriptions.includes(id));
    if (same) return { fresh: false };
    if (!hasData(paths.brokerData)) return { fresh: true };
    const why = emptiedWhy(wiring, config.nodes ?? 1, existing.length);
    this.ctx.log("warn", `${why}: starting it over empty`);
    await this.resetBroker();
    return { fresh: true, emptied: emptiedNote(why) };
  }

  /** Stop the embedded broker, wipe its data dir, start it again (during start only). */
  private async resetBroker(): Promise<void> {
    const child = this.ctx.group.get("broker");
    if (child?.proc) {
      child.expectedExit = true;
      await terminateProc(child.proc, 5000);
    }
    rmSync(this.ctx.paths.brokerData, { recursive: true, force: true });
    await this.ctx.spawnComponent("broker");
  }

  /** A real Kafka cluster (`--kafka-brokers`): its first broker must accept connections. */
  async checkExternalBroker(): Promise<void> {
    const kafka = this.ctx.config.kafka;
    if (kafka.kind !== "external") return;
    const [first] = kafka.brokers;
    const idx = first!.lastIndexOf(":");
    const host = first!.slice(0, idx).replace(/^\[|\]$/g, "");
    const port = Number(first!.slice(idx + 1));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await canConnect(port, host)) return this.createTopics();
      await sleep(200);
    }
    throw new StartError(`the Kafka broker ${first} is not reachable`, "broker");
  }

  /** The playground's topics on the external cluster: the missing ones created with the spec's partition counts. */
  private async createTopics(): Promise<void> {
    const kafka = this.ctx.config.kafka;
    if (kafka.kind !== "external") return;
    try {
      // loaded here: kafkajs is needed only with an external cluster
      const { ensureTopics } = await import("../kafka/topics.js");
      const r = await ensureTopics(kafka.brokers, asyncApiSpecPath);
      this.ctx.log("info", `topics on ${kafka.brokers.join(",")}: created ${r.created.join(", ") || "none"}; already there: ${r.existing.join(", ") || "none"}`);
      for (const note of r.notes) this.ctx.log("warn", note);
    } catch (e) {
      throw new StartError(
        `could not create the playground's topics on ${kafka.brokers.join(",")}: ${errorMessage(e)} (create them as kafka/asyncapi.yaml declares, or allow CreateTopics for this client)`,
        "broker",
      );
    }
  }

  /**
   * Register the Kafka cluster and the subscriptions. `fresh` deletes and re-creates every subscription (new ids, new
   * consumer groups): Restate drops a record whose (subscription, partition, offset) it has seen, so a log whose
   * offsets start again at 0 must never meet an old subscription.
   */
  async wire(fresh: boolean): Promise<void> {
    const { state, config } = this.ctx;
    const admin = this.ctx.liveAdmin();
    await admin.ensureKafkaCluster(KAFKA_CLUSTER, state.brokers.join(","));
    const existing = (await admin.subscriptions()).filter((s) => s.source.startsWith(OURS));
    const wanted = (config.subscriptions ?? []).map((s) => ({ source: `${OURS}${s.topic}`, sink: `service://${s.service}/${s.handler}` }));
    const same = (a: { source: string; sink: string }, b: { source: string; sink: string }) => a.source === b.source && a.sink === b.sink;
    const keep = fresh ? [] : existing.filter((sub) => wanted.some((w) => same(w, sub)));
    const stale = existing.filter((sub) => !keep.includes(sub));
    await Promise.all(stale.map((sub) => admin.deleteSubscription(sub.id)));
    const created = await Promise.all(wanted.filter((w) => !keep.some((k) => same(k, w))).map((w) => admin.createSubscription(w.source, w.sink, SUBSCRIPTION_OPTIONS)));
    state.subscriptions = [...keep, ...created].map((s) => ({ id: s.id, source: s.source, sink: s.sink }));
    this.ctx.save();
    if (config.kafka.kind === "embedded") {
      const wiring: WiringRecord = { port: config.ports.broker, subscriptions: state.subscriptions.map((s) => s.id), nodes: config.nodes ?? 1 };
      writeFileSync(`${this.wiringFile}.tmp`, JSON.stringify(wiring));
      renameSync(`${this.wiringFile}.tmp`, this.wiringFile);
    }
  }

  /** Delete the playground's subscriptions (a broker whose data dir was wiped while it was down). */
  async deleteSubscriptions(): Promise<void> {
    const admin = this.ctx.liveAdmin();
    for (const sub of await admin.subscriptions()) {
      if (sub.source.startsWith(OURS)) await admin.deleteSubscription(sub.id);
    }
    this.ctx.state.subscriptions = [];
    this.ctx.save();
  }

  /** After a broker restart: a data dir wiped meanwhile (its offsets start at 0 again) needs fresh subscriptions. */
  async afterBrokerRestart(wiped: boolean): Promise<void> {
    if (wiped) await this.wire(true);
  }

  /** Before a broker restart: is its data dir gone? Then its old subscriptions go first. */
  async beforeBrokerRestart(): Promise<boolean> {
    const wiped = !this.readWiring();
    if (wiped) await this.deleteSubscriptions().catch((e) => this.ctx.log("warn", `could not delete subscriptions: ${errorMessage(e)}`));
    return wiped;
  }
}
