// The supervisor owns the three processes (restate-server, broker, worker): it spawns the real binaries, probes
// readiness, registers the worker and the Kafka wiring, restarts a child that dies, and stops everything in reverse
// order. It runs detached in the background (`start`) or in the foreground (`start --foreground`). It also owns the
// worker's deployments: a reload (`start --watch`, the versioning tour) starts a worker on a fresh port, registers it
// as a new deployment and keeps the previous worker until nothing pinned to its deployment is left.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { AdminClient } from "./admin.js";
import { allSubscriptions } from "../services/registry.js";
import { checkNodePorts, replicationFor, type StackConfig } from "./config.js";
import { ensureIdentityKey } from "./keys.js";
import { asyncApiSpecPath, brokerEntry, clientAppEntry, nodeDataDir, nodeLogName, restateServerBinary, restateTomlPath, statePaths, workerEntry, type StatePaths } from "./paths.js";
import { canConnect, freePort, isPortFree } from "./ports.js";
import { COMPONENT_NAMES, isAlive, liveNode, removeState, writeState, type ComponentName, type ComponentState, type DeploymentState, type NodeState, type StackState, type WatchState } from "./state.js";
import { appendWatchEvent, LoadError, Watcher, type ReloadOutcome } from "./watch.js";
import { loadFailure } from "./watch-build.js";
import { pinnedInvocations } from "../observe/deployments.js";
import { errorMessage } from "../errors.js";
import { tailFile } from "./logs.js";
import { hasData } from "../broker/inspect.js";
import { removeCliEnv, writeCliEnv } from "./restate-cli-env.js";

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
interface KafkaWiring {
  port: number;
  subscriptions: string[];
}

export type ProgressEvent =
  | { type: "progress"; component: string; status: "start" | "ok" | "fail"; ms?: number; detail?: string }
  | { type: "ready"; state: StackState }
  | { type: "failed"; message: string; component?: string; log?: string; tail?: string };

export class StartError extends Error {
  constructor(
    message: string,
    readonly component?: ComponentName,
    readonly log?: string,
  ) {
    super(message);
  }
}

/** A supervised process: a component, or node k of a cluster ("restate" is node 1, "restate-2"… the others). */
type ChildName = ComponentName | `restate-${number}`;

interface Child {
  name: ChildName;
  proc?: ChildProcess;
  /** set while we stop or restart it on purpose */
  expectedExit: boolean;
  restartTimer?: NodeJS.Timeout;
  /** resolves when the component is up again after a restart */
  waiters: (() => void)[];
  downSince?: number;
}

const COMPONENT_ORDER: readonly ComponentName[] = COMPONENT_NAMES;

/** The code a worker runs: the compiled entry (dist) or a --watch bundle, and the environment switches it gets. */
interface WorkerCode {
  entry: string;
  /** "dist", "build 3", … as status shows it */
  code: string;
  env: Record<string, string>;
}

/** A superseded deployment's worker, kept until nothing pinned to its deployment is left. */
interface DrainingWorker {
  proc: ChildProcess;
  port: number;
  code: WorkerCode;
  /** the first poll that found nothing pinned; a second one in a row retires it */
  zeroSince?: number;
  retiring?: boolean;
  respawnTimer?: NodeJS.Timeout;
}

/** A superseded deployment is retired no sooner than this: an invocation sent just before the switch gets pinned. */
const DRAIN_GRACE_MS = 2000;
/** How many retired deployments status keeps showing. */
const KEEP_DRAINED = 3;

export class Supervisor {
  readonly paths: StatePaths;
  readonly admin: AdminClient;
  state: StackState;
  private children = new Map<ChildName, Child>();
  /** the restate-server nodes (one unless `--nodes N`); node 1 is the same object as state.components.restate */
  readonly nodes: NodeState[];
  private stopping = false;
  private control?: http.Server;
  private restartDelayMs = 1000;
  private workerCode: WorkerCode = { entry: workerEntry, code: "dist", env: {} };
  private draining = new Map<string, DrainingWorker>();
  private drainTimer?: NodeJS.Timeout;
  private drainBusy = false;
  private watcher?: Watcher;
  private reloadChain: Promise<unknown> = Promise.resolve();
  /** a reload's new worker until it is registered (stop must not leave it behind) */
  private candidate?: ChildProcess;

  constructor(
    readonly config: StackConfig,
    private readonly emit: (e: ProgressEvent) => void = () => {},
  ) {
    this.paths = statePaths(config.stateDir);
    this.admin = new AdminClient(`http://127.0.0.1:${config.ports.admin}`);
    const logs = this.paths.logsDir;
    const brokers =
      config.kafka.kind === "embedded" ? [`127.0.0.1:${config.ports.broker}`] : config.kafka.kind === "external" ? config.kafka.brokers : [];
    this.state = {
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
        broker: {
          port: config.ports.broker,
          log: path.join(logs, "broker.log"),
          restarts: 0,
          phase: config.kafka.kind === "embedded" ? "starting" : config.kafka.kind === "external" ? "external" : "disabled",
        },
        worker: { port: config.ports.worker, log: path.join(logs, "worker.log"), restarts: 0, phase: "starting" },
        "client-app": { port: config.ports.clientApp, log: path.join(logs, "client-app.log"), restarts: 0, phase: "starting" },
      },
      subscriptions: [],
      notes: [],
    };
    const count = config.nodes ?? 1;
    this.nodes = checkNodePorts(config.ports, count).map((n) => ({
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
      dataDir: nodeDataDir(this.paths, n.node, count),
    }));
    if (count > 1) {
      // node 1 is components.restate too (the same object), so every reader of components.restate keeps working
      this.state.components.restate = this.nodes[0]!;
      this.state.nodes = this.nodes;
      this.state.replication = replicationFor(count);
    }
    if (config.kafka.kind === "none") {
      this.state.notes.push("No Kafka broker (--no-kafka): Kafka-fed verbs call the same handlers through the ingress, with the same key.");
    }
  }

  /** The state entry of a child: a component's, or a node's. */
  private comp(name: ChildName): ComponentState {
    const m = /^restate-(\d+)$/.exec(name);
    return m ? this.nodes[Number(m[1]) - 1]! : this.state.components[name as ComponentName];
  }

  private static childOf(node: number): ChildName {
    return node === 1 ? "restate" : `restate-${node}`;
  }

  /** Node 1's admin API while it is up, else a live node's (a cluster keeps serving with node 1 down). */
  private liveAdmin(): AdminClient {
    const node = liveNode(this.state);
    return node && node.node !== 1 ? new AdminClient(node.adminUrl) : this.admin;
  }

  private save(): void {
    writeState(this.paths.stateFile, this.state);
  }

  private log(line: string): void {
    process.stderr.write(`[supervisor] ${new Date().toISOString()} ${line}\n`);
  }

  /** Start everything; resolves once every component is ready and wired, rejects (after cleaning up) otherwise. */
  async start(): Promise<StackState> {
    mkdirSync(this.paths.logsDir, { recursive: true });
    for (const n of this.nodes) mkdirSync(n.dataDir, { recursive: true });
    if (this.nodes.length > 1) writeFileSync(clusterMarker(this.paths), JSON.stringify({ nodes: this.nodes.length, replication: replicationFor(this.nodes.length) }));
    this.state.publicKey = ensureIdentityKey(this.paths.privateKey);
    this.save();
    await this.startControlServer();
    try {
      const jobs: Promise<void>[] = this.nodes.map((n) => this.timed(this.nodes.length === 1 ? "restate" : `restate node ${n.node}`, () => this.spawnRestate(n.node)));
      if (this.config.kafka.kind === "embedded") jobs.push(this.timed("broker", () => this.spawnBroker()));
      else if (this.config.kafka.kind === "external") jobs.push(this.timed("broker", () => this.checkExternalBroker()));
      jobs.push(this.timed("worker", () => this.spawnWorker()));
      jobs.push(this.timed("client-app", () => this.spawnClientApp()));
      const results = await Promise.allSettled(jobs);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
      await this.timed("registration", () => this.register());
      if (this.config.kafka.kind !== "none") await this.timed("subscriptions", async () => this.wireKafka(await this.needsFreshSubscriptions()));
      if (this.nodes.length > 1) await this.timed("cluster", () => this.waitForLeaders());
      const cliNote = writeCliEnv(this.config.stateDir, this.config.ports);
      if (cliNote) this.state.notes.push(cliNote);
      if (this.config.watch) await this.timed("watch", async () => void (await this.startWatching(this.config.watch!.srcRoot)));
      this.state.readyAt = new Date().toISOString();
      this.save();
      return this.state;
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  private async timed(component: string, fn: () => Promise<void>): Promise<void> {
    const t0 = performance.now();
    this.emit({ type: "progress", component, status: "start" });
    try {
      await fn();
      this.emit({ type: "progress", component, status: "ok", ms: Math.round(performance.now() - t0) });
    } catch (e) {
      this.emit({ type: "progress", component, status: "fail", ms: Math.round(performance.now() - t0), detail: errorMessage(e) });
      throw e;
    }
  }

  // ---- spawning -------------------------------------------------------------------------------------------------

  private spawnChild(name: ChildName, command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): ChildProcess {
    const logPath = this.comp(name).log;
    const fd = openSync(logPath, "a");
    // each child in a process group of its own: a Ctrl+C in the terminal of `start --foreground` reaches only the
    // supervisor, which stops the children in reverse order (they used to get the SIGINT all at once)
    const proc = spawn(command, args, { stdio: ["ignore", fd, fd], env, cwd, detached: true });
    closeSync(fd);
    let child = this.children.get(name);
    if (!child) {
      child = { name, expectedExit: false, waiters: [] };
      this.children.set(name, child);
    }
    child.proc = proc;
    child.expectedExit = false;
    const comp = this.comp(name);
    comp.pid = proc.pid;
    comp.startedAt = new Date().toISOString();
    comp.phase = "starting";
    comp.command = [command, ...args].join(" ");
    this.save();
    proc.once("exit", (code, signal) => this.onExit(name, proc, code, signal));
    return proc;
  }

  private async spawnRestate(node = 1): Promise<void> {
    const n = this.nodes[node - 1]!;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DO_NOT_TRACK: "1",
      RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${n.adminPort}`,
      RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${n.ingressPort}`,
      RESTATE_WORKER__INVOKER__REQUEST_IDENTITY_PRIVATE_KEY_PEM_FILE: this.paths.privateKey,
      RESTATE_LOG_DISABLE_ANSI_CODES: "true",
      // always replay: no idle time before suspending, as Restate's test harness does it
      ...(this.config.alwaysReplay ? { RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT: "0s" } : {}),
      ...clusterEnv(this.nodes, node),
    };
    const name = Supervisor.childOf(node);
    const proc = this.spawnChild(
      name,
      restateServerBinary(),
      ["--config-file", restateTomlPath, "--base-dir", n.dataDir, "--bind-port", String(n.fabricPort), "--no-logo"],
      env,
      this.config.stateDir,
    );
    const admin = node === 1 ? this.admin : new AdminClient(n.adminUrl);
    await this.waitFor(name, proc, 60_000, async () => {
      if (!(await admin.healthy())) return false;
      const ingress = await fetch(`${n.ingressUrl}/restate/health`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
      if (!ingress?.ok) return false;
      await admin.query("SELECT 1");
      return true;
    });
  }

  /** The embedded broker (src/broker) on 127.0.0.1, its log in the state dir, its topics from kafka/asyncapi.yaml. */
  private async spawnBroker(): Promise<void> {
    mkdirSync(this.paths.brokerData, { recursive: true });
    const args = ["--disable-warning=ExperimentalWarning", brokerEntry, String(this.config.ports.broker), this.paths.brokerData, asyncApiSpecPath];
    const proc = this.spawnChild("broker", process.execPath, args, { ...process.env }, this.config.stateDir);
    await this.waitFor("broker", proc, 30_000, () => canConnect(this.config.ports.broker));
  }

  private get wiringFile(): string {
    return path.join(this.paths.brokerData, "wiring.json");
  }

  private readWiring(): KafkaWiring | undefined {
    try {
      return JSON.parse(readFileSync(this.wiringFile, "utf8")) as KafkaWiring;
    } catch {
      return undefined;
    }
  }

  /**
   * Keep the subscriptions when they are the ones that read the embedded broker's persisted log (their consumer
   * groups' offsets are there too). Otherwise (a real Kafka cluster, a new or wiped data dir, Restate's data wiped, a
   * different broker port) they are made afresh, over an empty log: a new subscription reads from the start, and
   * must not replay records an earlier Restate already handled.
   */
  private async needsFreshSubscriptions(): Promise<boolean> {
    if (this.config.kafka.kind !== "embedded") return true;
    const wiring = this.readWiring();
    const existing = (await this.admin.subscriptions()).filter((s) => s.source.startsWith(`kafka://${KAFKA_CLUSTER}/`)).map((s) => s.id);
    const same = !!wiring && wiring.port === this.config.ports.broker && existing.length > 0 && existing.every((id) => wiring.subscriptions.includes(id));
    if (same) return false;
    if (hasData(this.paths.brokerData)) {
      this.log("the broker's data does not belong to the current subscriptions: starting it over empty");
      await this.resetBroker();
    }
    return true;
  }

  /** Stop the embedded broker, wipe its data dir, start it again (during start only). */
  private async resetBroker(): Promise<void> {
    const child = this.children.get("broker");
    const proc = child?.proc;
    if (child && proc?.pid && proc.exitCode === null && proc.signalCode === null) {
      child.expectedExit = true;
      await terminate(proc.pid, 5000, () => proc.exitCode !== null || proc.signalCode !== null);
    }
    rmSync(this.paths.brokerData, { recursive: true, force: true });
    await this.spawnBroker();
  }

  private async checkExternalBroker(): Promise<void> {
    if (this.config.kafka.kind !== "external") return;
    const [first] = this.config.kafka.brokers;
    const idx = first!.lastIndexOf(":");
    const host = first!.slice(0, idx).replace(/^\[|\]$/g, "");
    const port = Number(first!.slice(idx + 1));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await canConnect(port, host)) return;
      await sleep(200);
    }
    throw new StartError(`the Kafka broker ${first} is not reachable`, "broker");
  }

  private workerEnv(port: number, code: WorkerCode): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PATTERNS_WORKER_PORT: String(port),
      PATTERNS_IDENTITY_KEY: this.state.publicKey,
      PATTERNS_STATE_DIR: this.config.stateDir,
      PATTERNS_TIME_SCALE: String(this.config.timeScale),
      PATTERNS_INGRESS_URL: this.state.ingressUrl,
      ...code.env,
    };
  }

  private static workerArgs(code: WorkerCode): string[] {
    // a --watch bundle carries a source map: a worker that fails at load names the TypeScript file and line
    return ["--disable-warning=ExperimentalWarning", ...(code.code === "dist" ? [] : ["--enable-source-maps"]), code.entry];
  }

  /** The current deployment's worker, on its port (the configured one until a reload moves it). */
  private async spawnWorker(): Promise<void> {
    const port = this.state.components.worker.port;
    // The same Node as the CLI (the project's pinned Node 22), never whatever `node` is first on PATH.
    const proc = this.spawnChild("worker", process.execPath, Supervisor.workerArgs(this.workerCode), this.workerEnv(port, this.workerCode), this.config.stateDir);
    await this.waitFor("worker", proc, 20_000, () => canConnect(port));
    const dep = this.currentDeployment();
    if (dep) dep.pid = proc.pid;
  }

  /** A worker outside the component table (a reload's candidate, a draining worker coming back), logging to worker.log. */
  private spawnWorkerProc(port: number, code: WorkerCode): ChildProcess {
    const fd = openSync(this.state.components.worker.log, "a");
    const proc = spawn(process.execPath, Supervisor.workerArgs(code), { stdio: ["ignore", fd, fd], env: this.workerEnv(port, code), cwd: this.config.stateDir, detached: true });
    closeSync(fd);
    return proc;
  }

  /** The TypeScript seed's client app: POST /reserve/:productId/:reservationId → product/{id}/reserve. */
  private async spawnClientApp(): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATTERNS_CLIENT_APP_PORT: String(this.config.ports.clientApp),
      PATTERNS_INGRESS_URL: this.state.ingressUrl,
    };
    const proc = this.spawnChild("client-app", process.execPath, ["--disable-warning=ExperimentalWarning", clientAppEntry], env, this.config.stateDir);
    await this.waitFor("client-app", proc, 20_000, () => canConnect(this.config.ports.clientApp));
  }

  /** Poll a readiness probe until it passes, the process dies, or time runs out. */
  private async waitFor(name: ChildName, proc: ChildProcess, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = "";
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new StartError(`${name} exited during start (code ${proc.exitCode ?? proc.signalCode})`, componentOf(name), this.comp(name).log);
      }
      try {
        if (await probe()) {
          this.comp(name).phase = "up";
          this.save();
          return;
        }
      } catch (e) {
        lastError = errorMessage(e);
      }
      await sleep(25);
    }
    throw new StartError(`${name} was not ready within ${timeoutMs / 1000} s${lastError ? ` (${lastError})` : ""}`, componentOf(name), this.comp(name).log);
  }

  /** A cluster is formed when every partition has a leader on a live node (read with restatectl). */
  private async waitForLeaders(timeoutMs = 60_000): Promise<void> {
    const { readCluster } = await import("./cluster.js");
    const deadline = Date.now() + timeoutMs;
    let last = "no answer yet";
    while (Date.now() < deadline) {
      try {
        const view = await readCluster(this.nodes, 3000);
        const alive = new Set(view.nodes.filter((n) => n.alive).map((n) => n.id));
        const leaderless = view.partitions.filter((p) => !p.leader || !alive.has(p.leader));
        if (view.partitions.length > 0 && leaderless.length === 0) return;
        last = view.partitions.length === 0 ? "no partitions yet" : `partitions ${leaderless.map((p) => p.id).join(", ")} have no leader yet`;
      } catch (e) {
        last = errorMessage(e);
      }
      await sleep(100);
    }
    throw new StartError(`the cluster did not elect a leader for every partition within ${timeoutMs / 1000} s (${last})`, "restate", this.nodes[0]!.log);
  }

  // ---- wiring ---------------------------------------------------------------------------------------------------

  private async register(): Promise<void> {
    const port = this.state.components.worker.port;
    const uri = `http://127.0.0.1:${port}`;
    const res = await this.admin.registerDeployment(uri);
    this.state.deployments = [
      { id: res.id, uri, port, pid: this.state.components.worker.pid, phase: "current", code: this.workerCode.code, registeredAt: new Date().toISOString() },
    ];
    await this.removeStaleDeployments(res.id);
    this.rememberDeployment(res.id);
    this.save();
  }

  // ---- deployments: reloads and draining --------------------------------------------------------------------------

  private get madeFile(): string {
    return path.join(this.paths.root, "deployments.json");
  }

  /** The deployments this state dir's supervisors registered (so a later start removes only its own leftovers). */
  private made(): string[] {
    try {
      return JSON.parse(readFileSync(this.madeFile, "utf8")) as string[];
    } catch {
      return [];
    }
  }

  private rememberDeployment(id: string): void {
    const ids = [...new Set([...this.made(), id])];
    writeFileSync(this.madeFile, JSON.stringify(ids));
  }

  /**
   * A previous run stopped with reloaded deployments registered (their workers are gone with it): remove them, so the
   * one registered now is the only deployment of ours. Deployments somebody else registered are left alone.
   */
  private async removeStaleDeployments(current: string): Promise<void> {
    const mine = new Set(this.made());
    if (mine.size === 0) return;
    const known = await this.admin.deployments().catch(() => []);
    const stale = known.filter((d) => d.id !== current && mine.has(d.id));
    if (stale.length === 0) return;
    // their workers went with the previous run: whatever is still pinned to them cannot finish (its code is gone)
    const pinned = await pinnedInvocations(this.admin, 5000).catch(() => undefined);
    const stranded = stale.reduce((n, d) => n + (pinned?.get(d.id)?.total ?? 0), 0);
    if (stranded > 0) {
      this.state.notes.push(
        `${stranded} invocation${stranded === 1 ? " was" : "s were"} pinned to deployments of an earlier run whose workers are gone (removed now); they cannot finish: \`npx patterns invocations --status active\`, then cancel or kill them`,
      );
    }
    for (const d of stale) {
      await this.admin.deleteDeployment(d.id).then(
        () => this.log(`removed deployment ${d.id} (${d.uri ?? "?"}), left by an earlier run`),
        (e: unknown) => this.log(`could not remove deployment ${d.id}: ${errorMessage(e)}`),
      );
    }
    writeFileSync(this.madeFile, JSON.stringify([current]));
  }

  currentDeployment(): DeploymentState | undefined {
    return this.state.deployments?.find((d) => d.phase === "current");
  }

  /** Resolves once the current worker is up (a reload never races a restart after a crash or a kill). */
  private async workerUp(): Promise<void> {
    const child = this.children.get("worker");
    if (!child) throw new Error("the worker is not running under this supervisor");
    if (this.comp("worker").phase === "up" && child.proc && child.proc.exitCode === null && child.proc.signalCode === null) return;
    const up = new Promise<void>((resolve) => child.waiters.push(resolve));
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 60_000).unref());
    if ((await Promise.race([up, timeout])) === "timeout") throw new Error("the worker has not come back for 1 min; nothing was reloaded");
  }

  /**
   * Serve new invocations with other code. By default (the right way) the code starts in a new worker on a fresh
   * port, registered as a new deployment; the previous one keeps its worker for the invocations pinned to it and is
   * retired once they are done. `inPlace` (what the versioning tour shows going wrong) restarts the current worker on
   * its own port with the new code and registers the same URI again: same deployment id, changed code under the
   * journals of the invocations already running there.
   */
  reload(r: { entry?: string; code?: string; env?: Record<string, string>; changed?: string[]; inPlace?: boolean }): Promise<ReloadOutcome> {
    const run = this.reloadChain.then(() => (r.inPlace ? this.reloadInPlace(r) : this.reloadNew(r)));
    this.reloadChain = run.catch(() => {});
    return run;
  }

  private async reloadNew(r: { entry?: string; code?: string; env?: Record<string, string>; changed?: string[] }): Promise<ReloadOutcome> {
    if (this.stopping) throw new Error("the stack is stopping");
    await this.workerUp();
    const code: WorkerCode = { entry: r.entry ?? this.workerCode.entry, code: r.code ?? this.workerCode.code, env: r.env ?? this.workerCode.env };
    const comp = this.comp("worker");
    const port = await freePort();
    const from = existsSync(comp.log) ? statSync(comp.log).size : 0;
    const proc = this.spawnWorkerProc(port, code);
    this.candidate = proc;
    try {
      return await this.adopt(proc, port, code, r.changed, comp, from);
    } finally {
      this.candidate = undefined;
    }
  }

  /** Wait for a reload's worker, register it, and make it the current deployment (the previous one drains). */
  private async adopt(proc: ChildProcess, port: number, code: WorkerCode, changed: string[] | undefined, comp: ComponentState, from: number): Promise<ReloadOutcome> {
    const gone = () => proc.exitCode !== null || proc.signalCode !== null;
    const deadline = Date.now() + 20_000;
    while (!gone() && !(await canConnect(port))) {
      if (Date.now() > deadline) break;
      await sleep(25);
    }
    if (gone() || !(await canConnect(port))) {
      if (!gone() && proc.pid) await terminate(proc.pid, 2000, gone);
      await sleep(50); // the last lines of its log
      const f = loadFailure(readFrom(comp.log, from), this.state.watch ? path.dirname(this.state.watch.srcRoot) : undefined);
      throw new LoadError(`the new worker did not start (exit ${proc.exitCode ?? proc.signalCode ?? "timeout"}): ${f.message}`, f.file, f.line);
    }
    const uri = `http://127.0.0.1:${port}`;
    let id: string;
    try {
      id = (await this.liveAdmin().registerDeployment(uri)).id;
    } catch (e) {
      if (proc.pid) await terminate(proc.pid, 2000, gone);
      throw new LoadError(`Restate refused the new deployment: ${errorMessage(e)}`);
    }
    this.rememberDeployment(id);
    // the swap: the new worker becomes the component "worker"; the old one drains
    if (this.stopping) {
      if (proc.pid) await terminate(proc.pid, 2000, gone);
      throw new Error("the stack is stopping");
    }
    const child = this.children.get("worker")!;
    const old = child.proc!;
    const oldCode = this.workerCode;
    const previous = this.currentDeployment();
    const now = new Date().toISOString();
    // a restart of the old worker scheduled meanwhile (kill-worker) is the draining worker's business now
    clearTimeout(child.restartTimer);
    child.proc = proc;
    child.expectedExit = false;
    proc.once("exit", (c, sig) => this.onExit("worker", proc, c, sig));
    comp.pid = proc.pid;
    comp.port = port;
    comp.startedAt = now;
    comp.phase = "up";
    comp.command = [process.execPath, ...Supervisor.workerArgs(code)].join(" ");
    this.workerCode = code;
    const deployments = this.state.deployments ?? [];
    if (previous) {
      previous.phase = "draining";
      previous.supersededAt = now;
      const d: DrainingWorker = { proc: old, port: previous.port, code: oldCode };
      this.draining.set(previous.id, d);
      if (old.exitCode !== null || old.signalCode !== null) this.onDrainingExit(previous.id, old, old.exitCode, old.signalCode);
      else old.once("exit", (c, sig) => this.onDrainingExit(previous.id, old, c, sig));
    }
    deployments.push({
      id,
      uri,
      port,
      pid: proc.pid,
      phase: "current",
      code: code.code,
      ...(Object.keys(code.env).length ? { env: code.env } : {}),
      registeredAt: now,
      ...(changed?.length ? { changed } : {}),
    });
    this.state.deployments = deployments;
    this.save();
    for (const w of child.waiters.splice(0)) w();
    this.log(`deployment ${id} (${code.code}, pid ${proc.pid}, port ${port}) serves new invocations${previous ? `; ${previous.id} drains` : ""}`);
    let previousInFlight: number | undefined;
    if (previous) {
      previousInFlight = (await pinnedInvocations(this.liveAdmin()).catch(() => undefined))?.get(previous.id)?.total ?? 0;
      previous.inFlight = previousInFlight;
      this.save();
      this.ensureDrainTimer();
    }
    return { deployment: id, port, pid: proc.pid, previous: previous?.id, previousInFlight };
  }

  private async reloadInPlace(r: { env?: Record<string, string>; code?: string }): Promise<ReloadOutcome> {
    if (this.stopping) throw new Error("the stack is stopping");
    await this.workerUp();
    const child = this.children.get("worker")!;
    const comp = this.comp("worker");
    const proc = child.proc!;
    child.expectedExit = true;
    if (proc.pid) await terminate(proc.pid, 5000, () => proc.exitCode !== null || proc.signalCode !== null);
    this.workerCode = { ...this.workerCode, env: r.env ?? this.workerCode.env, code: r.code ?? this.workerCode.code };
    await this.spawnWorker();
    const uri = `http://127.0.0.1:${comp.port}`;
    const res = await this.liveAdmin().registerDeployment(uri);
    const dep = this.currentDeployment();
    if (dep) {
      dep.replacedInPlace = true;
      dep.pid = comp.pid;
      dep.env = this.workerCode.env;
    }
    this.save();
    this.log(`deployment ${res.id} re-registered at the same URI with changed code (in place, pid ${comp.pid})`);
    return { deployment: res.id, port: comp.port, pid: comp.pid, previous: res.id };
  }

  private ensureDrainTimer(): void {
    if (this.drainTimer || this.stopping) return;
    this.drainTimer = setInterval(() => void this.drainTick(), 1000);
  }

  /** Retire each draining deployment once two looks in a row find nothing pinned to it. */
  private async drainTick(): Promise<void> {
    if (this.drainBusy || this.stopping) return;
    if (this.draining.size === 0) {
      clearInterval(this.drainTimer);
      this.drainTimer = undefined;
      return;
    }
    this.drainBusy = true;
    try {
      const counts = await pinnedInvocations(this.liveAdmin());
      for (const [id, d] of [...this.draining]) {
        const dep = this.state.deployments?.find((x) => x.id === id);
        const n = counts.get(id)?.total ?? 0;
        if (dep) dep.inFlight = n;
        const settled = Date.now() - Date.parse(dep?.supersededAt ?? new Date().toISOString()) >= DRAIN_GRACE_MS;
        if (n > 0 || !settled) {
          d.zeroSince = undefined;
          continue;
        }
        if (d.zeroSince === undefined) {
          d.zeroSince = Date.now();
          continue;
        }
        await this.retire(id, d);
      }
      this.save();
    } catch (e) {
      this.log(`could not read what runs on the older deployments: ${errorMessage(e)}`);
    } finally {
      this.drainBusy = false;
    }
  }

  /** Stop a drained deployment's worker and remove the deployment from Restate. */
  private async retire(id: string, d: DrainingWorker): Promise<void> {
    this.draining.delete(id);
    d.retiring = true;
    clearTimeout(d.respawnTimer);
    const pid = d.proc.pid;
    if (pid && d.proc.exitCode === null && d.proc.signalCode === null) await terminate(pid, 5000, () => d.proc.exitCode !== null || d.proc.signalCode !== null);
    let error: string | undefined;
    await this.liveAdmin()
      .deleteDeployment(id)
      .catch((e: unknown) => (error = errorMessage(e)));
    const dep = this.state.deployments?.find((x) => x.id === id);
    if (dep) {
      dep.phase = "drained";
      dep.stoppedAt = new Date().toISOString();
      dep.inFlight = 0;
    }
    const list = this.state.deployments ?? [];
    const drained = list.filter((x) => x.phase === "drained");
    if (drained.length > KEEP_DRAINED) this.state.deployments = list.filter((x) => x.phase !== "drained" || drained.indexOf(x) >= drained.length - KEEP_DRAINED);
    this.save();
    this.log(`deployment ${id} drained: worker pid ${pid} stopped, ${error ? `not removed (${error})` : "deployment removed from Restate"}`);
    appendWatchEvent(this.paths.logsDir, { type: "drained", at: new Date().toISOString(), deployment: id, pid, removed: !error, ...(error ? { error } : {}) });
  }

  /** A draining worker that dies by itself comes back on its port and code: its invocations are pinned to it. */
  private onDrainingExit(id: string, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const d = this.draining.get(id);
    if (!d || d.proc !== proc || d.retiring || this.stopping) return;
    this.log(`worker of draining deployment ${id} (pid ${proc.pid}) exited with ${signal ?? code}; restarting it in ${this.restartDelayMs} ms`);
    d.respawnTimer = setTimeout(() => {
      if (this.stopping || d.retiring) return;
      const next = this.spawnWorkerProc(d.port, d.code);
      d.proc = next;
      const dep = this.state.deployments?.find((x) => x.id === id);
      if (dep) dep.pid = next.pid;
      this.save();
      next.once("exit", (c, sig) => this.onDrainingExit(id, next, c, sig));
    }, this.restartDelayMs);
  }

  // ---- watching the sources (start --watch) ----------------------------------------------------------------------

  async startWatching(srcRoot: string): Promise<WatchState> {
    if (this.watcher && this.state.watch) return this.state.watch;
    const outRoot = path.join(this.paths.root, "watch", String(Date.now()));
    this.state.watch = { srcRoot, since: new Date().toISOString(), builds: 0, failures: 0 };
    const watcher = new Watcher({
      srcRoot,
      outRoot,
      logsDir: this.paths.logsDir,
      reload: (entry, code, changed) => this.reload({ entry, code, changed }),
      serving: () => this.currentDeployment()?.id,
      onBuild: (ok, error) => {
        const w = this.state.watch;
        if (!w) return;
        if (ok) {
          w.builds += 1;
          delete w.lastError;
        } else {
          w.failures += 1;
          w.lastError = error;
        }
        this.save();
      },
    });
    try {
      await watcher.start();
    } catch (e) {
      delete this.state.watch;
      this.save();
      await watcher.close().catch(() => {});
      throw e;
    }
    this.watcher = watcher;
    this.save();
    this.log(`watching ${path.join(srcRoot, "services")} for changes`);
    return this.state.watch;
  }

  async stopWatching(): Promise<void> {
    const w = this.watcher;
    this.watcher = undefined;
    delete this.state.watch;
    this.save();
    await w?.close();
    if (w) this.log("stopped watching");
  }

  /**
   * Register the Kafka cluster and the subscriptions. `fresh` deletes and re-creates every subscription (new ids, new
   * consumer groups): Restate drops a record whose (subscription, partition, offset) it has seen, so a log whose
   * offsets start again at 0 must never meet an old subscription.
   */
  async wireKafka(fresh: boolean): Promise<void> {
    const bootstrap = this.state.brokers.join(",");
    const admin = this.liveAdmin();
    await admin.ensureKafkaCluster(KAFKA_CLUSTER, bootstrap);
    const existing = (await admin.subscriptions()).filter((s) => s.source.startsWith(`kafka://${KAFKA_CLUSTER}/`));
    const wanted = allSubscriptions.map((s) => ({ source: `kafka://${KAFKA_CLUSTER}/${s.topic}`, sink: `service://${s.service}/${s.handler}` }));
    const keep: typeof existing = [];
    for (const sub of existing) {
      const stillWanted = wanted.some((w) => w.source === sub.source && w.sink === sub.sink);
      if (fresh || !stillWanted) await admin.deleteSubscription(sub.id);
      else keep.push(sub);
    }
    const created = [];
    for (const w of wanted) {
      if (keep.some((k) => k.source === w.source && k.sink === w.sink)) continue;
      created.push(await admin.createSubscription(w.source, w.sink, SUBSCRIPTION_OPTIONS));
    }
    this.state.subscriptions = [...keep, ...created].map((s) => ({ id: s.id, source: s.source, sink: s.sink }));
    this.save();
    if (this.config.kafka.kind === "embedded") {
      const wiring: KafkaWiring = { port: this.config.ports.broker, subscriptions: this.state.subscriptions.map((s) => s.id) };
      writeFileSync(`${this.wiringFile}.tmp`, JSON.stringify(wiring));
      renameSync(`${this.wiringFile}.tmp`, this.wiringFile);
    }
  }

  private async deleteKafkaSubscriptions(): Promise<void> {
    const admin = this.liveAdmin();
    for (const sub of await admin.subscriptions()) {
      if (sub.source.startsWith(`kafka://${KAFKA_CLUSTER}/`)) await admin.deleteSubscription(sub.id);
    }
    this.state.subscriptions = [];
    this.save();
  }

  // ---- restarts -------------------------------------------------------------------------------------------------

  private onExit(name: ChildName, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const child = this.children.get(name);
    if (!child || child.proc !== proc) return;
    this.log(`${name} (pid ${proc.pid}) exited with ${signal ?? code}`);
    if (this.stopping || child.expectedExit) return;
    const comp = this.comp(name);
    comp.phase = "down";
    child.downSince = Date.now();
    this.save();
    if (this.state.readyAt === undefined) return; // during start a death fails the start instead
    this.scheduleRestart(name, this.restartDelayMs);
  }

  private scheduleRestart(name: ChildName, delayMs: number): void {
    const child = this.children.get(name)!;
    clearTimeout(child.restartTimer);
    this.log(`restarting ${name} in ${delayMs} ms`);
    child.restartTimer = setTimeout(() => {
      void this.restart(name).catch((e) => this.log(`restart of ${name} failed: ${errorMessage(e)}; trying again`));
    }, delayMs);
  }

  private async restart(name: ChildName): Promise<void> {
    if (this.stopping) return;
    const child = this.children.get(name)!;
    const comp = this.comp(name);
    // counted before the spawn saves the new pid, so `status` never shows the new process with the old count
    comp.restarts += 1;
    try {
      // the broker's log and group offsets persist, so its subscriptions stay; only a data dir wiped meanwhile
      // (its offsets start at 0 again) needs fresh ones
      const wiped = name === "broker" && !this.readWiring();
      if (wiped) await this.deleteKafkaSubscriptions().catch((e) => this.log(`could not delete subscriptions: ${errorMessage(e)}`));
      if (name.startsWith("restate")) await this.spawnRestate(nodeOf(name));
      else if (name === "worker") await this.spawnWorker();
      else if (name === "client-app") await this.spawnClientApp();
      else await this.spawnBroker();
      if (wiped) await this.wireKafka(true);
      comp.phase = "up";
      child.downSince = undefined;
      this.save();
      this.log(`${name} is back (pid ${comp.pid})`);
      for (const w of child.waiters.splice(0)) w();
    } catch (e) {
      comp.restarts -= 1;
      this.log(`${name} failed to come back: ${errorMessage(e)}`);
      this.scheduleRestart(name, Math.max(this.restartDelayMs, 1000));
    }
  }

  /** Kill a component with a signal and bring it back after downMs; resolves when it is up again (or at once). */
  async kill(name: ChildName, opts: { signal?: NodeJS.Signals; downMs: number; wait: boolean }): Promise<{ pid?: number; newPid?: number; downMs: number }> {
    const child = this.children.get(name);
    if (!child?.proc?.pid) throw new Error(`${name} is not running under this supervisor`);
    if (this.comp(name).phase !== "up" || child.proc.exitCode !== null || child.proc.signalCode !== null) {
      // it is being restarted (after a crash or an earlier kill): wait until it is back before killing it again
      const up = new Promise<void>((resolve) => child.waiters.push(resolve));
      const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 120_000).unref());
      if ((await Promise.race([up, timeout])) === "timeout") throw new Error(`${name} has not come back for 2 min; nothing was killed`);
    }
    const pid = child.proc!.pid!;
    const back = new Promise<void>((resolve) => child.waiters.push(resolve));
    const exited = new Promise<void>((resolve) => child.proc!.once("exit", () => resolve()));
    const t0 = Date.now();
    child.expectedExit = true;
    try {
      process.kill(pid, opts.signal ?? "SIGKILL");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e; // it died by itself a moment ago: same outcome
    }
    await exited;
    const comp = this.comp(name);
    comp.phase = "down";
    child.downSince = t0;
    this.save();
    this.scheduleRestart(name, opts.downMs);
    if (!opts.wait) return { pid, downMs: opts.downMs };
    await back;
    return { pid, newPid: this.comp(name).pid, downMs: Date.now() - t0 };
  }

  // ---- control socket -------------------------------------------------------------------------------------------

  private async startControlServer(): Promise<void> {
    rmSync(this.paths.controlSocket, { force: true });
    this.control = http.createServer((req, res) => void this.handleControl(req, res));
    await new Promise<void>((resolve, reject) => {
      this.control!.once("error", reject);
      this.control!.listen(this.paths.controlSocket, () => resolve());
    });
  }

  private async handleControl(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    try {
      let raw = "";
      for await (const chunk of req) raw += chunk;
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      if (req.method === "GET" && req.url === "/state") return send(200, this.state);
      if (req.method === "POST" && req.url === "/kill") {
        const name = body.component as ComponentName;
        if (!COMPONENT_ORDER.includes(name)) return send(400, { message: `unknown component ${String(name)}` });
        const node = body.node === undefined ? 1 : Number(body.node);
        if (name !== "restate" && body.node !== undefined) return send(400, { message: `only restate has nodes, not ${name}` });
        if (!Number.isInteger(node) || node < 1 || node > this.nodes.length) {
          return send(400, { message: `there is no node ${String(body.node)}: this stack has ${this.nodes.length === 1 ? "one node" : `nodes 1 to ${this.nodes.length}`}` });
        }
        const result = await this.kill(name === "restate" ? Supervisor.childOf(node) : name, {
          signal: (body.signal as NodeJS.Signals | undefined) ?? "SIGKILL",
          downMs: Number(body.downMs ?? 2000),
          wait: body.wait !== false,
        });
        return send(200, result);
      }
      if (req.method === "POST" && req.url === "/watch") {
        if (body.on === false) {
          await this.stopWatching();
          return send(200, { watching: false, deployment: this.currentDeployment()?.id });
        }
        const srcRoot = typeof body.srcRoot === "string" ? body.srcRoot : undefined;
        if (!srcRoot) return send(400, { message: "srcRoot is required" });
        return send(200, { watching: true, ...(await this.startWatching(srcRoot)) });
      }
      if (req.method === "POST" && req.url === "/reload") {
        const env = (body.env ?? {}) as Record<string, string>;
        if (typeof env !== "object" || Object.values(env).some((v) => typeof v !== "string")) return send(400, { message: "env must map names to strings" });
        return send(200, await this.reload({ env, inPlace: body.inPlace === true }));
      }
      if (req.method === "POST" && req.url === "/stop") {
        send(202, { stopping: true });
        await this.stop();
        process.exit(0);
      }
      send(404, { message: "unknown control request" });
    } catch (e) {
      send(500, { message: errorMessage(e) });
    }
  }

  // ---- stopping -------------------------------------------------------------------------------------------------

  /** SIGTERM in reverse start order, SIGKILL after a grace period, wait for the ports, remove our state files. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const child of this.children.values()) clearTimeout(child.restartTimer);
    clearInterval(this.drainTimer);
    await this.watcher?.close().catch(() => {});
    this.watcher = undefined;
    const candidate = this.candidate;
    if (candidate?.pid && candidate.exitCode === null && candidate.signalCode === null) {
      await terminate(candidate.pid, graceMs, () => candidate.exitCode !== null || candidate.signalCode !== null);
    }
    for (const name of [...COMPONENT_ORDER].reverse()) {
      // a cluster's nodes stop together: one by one, the last ones would wait for a quorum that is gone
      const names: ChildName[] = name === "restate" ? this.nodes.map((n) => Supervisor.childOf(n.node)) : [name];
      if (name === "worker") {
        // the older deployments' workers go with the current one
        await Promise.all(
          [...this.draining.values()].map(async (d) => {
            d.retiring = true;
            clearTimeout(d.respawnTimer);
            if (d.proc.pid && d.proc.exitCode === null && d.proc.signalCode === null) await terminate(d.proc.pid, graceMs, () => d.proc.exitCode !== null || d.proc.signalCode !== null);
          }),
        );
      }
      await Promise.all(
        names.map(async (n) => {
          const proc = this.children.get(n)?.proc;
          if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
          await terminate(proc.pid, graceMs, () => proc.exitCode !== null || proc.signalCode !== null);
          this.comp(n).phase = "stopped";
        }),
      );
    }
    const ports = [this.config.ports.clientApp, this.state.components.worker.port, ...[...this.draining.values()].map((d) => d.port), ...this.nodes.flatMap((n) => [n.ingressPort, n.adminPort, n.fabricPort])];
    if (this.config.kafka.kind === "embedded") ports.push(this.config.ports.broker);
    const deadline = Date.now() + 5000;
    for (const port of ports) {
      while (Date.now() < deadline && !(await isPortFree(port))) await sleep(50);
    }
    this.control?.close();
    rmSync(this.paths.controlSocket, { force: true });
    removeCliEnv(this.config.stateDir);
    removeState(this.paths.stateFile);
  }
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
export async function terminate(pid: number, graceMs: number, gone: () => boolean = () => !isAlive(pid)): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (gone()) return;
    await sleep(25);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return;
  }
  const hard = Date.now() + 2000;
  while (Date.now() < hard && !gone()) await sleep(25);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** What a log file got after byte offset `from` (a failed worker's own lines). */
function readFrom(file: string, from: number): string {
  if (!existsSync(file)) return "";
  const size = statSync(file).size;
  if (size <= from) return "";
  const len = Math.min(size - from, 64 * 1024);
  const buf = Buffer.alloc(len);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buf, 0, len, from);
  } finally {
    closeSync(fd);
  }
  return buf.toString("utf8");
}

/** Last lines of a component log, for a failed start. */
export function logTail(file: string | undefined, lines = 15): string {
  if (!file || !existsSync(file)) return "";
  return tailFile(file, lines);
}


function nodeOf(name: ChildName): number {
  const m = /^restate-(\d+)$/.exec(name);
  return m ? Number(m[1]) : 1;
}

function componentOf(name: ChildName): ComponentName {
  return name.startsWith("restate") ? "restate" : (name as ComponentName);
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
