// `patterns start`: check ports, then spawn the supervisor in the background and show each component coming up.
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, openSync, closeSync, statSync, existsSync, accessSync, constants, readFileSync } from "node:fs";
import { IGNORED_PORT_FLAG, PORT_ENV, PORT_FLAGS, checkNodePorts, parseNodes, parseTimeScale, resolveKafka, resolvePorts, type Ports, type StackConfig } from "../runtime/config.js";
import { LogFilter } from "../runtime/log-filter.js";
import { lineWriter } from "../lib/log-line.js";
import path from "node:path";
import { projectRoot, resolveStateDir, statePaths, supervisorEntry, type StatePaths } from "../runtime/paths.js";
import { control } from "../runtime/stack.js";
import { watchEventLine, watchEventsFile, type WatchEvent } from "../runtime/watch.js";
import { workerSource } from "../runtime/watch-build.js";
import { isPortFree, portOwner } from "../runtime/ports.js";
import { liveState, removeState, type StackState } from "../runtime/state.js";
import { Supervisor, clusterMarker, logTail, type ProgressEvent } from "../runtime/supervisor.js";
import { followFile } from "../runtime/logs.js";
import { supervisorDeps } from "../observe/supervisor-deps.js";
import { nodeEnv } from "../runtime/component-specs.js";
import { allSubscriptions } from "../services/registry.js";
import { cleanupStale } from "./stop.js";
import { PlaygroundError, UsageError } from "../errors.js";
import { c, sym } from "../ui/palette.js";
import { humanDuration, note, out, printNdjson } from "../ui/output.js";
import { spinner, type Step } from "../ui/spinner.js";
import { verb } from "./verb.js";

interface StartOptions {
  foreground?: boolean;
  verbose?: boolean;
  kafkaBrokers?: string;
  kafka?: boolean;
  timeScale?: string;
  ingressPort?: string;
  adminPort?: string;
  workerPort?: string;
  brokerPort?: string;
  fabricPort?: string;
  brokerApiPort?: string;
  clientAppPort?: string;
  nodes?: string;
  watch?: boolean;
  watchSrc?: string;
  alwaysReplay?: boolean;
}

/** The source folder `start --watch` watches: the project's src/ unless --watch-src names a copy laid out like it. */
export function watchSrcRoot(o: { watch?: boolean; watchSrc?: string }): string | undefined {
  if (!o.watch) {
    if (o.watchSrc) throw new UsageError("--watch-src only makes sense with --watch", "add --watch, or leave --watch-src out");
    return undefined;
  }
  const root = path.resolve(o.watchSrc ?? path.join(projectRoot, "src"));
  if (!existsSync(workerSource(root)) || !existsSync(path.join(root, "services"))) {
    throw new UsageError(`${root} has no worker/main.ts and services/ folder to watch`, "pass the project's src folder (the default) or a copy of it: --watch-src <dir>");
  }
  return root;
}

export function buildConfig(o: StartOptions & { stateDir?: string }): StackConfig {
  const nodes = parseNodes(o.nodes);
  const config: StackConfig = {
    stateDir: resolveStateDir(o.stateDir),
    ports: resolvePorts({
      ingress: o.ingressPort,
      admin: o.adminPort,
      worker: o.workerPort,
      broker: o.brokerPort,
      fabric: o.fabricPort,
      clientApp: o.clientAppPort,
    }),
    kafka: resolveKafka({ kafkaBrokers: o.kafkaBrokers, kafka: o.kafka }),
    timeScale: parseTimeScale(o.timeScale),
    subscriptions: allSubscriptions,
  };
  if (nodes > 1) {
    checkNodePorts(config.ports, nodes);
    config.nodes = nodes;
  }
  const srcRoot = watchSrcRoot(o);
  if (srcRoot) config.watch = { srcRoot };
  if (o.alwaysReplay) config.alwaysReplay = true;
  return config;
}

/** A state dir holds one cluster of a fixed size: starting it with another --nodes would strand its data. */
function checkClusterSize(config: StackConfig): void {
  const nodes = config.nodes ?? 1;
  if (nodes === 1) return;
  const marker = clusterMarker(statePaths(config.stateDir));
  if (!existsSync(marker)) return;
  let had: number | undefined;
  try {
    had = (JSON.parse(readFileSync(marker, "utf8")) as { nodes?: number }).nodes;
  } catch {
    return;
  }
  if (had !== undefined && had !== nodes) {
    throw new UsageError(`the state dir ${config.stateDir} holds a ${had}-node cluster, not ${nodes}`, `start it with --nodes ${had}, or wipe it first: npx patterns stop --purge`);
  }
}

function checkStateDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`the state dir ${dir} is a file, not a folder`, "pass another --state-dir or remove that file");
  }
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`the state dir ${dir} cannot be written`, "pass a writable --state-dir");
  }
}

/** Every port the stack needs must be free before anything is spawned. */
export async function checkPorts(config: StackConfig): Promise<void> {
  const needed: [keyof Ports, number, string][] = (["ingress", "admin", "worker", "fabric", "clientApp"] as const).map((k) => [k, config.ports[k], k]);
  if (config.kafka.kind === "embedded") needed.push(["broker", config.ports.broker, "broker"]);
  for (const n of checkNodePorts(config.ports, config.nodes ?? 1).slice(1)) {
    for (const k of ["ingress", "admin", "fabric"] as const) needed.push([k, n[k], `node ${n.node}'s ${k}`]);
  }
  for (const [key, port, label] of needed) {
    if (!(await isPortFree(port, "127.0.0.1"))) {
      const owner = await portOwner(port);
      const who = owner?.pid ? ` by ${owner.command ?? "a process"} (pid ${owner.pid})` : "";
      throw new PlaygroundError(`port ${port} (${label}) is already in use${who}`, `stop that process or choose another port with ${PORT_FLAGS[key]}`);
    }
  }
}

import { summary } from "./start-summary.js";
export { clusterLines, summary } from "./start-summary.js";

class ProgressView {
  private steps = new Map<string, Step>();
  /** plain: no spinner (under --foreground the streamed logs would collide with it) */
  constructor(
    private readonly json: boolean,
    private readonly plain = false,
  ) {}
  on(e: ProgressEvent): void {
    if (e.type !== "progress") return;
    const label = e.component.padEnd(13);
    if (e.status === "start") this.steps.set(e.component, spinner(`${label} starting`, { json: this.json, quiet: this.json, plain: this.plain }));
    else if (e.status === "ok") this.end(e.component)?.succeed(`${label} ${c.dim(humanDuration(e.ms ?? 0))}`);
    else this.end(e.component)?.fail(`${label} ${c.fail(e.detail ?? "failed")}`);
  }
  private end(component: string): Step | undefined {
    const step = this.steps.get(component);
    this.steps.delete(component);
    return step;
  }
  /** Every step still running ends here (an interrupted start): no spinner is left turning. */
  interrupt(): void {
    for (const [component, step] of this.steps) step.done(`${component.padEnd(13)} ${c.dim("interrupted")}`);
    this.steps.clear();
  }
}

export interface PortNotApplied {
  component: keyof Ports;
  /** the flag or variable that asked for it */
  from: string;
  requested: number;
  running: number;
}

const PORT_OPTION: Record<keyof Ports, keyof StartOptions> = {
  ingress: "ingressPort",
  admin: "adminPort",
  worker: "workerPort",
  broker: "brokerPort",
  fabric: "fabricPort",
  clientApp: "clientAppPort",
};

/** Ports asked for explicitly (flag or PATTERNS_*_PORT) that differ from those of the stack already running. Pure. */
export function portsNotApplied(o: StartOptions, requested: Ports, running: Ports, env: NodeJS.ProcessEnv = process.env): PortNotApplied[] {
  const out: PortNotApplied[] = [];
  for (const key of Object.keys(requested) as (keyof Ports)[]) {
    const from = o[PORT_OPTION[key]] !== undefined ? PORT_FLAGS[key] : env[PORT_ENV[key]] ? PORT_ENV[key] : undefined;
    if (from && running[key] !== undefined && running[key] !== requested[key]) out.push({ component: key, from, requested: requested[key], running: running[key] });
  }
  return out;
}

/**
 * How long the start took, counted from this Node process's own start (performance's time origin), so the figure holds
 * Node's boot and the CLI's load too. What npx does before it runs Node is not in it.
 */
function sinceLaunch(): number {
  return performance.now();
}

function readyIn(ms: number): string {
  return `ready in ${humanDuration(ms)} (from the command's start; npx adds its own start-up before that)`;
}

interface StartResult {
  state: StackState;
  already: boolean;
  ms: number;
  portsNotApplied: PortNotApplied[];
  /** `--nodes` (or PATTERNS_NODES) asked for another node count than the running stack has */
  nodesNotApplied?: { requested: number; running: number };
}

/** An explicit node count that differs from the running stack's. Pure. */
export function nodesNotApplied(o: StartOptions, requested: number, running: StackState, env: NodeJS.ProcessEnv = process.env): StartResult["nodesNotApplied"] {
  if (o.nodes === undefined && !env.PATTERNS_NODES) return undefined;
  const has = running.nodes?.length ?? 1;
  return has === requested ? undefined : { requested, running: has };
}

export async function runStart(o: StartOptions & { stateDir?: string; json?: boolean }): Promise<StartResult> {
  const config = buildConfig(o);
  checkStateDir(config.stateDir);
  const paths = statePaths(config.stateDir);
  const { state, stale } = liveState(paths.stateFile);
  if (state && !stale) {
    const nodes = nodesNotApplied(o, config.nodes ?? 1, state);
    return { state, already: true, ms: 0, portsNotApplied: portsNotApplied(o, config.ports, state.ports), ...(nodes ? { nodesNotApplied: nodes } : {}) };
  }
  if (state && stale) await cleanupStale(state);
  removeState(paths.stateFile);
  checkClusterSize(config);
  await checkPorts(config);
  const view = new ProgressView(!!o.json, !!o.foreground);

  if (o.foreground) return runForeground(config, view, !!o.verbose, !!o.json);

  return runBackground(config, paths, view);
}

/**
 * Spawn the supervisor detached and show its progress until it is ready. Ctrl+C meanwhile stops what it started (the
 * supervisor stops its children on SIGTERM) and exits 130; a second Ctrl+C leaves it stopping in the background.
 */
function runBackground(config: StackConfig, paths: StatePaths, view: ProgressView): Promise<StartResult> {
  mkdirSync(paths.logsDir, { recursive: true });
  const fd = openSync(`${paths.logsDir}/supervisor.log`, "a");
  const child = spawn(process.execPath, [supervisorEntry, JSON.stringify(config)], {
    detached: true,
    stdio: ["ignore", fd, fd, "ipc"],
    env: nodeEnv(),
  });
  closeSync(fd);
  return new Promise((resolve, reject) => {
    let done = false;
    let interrupted = false;
    const onInterrupt = () => {
      if (interrupted) {
        note(`${sym.warn} not waiting: the supervisor (pid ${child.pid}) keeps stopping what it started in the background; ${c.cmd("npx patterns stop")} waits for it`);
        process.exit(130);
      }
      interrupted = true;
      view.interrupt();
      note(c.dim("interrupted: stopping what was started (Ctrl+C again to leave that to the background)…"));
      try {
        process.kill(child.pid!, "SIGTERM");
      } catch {
        /* it is gone already: the exit handler reports */
      }
    };
    const listen = (on: boolean) => (["SIGINT", "SIGTERM", "SIGHUP"] as const).forEach((sig) => (on ? process.on(sig, onInterrupt) : process.off(sig, onInterrupt)));
    listen(true);
    child.on("message", (msg: ProgressEvent) => {
      if (interrupted) return; // what the components do while they are stopped is not news
      view.on(msg);
      if (msg.type === "ready") {
        done = true;
        listen(false);
        child.disconnect();
        child.unref();
        resolve({ state: msg.state, already: false, ms: Math.round(sinceLaunch()), portsNotApplied: [] });
      } else if (msg.type === "failed") {
        done = true;
        const tail = msg.tail ? `\n${c.dim(`--- last lines of ${msg.log} ---`)}\n${msg.tail}` : "";
        reject(new PlaygroundError(`start failed: ${msg.message}${tail}`, msg.log ? `read the whole log: ${msg.log}` : "see `npx patterns logs`"));
      }
    });
    child.on("exit", (code) => {
      listen(false);
      if (interrupted) void interruptedStart(paths).then(reject, reject);
      else if (!done) reject(new PlaygroundError(`the supervisor exited during start (code ${code})`, `read ${paths.logsDir}/supervisor.log`));
    });
  });
}

/** After an interrupted start: the supervisor stopped what it had started; whatever a hard end left is cleaned up. */
async function interruptedStart(paths: StatePaths): Promise<PlaygroundError> {
  const { state } = liveState(paths.stateFile);
  const left = state ? await cleanupStale(state) : 0;
  const what = left ? `stopped what it had started (${left} process${left === 1 ? "" : "es"} only after the supervisor was gone)` : "stopped what it had started; nothing is left running";
  return new PlaygroundError(`start interrupted: ${what}`, "start again with `npx patterns start`", 130);
}

async function runForeground(config: StackConfig, view: ProgressView, verbose: boolean, json: boolean): Promise<never> {
  const paths = statePaths(config.stateDir);
  // its log goes to logs/supervisor.log as the detached supervisor's does (`logs supervisor` and the timeline read
  // it there), and is streamed below like the other components'
  mkdirSync(paths.logsDir, { recursive: true });
  const supervisorLog = path.join(paths.logsDir, "supervisor.log");
  const sup = new Supervisor(
    config,
    supervisorDeps,
    (e) => view.on(e),
    lineWriter((t) => appendFileSync(supervisorLog, t)),
  );
  const stops: (() => void)[] = [];
  let interrupted = false;
  const onSignal = async () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    note(c.dim("stopping (Ctrl+C again to force)…"));
    // stop streaming first: what the components say while they are stopped one by one is expected, not news
    for (const s of stops) s();
    await sup.stop();
    process.exit(130);
  };
  process.on("SIGINT", () => void onSignal());
  process.on("SIGTERM", () => void onSignal());
  // the children do not share the terminal's process group any more: a closed terminal must stop them through us
  process.on("SIGHUP", () => void onSignal());
  const prefixes = { restate: c.info("restate │"), broker: c.warn("broker  │"), worker: c.ok("worker  │"), "client-app": c.dim("client  │"), supervisor: c.dim("supervisor│") };
  for (const [name, prefix] of Object.entries(prefixes)) {
    const file = name === "supervisor" ? supervisorLog : sup.state.components[name as keyof typeof sup.state.components].log;
    // by default only the warnings and errors: the full logs stay in the files (`npx patterns logs`)
    const filter = new LogFilter();
    stops.push(followFile(file, (l) => (verbose || filter.accept(l)) && process.stderr.write(`${prefix} ${l}\n`)));
  }
  for (const n of sup.nodes.slice(1)) stops.push(followFile(n.log, (l) => process.stderr.write(`${c.info(`restate-${n.node}│`)} ${l}\n`)));
  if (config.watch) stops.push(followWatchEvents(paths, json));
  try {
    const state = await sup.start();
    for (const l of summary(state)) note(l);
    note(c.dim(`${readyIn(sinceLaunch())}; streaming ${verbose ? "the logs" : "warnings and errors (--verbose for every log line)"}, Ctrl+C stops everything`));
  } catch (e) {
    for (const s of stops) s();
    const err = e as Error & { log?: string };
    throw new PlaygroundError(`start failed: ${err.message}${err.log ? `\n${logTail(err.log)}` : ""}`, `logs are in ${paths.logsDir}`);
  }
  return new Promise<never>(() => {});
}

/** Print every watch event appended from now on (stdout: they are this command's result lines). */
function followWatchEvents(paths: StatePaths, json: boolean, from?: number): () => void {
  return followFile(
    watchEventsFile(paths.logsDir),
    (l) => {
      let e: WatchEvent;
      try {
        e = JSON.parse(l) as WatchEvent;
      } catch {
        return;
      }
      if (json) printNdjson(e);
      else out(watchEventLine(e));
    },
    from,
  );
}

/**
 * `start --watch` on the background stack: the supervisor watches and redeploys; this process only shows what it
 * does. Ctrl+C ends the watching (the stack keeps running on its current deployment); `stop` from elsewhere ends both.
 */
export async function watchInForeground(stateDir: string, srcRoot: string, json: boolean, already: boolean): Promise<never> {
  const paths = statePaths(stateDir);
  const file = watchEventsFile(paths.logsDir);
  // a fresh start began watching before it was ready (its events from its "watching" line); a running stack is asked to
  const from = already ? (existsSync(file) ? statSync(file).size : 0) : lastWatchingOffset(file);
  if (already) await control(paths, "POST", "/watch", { srcRoot });
  const stopFollow = followWatchEvents(paths, json, from);
  let ending = false;
  const end = async (code: number) => {
    if (ending) process.exit(code);
    ending = true;
    clearInterval(alive);
    const { state, stale } = liveState(paths.stateFile);
    if (code === 130 && state && !stale) {
      const r = await control<{ deployment?: string }>(paths, "POST", "/watch", { on: false }, 10_000).catch(() => undefined);
      stopFollow();
      if (!json) note(`${sym.ok} stopped watching; the playground keeps running on deployment ${r?.deployment ?? "?"} (${c.cmd("npx patterns stop")} stops it)`);
    } else {
      stopFollow();
      if (!json) note(c.dim("the playground was stopped; nothing left to watch"));
    }
    process.exit(code);
  };
  const alive = setInterval(() => {
    const { state, stale } = liveState(paths.stateFile);
    if (!state || stale || !state.watch) void end(0);
  }, 500);
  process.on("SIGINT", () => void end(130));
  process.on("SIGTERM", () => void end(130));
  return new Promise<never>(() => {});
}

/** Where the last "watching" event starts in the events file (0 when there is none). */
function lastWatchingOffset(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, "utf8");
  const at = text.lastIndexOf('{"type":"watching"');
  return at < 0 ? 0 : Buffer.byteLength(text.slice(0, at));
}

export type StartReport = StackState & { alreadyRunning: boolean; startMs: number; portsNotApplied: PortNotApplied[]; nodesNotApplied?: StartResult["nodesNotApplied"] };

export const start = verb<StartOptions, StartReport>({
  path: "start",
  group: "stack",
  summary: "start restate-server, the Kafka broker, the worker and the seed's client app in the background, register and wire everything",
  options: [
    { flags: "--foreground", description: "stay attached: stream the components' warnings and errors, Ctrl+C stops everything" },
    { flags: "--verbose", description: "with --foreground: stream every log line, not only warnings and errors" },
    { flags: "--kafka-brokers <list>", description: "use an existing Kafka cluster (host:port[,host:port…]) instead of the embedded broker" },
    { flags: "--no-kafka", description: "run without a broker; Kafka-fed verbs call the handlers through the ingress instead" },
    { flags: "--time-scale <n>", description: "nominal seconds per real second for the seeds' long timers (default 17280: a day in 5 s)" },
    { flags: "--nodes <n>", description: "run a Restate cluster of n restate-server nodes (1 to 5; node k uses each of node 1's ingress, admin and fabric ports + k-1)" },
    { flags: "--watch", description: "stay attached and watch src/services: each saved change is rebuilt (esbuild) and served by a new deployment; Ctrl+C stops watching" },
    { flags: "--watch-src <dir>", description: "with --watch: the source folder to watch and build, laid out like the project's src/ (default: the project's)" },
    {
      flags: "--always-replay",
      description: "suspend at every await (restate-server's inactivity timeout 0, as Restate's test harness does): every step after one runs after a replay, so non-determinism shows at once",
    },
    ...Object.entries(PORT_FLAGS).map(([key, flag]) => ({ flags: `${flag} <port>`, description: `port for ${key}` })),
    { flags: `${IGNORED_PORT_FLAG} <port>`, description: "ignored: the embedded broker has no HTTP API any more", hidden: true },
  ],
  examples: [
    "npx patterns start",
    "npx patterns start --foreground",
    "npx patterns start --watch",
    "npx patterns start --nodes 3",
    "npx patterns start --kafka-brokers 127.0.0.1:9092",
    "PATTERNS_STATE_DIR=/tmp/p npx patterns start --ingress-port 18080",
  ],
  async run(ctx) {
    if (ctx.opts.brokerApiPort !== undefined) ctx.say(c.dim(`${IGNORED_PORT_FLAG} is ignored: the embedded broker has no HTTP API any more`));
    // --foreground streams the components' logs until Ctrl+C and never returns
    const result = await runStart(ctx.opts);
    if (ctx.opts.watch) {
      if (!ctx.json) for (const l of result.already ? [`${sym.ok} the playground is already running; watching its worker's sources`] : [...summary(result.state), c.dim(readyIn(result.ms))]) note(l);
      return watchInForeground(result.state.stateDir, watchSrcRoot(ctx.opts)!, ctx.json, result.already);
    }
    return {
      ...result.state,
      alreadyRunning: result.already,
      startMs: result.ms,
      portsNotApplied: result.portsNotApplied,
      ...(result.nodesNotApplied ? { nodesNotApplied: result.nodesNotApplied } : {}),
    };
  },
  // the summary is for the person at the terminal: stderr; stdout carries only --json's document
  render: () => [],
  notes: (r, ctx) => {
    if (!r.alreadyRunning) return [...summary(r), c.dim(readyIn(r.startMs))];
    const lines = [`${sym.ok} the playground is already running (supervisor pid ${r.supervisorPid}); ${c.cmd("npx patterns status")} shows it`];
    if (r.portsNotApplied.length > 0) {
      const asked = r.portsNotApplied.map((p) => `${p.from} ${p.requested}`).join(", ");
      const runs = r.portsNotApplied.map((p) => `${p.component} on ${p.running}`).join(", ");
      lines.push(`${sym.warn} it runs with ${runs}; ${asked} ${r.portsNotApplied.length === 1 ? "was" : "were"} not applied`);
      lines.push(c.dim(`  to use ${r.portsNotApplied.length === 1 ? "it" : "them"}: ${c.cmd("npx patterns stop")}, then start again with the same options`));
    }
    const n = r.nodesNotApplied;
    if (n) {
      const size = (k: number) => (k === 1 ? "a single node" : `a ${k}-node cluster`);
      lines.push(`${sym.warn} it runs as ${size(n.running)}; --nodes ${n.requested} was not applied`);
      lines.push(c.dim(`  to run ${size(n.requested)}: ${c.cmd("npx patterns stop")}, then ${c.cmd(`npx patterns start --nodes ${n.requested}`)} (switching empties the Kafka topics)`));
    }
    if (!!ctx.opts.alwaysReplay !== !!r.alwaysReplay)
      lines.push(`${sym.warn} it runs with always replay ${r.alwaysReplay ? "on" : "off"}; to change that: ${c.cmd("npx patterns stop")}, then start again`);
    return lines;
  },
});
