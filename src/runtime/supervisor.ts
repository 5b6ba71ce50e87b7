// The supervisor owns the stack's processes (restate-server, or N nodes of a cluster; the embedded broker; the worker;
// the seed's client app). This file is its start and its stop: it spawns the components in parallel, registers the
// worker and wires Kafka as soon as what each step needs is ready, and stops everything in order. The rest is in one
// file per job: process-group (spawning, readiness, SIGTERM/SIGKILL), component-specs (what each component is),
// kafka-wiring, deployments (registration, draining, --watch), adoption (reloads), restarts (backoff, crash loops,
// kills) and control-server (the socket verbs talk to). It runs detached in the background (`start`, through
// src/supervisor-main.ts) or in the foreground (`start --foreground`).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import type http from "node:http";
import { errorMessage } from "../errors.js";
import { lineWriter, type LogLevel } from "../lib/log-line.js";
import { Adoption, type ReloadRequest } from "./adoption.js";
import { AdminClient } from "./admin.js";
import { brokerSpec, clientAppSpec, clusterMarker, DIST_WORKER, initialState, restateSpec, workerSpec, type ComponentSpec, type WorkerCode } from "./component-specs.js";
import { replicationFor, type StackConfig } from "./config.js";
import { startControlServer, type Controlled } from "./control-server.js";
import { Deployments } from "./deployments.js";
import { KafkaWiring } from "./kafka-wiring.js";
import { ensureIdentityKey } from "./keys.js";
import { statePaths, type StatePaths } from "./paths.js";
import { isPortFree } from "./ports.js";
import { ProcessGroup, sleep, StartError, terminateProc, waitReady, type ChildName } from "./process-group.js";
import { removeCliEnv, restatectlNote, writeCliEnv } from "./restate-cli-env.js";
import { Restarts, type KillRequest } from "./restarts.js";
import { liveNode, removeState, writeState, type ComponentName, type ComponentState, type NodeState, type StackState, type WatchState } from "./state.js";
import { childOf, nodeOf, type ProgressEvent, type SupervisorContext, type SupervisorDeps } from "./supervisor-context.js";
import type { ReloadOutcome } from "./watch.js";

export { StartError, logTail } from "./process-group.js";
export { clusterMarker } from "./component-specs.js";
export type { ProgressEvent, SupervisorDeps } from "./supervisor-context.js";

/**
 * Stop order, each step's components together: restate-server (with the client app, which only calls it) before the
 * broker, so its Kafka consumers let go of a live broker instead of holding restate-server until the grace period
 * runs out; and before the worker, whose HTTP/2 server then closes at once instead of waiting on Restate's connections.
 */
const STOP_ORDER: readonly (readonly ComponentName[])[] = [
  ["client-app", "restate"],
  ["worker", "broker"],
];

export class Supervisor implements SupervisorContext, Controlled {
  readonly paths: StatePaths;
  readonly admin: AdminClient;
  readonly state: StackState;
  /** the restate-server nodes (one unless `--nodes N`); node 1 is the same object as state.components.restate */
  readonly nodes: NodeState[];
  readonly group = new ProcessGroup();
  stopping = false;
  workerCode: WorkerCode = DIST_WORKER;
  private control?: http.Server;
  private readonly kafka: KafkaWiring;
  private readonly deployments: Deployments;
  private readonly restarts: Restarts;
  private readonly adoption: Adoption;

  constructor(
    readonly config: StackConfig,
    readonly deps: SupervisorDeps,
    private readonly emit: (e: ProgressEvent) => void = () => {},
    /** where its log lines go: stderr, which is logs/supervisor.log for the detached supervisor */
    private readonly writeLog = lineWriter(),
  ) {
    this.paths = statePaths(config.stateDir);
    this.admin = new AdminClient(`http://127.0.0.1:${config.ports.admin}`);
    ({ state: this.state, nodes: this.nodes } = initialState(config, this.paths));
    this.kafka = new KafkaWiring(this);
    this.restarts = new Restarts(this, this.kafka);
    this.deployments = new Deployments(this, (entry, code, changed) => this.reload({ entry, code, changed }));
    this.adoption = new Adoption(this, this.deployments, this.restarts);
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** The state entry of a child: a component's, or a node's. */
  comp(name: ChildName): ComponentState {
    return /^restate-\d+$/.test(name) ? this.nodes[nodeOf(name) - 1]! : this.state.components[name as ComponentName];
  }

  liveAdmin(): AdminClient {
    const node = liveNode(this.state);
    return node && node.node !== 1 ? new AdminClient(node.adminUrl) : this.admin;
  }

  save(): void {
    writeState(this.paths.stateFile, this.state);
  }

  log(level: LogLevel, line: string): void {
    this.writeLog(level, line);
  }

  /**
   * Start everything; resolves once every component is ready and wired, rejects (after cleaning up) otherwise. Each
   * step starts as soon as what it needs is ready: registration needs restate-server and the worker, the Kafka
   * wiring needs the registration and the broker; the client app needs nothing of ours to be ready.
   */
  async start(): Promise<StackState> {
    this.prepareDirs();
    this.save();
    const steps: Promise<unknown>[] = [];
    const step = <T>(p: Promise<T>): Promise<T> => {
      steps.push(p.catch(() => {}));
      return p;
    };
    try {
      await startControlServer(this.paths.controlSocket, this).then((s) => (this.control = s));
      const restate = step(Promise.all(this.nodes.map((n) => this.timed(this.nodes.length === 1 ? "restate" : `restate node ${n.node}`, () => this.spawnComponent(childOf(n.node))))));
      const broker = step(this.startBroker());
      const worker = step(this.timed("worker", () => this.spawnComponent("worker")));
      const clientApp = step(this.timed("client-app", () => this.spawnComponent("client-app")));
      const registered = step(Promise.all([restate, worker]).then(() => this.timed("registration", () => this.deployments.registerFirst())));
      const wired = step(Promise.all([registered, broker]).then(() => this.wireKafka()));
      const leaders = step(restate.then(() => (this.nodes.length > 1 ? this.timed("cluster", () => this.waitForLeaders()) : undefined)));
      await Promise.all([restate, broker, worker, clientApp, registered, wired, leaders]);
      for (const note of [writeCliEnv(this.config.stateDir, this.config.ports), restatectlNote(this.config.ports.fabric)]) if (note) this.state.notes.push(note);
      if (this.config.watch) await this.timed("watch", async () => void (await this.startWatching(this.config.watch!.srcRoot)));
      this.state.readyAt = new Date().toISOString();
      this.save();
      const pids = Object.entries(this.state.components).map(([name, comp]) => `${name} pid ${comp.pid}`);
      this.log("info", `ready: ${pids.join(", ")}`);
      return this.state;
    } catch (e) {
      // every step has settled before the stop, so none spawns anything behind it
      await Promise.all(steps);
      await this.stop();
      throw e;
    }
  }

  private prepareDirs(): void {
    mkdirSync(this.paths.logsDir, { recursive: true });
    for (const n of this.nodes) mkdirSync(n.dataDir, { recursive: true });
    if (this.nodes.length > 1) writeFileSync(clusterMarker(this.paths), JSON.stringify({ nodes: this.nodes.length, replication: replicationFor(this.nodes.length) }));
    this.state.publicKey = ensureIdentityKey(this.paths.privateKey);
  }

  private startBroker(): Promise<void> {
    if (this.config.kafka.kind === "embedded") return this.timed("broker", () => this.spawnComponent("broker"));
    if (this.config.kafka.kind === "external") return this.timed("broker", () => this.kafka.checkExternalBroker());
    return Promise.resolve();
  }

  private async wireKafka(): Promise<void> {
    if (this.config.kafka.kind === "none") return;
    await this.timed("subscriptions", async () => {
      const { fresh, emptied } = await this.kafka.needsFreshSubscriptions();
      if (emptied) this.state.notes.push(emptied);
      await this.kafka.wire(fresh);
    });
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

  private spec(name: ChildName): ComponentSpec {
    const { config, state, paths } = this;
    if (name.startsWith("restate")) return restateSpec(this.nodes, nodeOf(name), paths, config.stateDir, { alwaysReplay: config.alwaysReplay });
    if (name === "broker") {
      mkdirSync(paths.brokerData, { recursive: true });
      return brokerSpec(config.ports.broker, paths, config.stateDir, state.components.broker.log);
    }
    if (name === "worker") {
      const setting = { publicKey: state.publicKey, stateDir: config.stateDir, timeScale: config.timeScale, ingressUrl: state.ingressUrl };
      return workerSpec(state.components.worker.port, this.workerCode, setting, state.components.worker.log);
    }
    return clientAppSpec(config.ports.clientApp, state.ingressUrl, config.stateDir, state.components["client-app"].log);
  }

  /** Spawn a child from its spec, record it in the state, and wait until it is ready. */
  async spawnComponent(name: ChildName): Promise<void> {
    // nothing new once the stack stops (a start interrupted half way must leave nothing behind)
    if (this.stopping) throw new Error(`the stack is stopping: ${name} was not started`);
    const spec = this.spec(name);
    const proc = this.group.spawn(name, spec, (p, code, signal) => this.restarts.onExit(name, p, code, signal));
    const comp = this.comp(name);
    Object.assign(comp, { pid: proc.pid, startedAt: new Date().toISOString(), phase: "starting", command: [spec.command, ...spec.args].join(" ") });
    this.save();
    const component: ComponentName = name.startsWith("restate") ? "restate" : (name as ComponentName);
    await waitReady(name, component, spec.log, proc, spec.readyWithinMs, spec.ready);
    comp.phase = "up";
    if (name === "worker") {
      const dep = this.deployments.current();
      if (dep) dep.pid = proc.pid;
    }
    this.save();
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

  // ---- what the control socket and the watcher ask for ---------------------------------------------------------------

  kill(name: ChildName, opts: KillRequest): Promise<{ pid?: number; newPid?: number; downMs: number }> {
    return this.restarts.kill(name, opts);
  }

  reload(r: ReloadRequest): Promise<ReloadOutcome> {
    return this.adoption.reload(r);
  }

  currentDeployment() {
    return this.deployments.current();
  }

  startWatching(srcRoot: string): Promise<WatchState> {
    return this.deployments.startWatching(srcRoot);
  }

  async stopWatching(): Promise<{ deployment?: string }> {
    await this.deployments.stopWatching();
    return { deployment: this.deployments.current()?.id };
  }

  async shutdown(): Promise<void> {
    await this.stop();
    process.exit(0);
  }

  // ---- stopping -------------------------------------------------------------------------------------------------

  /**
   * SIGTERM in STOP_ORDER, SIGKILL after a grace period, wait for the ports, remove our state files. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    // said in the state file before anything is stopped: a verb waiting on the stack tells a stop from a failure
    this.state.stoppingAt = new Date().toISOString();
    this.save();
    this.restarts.cancelAll();
    await this.deployments.stopWatching();
    await terminateProc(this.adoption.candidate, graceMs);
    this.log("info", "stopping: restate-server and the client app, then the worker and the broker");
    for (const step of STOP_ORDER) {
      // a cluster's nodes stop together: one by one, the last ones would wait for a quorum that is gone
      const names = step.flatMap((name): ChildName[] => (name === "restate" ? this.nodes.map((n) => childOf(n.node)) : [name]));
      // the older deployments' workers go with the current one
      await Promise.all([...names.map((n) => this.stopChild(n, graceMs)), ...(step.includes("worker") ? [this.deployments.stopDraining(graceMs)] : [])]);
    }
    const t0 = Date.now();
    const held = await this.portsFreed();
    this.log(held.length ? "warn" : "info", `stopped${held.length ? `; ports still taken after 5 s: ${held.join(", ")}` : `; every port free after ${Date.now() - t0} ms`}`);
    this.control?.close();
    rmSync(this.paths.controlSocket, { force: true });
    removeCliEnv(this.config.stateDir);
    removeState(this.paths.stateFile);
  }

  private async stopChild(name: ChildName, graceMs: number): Promise<void> {
    const child = this.group.get(name);
    if (!child?.proc?.pid || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
    child.expectedExit = true;
    await terminateProc(child.proc, graceMs);
    this.comp(name).phase = "stopped";
  }

  /** Wait (up to 5 s) until every port of the stack is free again; returns those still taken. */
  private async portsFreed(): Promise<number[]> {
    const ports = [this.config.ports.clientApp, this.state.components.worker.port, ...this.deployments.drainingPorts(), ...this.nodes.flatMap((n) => [n.ingressPort, n.adminPort, n.fabricPort])];
    if (this.config.kafka.kind === "embedded") ports.push(this.config.ports.broker);
    const deadline = Date.now() + 5000;
    for (const port of ports) {
      while (Date.now() < deadline && !(await isPortFree(port))) await sleep(50);
    }
    const held: number[] = [];
    for (const port of ports) if (!(await isPortFree(port))) held.push(port);
    return held;
  }
}
