// The playground's settings: flags beat environment beats defaults. Pure, so it is unit-tested.
import { UsageError } from "../errors.js";
import { DEFAULT_TIME_SCALE } from "../lib/time-scale.js";

export { DEFAULT_TIME_SCALE, scaleDuration } from "../lib/time-scale.js";

export interface Ports {
  ingress: number;
  admin: number;
  worker: number;
  broker: number;
  /** Restate's node-to-node port; nobody talks to it, but it must be free. */
  fabric: number;
  /** the TypeScript seed's client app (POST /reserve/:productId/:reservationId), 5000 like the seed */
  clientApp: number;
}

export const DEFAULT_PORTS: Ports = {
  ingress: 8080,
  admin: 9070,
  worker: 9080,
  broker: 9092,
  fabric: 5122,
  clientApp: 5000,
};

export type KafkaMode = { kind: "embedded" } | { kind: "external"; brokers: string[] } | { kind: "none" };

export interface StackConfig {
  stateDir: string;
  ports: Ports;
  kafka: KafkaMode;
  /** Nominal seconds per real second; 1 = the seeds' own durations. */
  timeScale: number;
  /** How many restate-server processes form the cluster (1 = a single node, as before). */
  nodes?: number;
  /** `start --watch`: rebuild and redeploy the worker when <srcRoot>/services changes */
  watch?: { srcRoot: string };
  /** `start --always-replay`: restate-server's invoker inactivity timeout is 0, so an invocation suspends at every
   *  await and the next step runs after a replay of the whole journal (what Restate's test harness calls alwaysReplay) */
  alwaysReplay?: boolean;
  /** the Kafka subscriptions to wire (topic → handler), as data from the pattern registry */
  subscriptions?: SubscriptionSpec[];
}

/** One Kafka subscription: records of `topic` become calls of `service`/`handler`, keyed by the record's key. */
export interface SubscriptionSpec {
  topic: string;
  service: string;
  handler: string;
}

export const PORT_ENV: Record<keyof Ports, string> = {
  ingress: "PATTERNS_INGRESS_PORT",
  admin: "PATTERNS_ADMIN_PORT",
  worker: "PATTERNS_WORKER_PORT",
  broker: "PATTERNS_BROKER_PORT",
  fabric: "PATTERNS_FABRIC_PORT",
  clientApp: "PATTERNS_CLIENT_APP_PORT",
};

export const PORT_FLAGS: Record<keyof Ports, string> = {
  ingress: "--ingress-port",
  admin: "--admin-port",
  worker: "--worker-port",
  broker: "--broker-port",
  fabric: "--fabric-port",
  clientApp: "--client-app-port",
};

/**
 * Accepted and ignored: the port of the former broker's (Mokapi's) HTTP API; the embedded broker has none. Kept so that scripts
 * and saved command lines that pass it still start.
 */
export const IGNORED_PORT_FLAG = "--broker-api-port";

export function parsePort(raw: string, what: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${what} must be a port number, got "${raw}"`, `use a number from 1 to 65535`);
  const n = Number(raw);
  if (n < 1 || n > 65535) throw new UsageError(`${what} must be between 1 and 65535, got ${n}`, `use a number from 1 to 65535`);
  return n;
}

export function resolvePorts(flags: Partial<Record<keyof Ports, string | number | undefined>>, env: NodeJS.ProcessEnv = process.env): Ports {
  const out = { ...DEFAULT_PORTS };
  for (const key of Object.keys(DEFAULT_PORTS) as (keyof Ports)[]) {
    const flag = flags[key];
    if (flag !== undefined) out[key] = parsePort(String(flag), PORT_FLAGS[key]);
    else if (env[PORT_ENV[key]]) out[key] = parsePort(env[PORT_ENV[key]]!, PORT_ENV[key]);
  }
  const seen = new Map<number, string>();
  for (const key of Object.keys(out) as (keyof Ports)[]) {
    const other = seen.get(out[key]);
    if (other) throw new UsageError(`${PORT_FLAGS[key]} and ${other} both ask for port ${out[key]}`, "give each component its own port");
    seen.set(out[key], PORT_FLAGS[key]);
  }
  return out;
}

/** host:port[,host:port…] → list; every entry must have a port. */
export function parseBrokers(raw: string): string[] {
  const list = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new UsageError("--kafka-brokers is empty", "pass host:port, for example --kafka-brokers 127.0.0.1:9092");
  for (const b of list) {
    const m = /^([^\s:]+|\[[0-9a-fA-F:]+\]):(\d+)$/.exec(b);
    if (!m) throw new UsageError(`--kafka-brokers entry "${b}" is not host:port`, "pass host:port, for example --kafka-brokers 127.0.0.1:9092");
    parsePort(m[2]!, "--kafka-brokers port");
  }
  return list;
}

export function resolveKafka(opts: { kafkaBrokers?: string; kafka?: boolean }, env: NodeJS.ProcessEnv = process.env): KafkaMode {
  if (opts.kafka === false) {
    if (opts.kafkaBrokers) throw new UsageError("--no-kafka and --kafka-brokers contradict each other", "pass only one of them");
    return { kind: "none" };
  }
  const raw = opts.kafkaBrokers ?? env.PATTERNS_KAFKA_BROKERS;
  if (raw) return { kind: "external", brokers: parseBrokers(raw) };
  return { kind: "embedded" };
}

export function parseTimeScale(raw: string | number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const v = raw ?? env.PATTERNS_TIME_SCALE;
  if (v === undefined || v === "") return DEFAULT_TIME_SCALE;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--time-scale must be a positive number, got "${v}"`, "for example --time-scale 1 (real time) or --time-scale 17280 (a day in 5 s)");
  return n;
}

// ---- a cluster of restate-server nodes on one machine ---------------------------------------------------------

export const MAX_NODES = 5;

/** The ports of one restate-server node: node 1 keeps the configured ones, node k adds k-1 to each. */
export interface NodePorts {
  node: number;
  fabric: number;
  admin: number;
  ingress: number;
}

export function parseNodes(raw: string | number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const v = raw ?? env.PATTERNS_NODES;
  if (v === undefined || v === "") return 1;
  if (!/^\d+$/.test(String(v).trim())) throw new UsageError(`--nodes must be a whole number from 1 to ${MAX_NODES}, got "${v}"`, "for example --nodes 3");
  const n = Number(v);
  if (n < 1 || n > MAX_NODES) throw new UsageError(`--nodes must be between 1 and ${MAX_NODES}, got ${n}`, "for example --nodes 3");
  return n;
}

/** Copies of every log record and partition: two when there is a second node to hold them. */
export function replicationFor(nodes: number): number {
  return Math.min(2, nodes);
}

/**
 * How many nodes may be down at once while writes go on: the log needs `replication` live log servers, and the
 * metadata servers (every node runs one) need a majority.
 */
export function toleratedDown(nodes: number): number {
  return Math.max(0, Math.min(nodes - replicationFor(nodes), Math.floor((nodes - 1) / 2)));
}

export function nodePorts(ports: Ports, nodes: number): NodePorts[] {
  return Array.from({ length: nodes }, (_, i) => ({ node: i + 1, fabric: ports.fabric + i, admin: ports.admin + i, ingress: ports.ingress + i }));
}

/** Every derived port must be a valid port and clash with no other port of the stack. */
export function checkNodePorts(ports: Ports, nodes: number): NodePorts[] {
  const list = nodePorts(ports, nodes);
  const taken = new Map<number, string>();
  for (const key of Object.keys(ports) as (keyof Ports)[]) if (!["fabric", "admin", "ingress"].includes(key)) taken.set(ports[key], PORT_FLAGS[key]);
  for (const n of list) {
    for (const key of ["fabric", "admin", "ingress"] as const) {
      const port = n[key];
      const what = n.node === 1 ? PORT_FLAGS[key] : `node ${n.node}'s ${key} port (${PORT_FLAGS[key]} + ${n.node - 1})`;
      if (port > 65535) throw new UsageError(`${what} would be ${port}, above 65535`, `choose a lower ${PORT_FLAGS[key]}`);
      const other = taken.get(port);
      if (other) throw new UsageError(`${what} and ${other} both ask for port ${port}`, `with --nodes ${nodes}, leave ${nodes - 1} free port${nodes > 2 ? "s" : ""} above ${PORT_FLAGS[key]}`);
      taken.set(port, what);
    }
  }
  return list;
}
