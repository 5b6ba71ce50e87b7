// What each component is: the stack's initial state (ports, logs, nodes), and for every component the command line,
// environment and readiness probe the supervisor runs it with. Pure data and probes; spawning is process-group.ts.
import os from "node:os";
import path from "node:path";
import { AdminClient } from "./admin.js";
import { checkNodePorts, replicationFor, type StackConfig } from "./config.js";
import { asyncApiSpecPath, brokerEntry, clientAppEntry, nodeDataDir, nodeLogName, restateServerBinary, restateTomlPath, workerEntry, type StatePaths } from "./paths.js";
import { canConnect } from "./ports.js";
import type { ProcessSpec } from "./process-group.js";
import type { NodeState, StackState } from "./state.js";

/** The code a worker runs: the compiled entry (dist) or a --watch bundle, and the environment switches it gets. */
export interface WorkerCode {
  entry: string;
  /** "dist", "build 3", … as status shows it */
  code: string;
  env: Record<string, string>;
}

export const DIST_WORKER: WorkerCode = { entry: workerEntry, code: "dist", env: {} };

/**
 * The environment of the Node components (broker, worker, client app): V8's compile cache on, so a start after the
 * first one loads their modules (the SDK, every pattern) from compiled code instead of compiling them again.
 */
export function nodeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), "node-compile-cache"), ...extra };
}

/** A component ready to spawn: what to run, how long it may take, and how to tell it is ready. */
export interface ComponentSpec extends ProcessSpec {
  readyWithinMs: number;
  ready: () => Promise<boolean>;
}

/** The state file's first content: every component starting, on its configured port, logging into the state dir. */
export function initialState(config: StackConfig, paths: StatePaths): { state: StackState; nodes: NodeState[] } {
  const logs = paths.logsDir;
  const brokers = config.kafka.kind === "embedded" ? [`127.0.0.1:${config.ports.broker}`] : config.kafka.kind === "external" ? config.kafka.brokers : [];
  const brokerPhase = config.kafka.kind === "embedded" ? "starting" : config.kafka.kind === "external" ? "external" : "disabled";
  const state: StackState = {
    version: 1,
    supervisorPid: process.pid,
    startedAt: new Date().toISOString(),
    stateDir: config.stateDir,
    ports: config.ports,
    kafka: config.kafka,
    timeScale: config.timeScale,
    ...(config.alwaysReplay ? { alwaysReplay: true } : {}),
    publicKey: "",
    ingressUrl: `http://127.0.0.1:${config.ports.ingress}`,
    adminUrl: `http://127.0.0.1:${config.ports.admin}`,
    brokers,
    components: {
      restate: { port: config.ports.admin, log: path.join(logs, "restate.log"), restarts: 0, phase: "starting" },
      broker: { port: config.ports.broker, log: path.join(logs, "broker.log"), restarts: 0, phase: brokerPhase },
      worker: { port: config.ports.worker, log: path.join(logs, "worker.log"), restarts: 0, phase: "starting" },
      "client-app": { port: config.ports.clientApp, log: path.join(logs, "client-app.log"), restarts: 0, phase: "starting" },
    },
    subscriptions: [],
    notes: [],
  };
  const count = config.nodes ?? 1;
  const nodes: NodeState[] = checkNodePorts(config.ports, count).map((n) => ({
    node: n.node,
    name: count === 1 ? "playground" : `n${n.node}`,
    port: n.admin,
    log: path.join(logs, `${nodeLogName(n.node)}.log`),
    restarts: 0,
    phase: "starting",
    fabricPort: n.fabric,
    adminPort: n.admin,
    ingressPort: n.ingress,
    adminUrl: `http://127.0.0.1:${n.admin}`,
    ingressUrl: `http://127.0.0.1:${n.ingress}`,
    dataDir: nodeDataDir(paths, n.node, count),
  }));
  if (count > 1) {
    // node 1 is components.restate too (the same object), so every reader of components.restate keeps working
    state.components.restate = nodes[0]!;
    state.nodes = nodes;
    state.replication = replicationFor(count);
  }
  if (config.kafka.kind === "none") {
    state.notes.push("No Kafka broker (--no-kafka): Kafka-fed verbs call the same handlers through the ingress, with the same key.");
  }
  return { state, nodes };
}

/** restate-server node k: the real binary (signals must reach the server, not an npm wrapper). */
export function restateSpec(nodes: NodeState[], node: number, paths: StatePaths, stateDir: string, o: { alwaysReplay?: boolean } = {}): ComponentSpec {
  const n = nodes[node - 1]!;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DO_NOT_TRACK: "1",
    RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${n.adminPort}`,
    RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${n.ingressPort}`,
    RESTATE_WORKER__INVOKER__REQUEST_IDENTITY_PRIVATE_KEY_PEM_FILE: paths.privateKey,
    RESTATE_LOG_DISABLE_ANSI_CODES: "true",
    // always replay: no idle time before suspending, as Restate's test harness does it
    ...(o.alwaysReplay ? { RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT: "0s" } : {}),
    ...clusterEnv(nodes, node),
  };
  const admin = new AdminClient(n.adminUrl);
  return {
    command: restateServerBinary(),
    args: ["--config-file", restateTomlPath, "--base-dir", n.dataDir, "--bind-port", String(n.fabricPort), "--no-logo"],
    env,
    cwd: stateDir,
    log: n.log,
    readyWithinMs: 60_000,
    ready: async () => {
      if (!(await admin.healthy())) return false;
      const ingress = await fetch(`${n.ingressUrl}/restate/health`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
      if (!ingress?.ok) return false;
      await admin.query("SELECT 1");
      return true;
    },
  };
}

/** The embedded broker (src/broker) on 127.0.0.1, its log in the state dir, its topics from kafka/asyncapi.yaml. */
export function brokerSpec(port: number, paths: StatePaths, stateDir: string, log: string): ComponentSpec {
  return {
    command: process.execPath,
    args: ["--disable-warning=ExperimentalWarning", brokerEntry, String(port), paths.brokerData, asyncApiSpecPath],
    env: nodeEnv(),
    cwd: stateDir,
    log,
    readyWithinMs: 30_000,
    ready: () => canConnect(port),
  };
}

/** What a worker needs to know: its port, the key Restate signs with, the state dir (step log, crash arm). */
export interface WorkerSetting {
  publicKey: string;
  stateDir: string;
  timeScale: number;
  ingressUrl: string;
}

export function workerArgs(code: WorkerCode): string[] {
  // a --watch bundle carries a source map: a worker that fails at load names the TypeScript file and line
  return ["--disable-warning=ExperimentalWarning", ...(code.code === "dist" ? [] : ["--enable-source-maps"]), code.entry];
}

/** A worker on `port` running `code`; the same Node as the CLI (the project's pinned Node 22), never PATH's `node`. */
export function workerSpec(port: number, code: WorkerCode, s: WorkerSetting, log: string): ComponentSpec {
  return {
    command: process.execPath,
    args: workerArgs(code),
    env: nodeEnv({
      PATTERNS_WORKER_PORT: String(port),
      PATTERNS_IDENTITY_KEY: s.publicKey,
      PATTERNS_STATE_DIR: s.stateDir,
      PATTERNS_TIME_SCALE: String(s.timeScale),
      PATTERNS_INGRESS_URL: s.ingressUrl,
      ...code.env,
    }),
    cwd: s.stateDir,
    log,
    readyWithinMs: 20_000,
    ready: () => canConnect(port),
  };
}

/** The TypeScript seed's client app: POST /reserve/:productId/:reservationId → product/{id}/reserve. */
export function clientAppSpec(port: number, ingressUrl: string, stateDir: string, log: string): ComponentSpec {
  return {
    command: process.execPath,
    args: ["--disable-warning=ExperimentalWarning", clientAppEntry],
    env: nodeEnv({ PATTERNS_CLIENT_APP_PORT: String(port), PATTERNS_INGRESS_URL: ingressUrl }),
    cwd: stateDir,
    log,
    readyWithinMs: 20_000,
    ready: () => canConnect(port),
  };
}

/**
 * The environment that makes node k a member of a cluster (nothing for a single node): its name, every node's fabric
 * address for the replicated metadata, log and partition replication, and provisioning by node 1 only.
 */
export function clusterEnv(nodes: Pick<NodeState, "node" | "name" | "fabricPort">[], node: number): NodeJS.ProcessEnv {
  if (nodes.length === 1) return {};
  const me = nodes[node - 1]!;
  return {
    RESTATE_NODE_NAME: me.name,
    // Restate's own node id (N1, N2, …, what restatectl prints) is then our node number, not the order of joining
    RESTATE_FORCE_NODE_ID: String(node),
    RESTATE_DEFAULT_REPLICATION: String(replicationFor(nodes.length)),
    RESTATE_METADATA_CLIENT__ADDRESSES: JSON.stringify(nodes.map((n) => `http://127.0.0.1:${n.fabricPort}`)),
    RESTATE_AUTO_PROVISION: node === 1 ? "true" : "false",
    RESTATE_ADVERTISED_ADDRESS: `http://127.0.0.1:${me.fabricPort}`,
    // A (re)started node counts as "suspect" this long before it gets work; the default 5 s guards against flapping
    // over real networks, on loopback it only delays forming the cluster and a returning node.
    RESTATE_GOSSIP_SUSPECT_INTERVAL: "1s",
  };
}

/** The file that records how many nodes a state dir's cluster has: a cluster cannot change its size by a restart. */
export function clusterMarker(paths: StatePaths): string {
  return path.join(paths.clusterDir, "cluster.json");
}
