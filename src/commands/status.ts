// `patterns status`: one row per component (pid, port, health, uptime), plus registration and subscriptions.
import path from "node:path";
import { describeStateDir, resolveStateDir, statePaths } from "../runtime/paths.js";
import { COMPONENT_NAMES, isAlive, liveNode, liveState, type ComponentState, type CrashLoop, type DeploymentState, type StackState, type WatchState } from "../runtime/state.js";
import { pinnedInvocations } from "../observe/deployments.js";
import { clusterProblems, readCluster, type ClusterView } from "../runtime/cluster.js";
import { toleratedDown } from "../runtime/config.js";
import { AdminClient } from "../runtime/admin.js";
import { canConnect } from "../runtime/ports.js";
import { humanDuration } from "../ui/output.js";
import { hanging, table, terminalWidth } from "../ui/text.js";
import { c, sym } from "../ui/palette.js";
import { logBytes, recoveryNotes, type RecoveryNote } from "../broker/inspect.js";
import { humanBytes } from "./topics.js";
import { readCrashArm, type CrashArm } from "../services/lib/crash.js";
import { verb } from "./verb.js";

export interface ComponentStatus {
  /** restate, broker, worker; in a cluster restate is node 1 and restate-2… are the other nodes */
  name: string;
  pid?: number;
  port: number;
  healthy: boolean;
  phase: string;
  uptimeMs?: number;
  restarts: number;
  log: string;
  /** deaths and failed restarts in a row since it last stayed up */
  failures?: number;
  /** the delays of the restarts since it last stayed up: growing while it keeps dying */
  backoff?: number[];
  /** while down: how long until the next restart */
  nextRestartInMs?: number;
  /** it keeps dying: its last error and log lines */
  crashLoop?: CrashLoop;
}

export interface StatusReport {
  running: boolean;
  stateDir: string;
  supervisorPid?: number;
  ingressUrl?: string;
  adminUrl?: string;
  kafka?: StackState["kafka"];
  brokers?: string[];
  components: ComponentStatus[];
  services: string[];
  subscriptions: { id: string; source: string; sink: string }[];
  /** bytes of the embedded broker's partition logs on disk */
  brokerLogBytes?: number;
  /** damaged log segments the embedded broker's recovery kept aside (the rest of the log is served) */
  brokerRecovery?: RecoveryNote[];
  notes: string[];
  /** a one-shot worker crash armed by `kill-worker --at-step` (or a tour) that has not fired yet */
  armedCrash?: CrashArm;
  /** a cluster only (start --nodes N): what restatectl reports */
  cluster?: ClusterStatus;
  /** the worker's deployments: the current one, older ones still finishing their invocations, recently drained ones */
  deployments?: DeploymentStatus[];
  /** set while `start --watch` watches the sources */
  watch?: WatchState;
  /** started with --always-replay */
  alwaysReplay?: boolean;
}

export interface DeploymentStatus extends Omit<DeploymentState, "phase"> {
  /** "other": registered in Restate by somebody else than this stack's supervisor */
  phase: DeploymentState["phase"] | "other";
  /** Restate lists it */
  registered: boolean;
  /** invocations pinned to it that have not completed, now, per status */
  running: Record<string, number>;
}

/** The supervisor's deployments, with what Restate says runs on each now, plus deployments somebody else registered. */
export async function collectDeployments(state: StackState, admin: AdminClient): Promise<DeploymentStatus[] | undefined> {
  const mine = state.deployments;
  if (!mine) return undefined;
  const [listed, pinned] = await Promise.all([admin.deployments().catch(() => undefined), pinnedInvocations(admin).catch(() => undefined)]);
  const out: DeploymentStatus[] = mine.map((d) => {
    const p = pinned?.get(d.id);
    return {
      ...d,
      registered: listed ? listed.some((x) => x.id === d.id) : d.phase !== "drained",
      running: p?.byStatus ?? {},
      inFlight: p ? p.total : d.phase === "drained" ? 0 : pinned ? 0 : d.inFlight,
    };
  });
  for (const x of listed ?? []) {
    if (mine.some((d) => d.id === x.id)) continue;
    const p = pinned?.get(x.id);
    out.push({
      id: x.id,
      uri: x.uri ?? "?",
      port: Number(/:(\d+)\/?$/.exec(x.uri ?? "")?.[1] ?? 0),
      phase: "other",
      code: "-",
      registeredAt: "",
      registered: true,
      running: p?.byStatus ?? {},
      inFlight: p?.total ?? 0,
    });
  }
  return out;
}

/** One row per deployment: which is current, what still runs on the older ones. */
export function renderDeployments(list: DeploymentStatus[], watch?: WatchState): string[] {
  const phase = (d: DeploymentStatus) => (d.phase === "current" ? c.ok("current") : d.phase === "draining" ? c.warn("draining") : d.phase === "drained" ? c.dim("drained") : c.dim("other"));
  const runs = (d: DeploymentStatus) => {
    const n = d.inFlight ?? 0;
    if (d.phase === "drained") return c.dim(d.registered ? "stopped, still registered" : "stopped, removed");
    if (n === 0) return d.phase === "current" ? "new invocations" : "nothing left";
    return `${n} in flight (${Object.entries(d.running)
      .map(([s, k]) => `${k} ${s}`)
      .join(", ")})`;
  };
  const code = (d: DeploymentStatus) =>
    `${d.code}${
      d.env && Object.keys(d.env).length
        ? ` ${Object.entries(d.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(" ")}`
        : ""
    }${d.replacedInPlace ? c.warn(" (code replaced in place)") : ""}`;
  const rows = list.map((d) => [d.id, phase(d), code(d), d.uri.replace(/^http:\/\//, "").replace(/\/$/, ""), d.pid && d.phase !== "drained" ? String(d.pid) : "-", runs(d)]);
  // the id and the address stay whole (people copy them): the code and what runs give way
  const lines = ["", ...table(["deployment", "phase", "code", "address", "pid", "runs"], rows, { flexible: [2, 5] })];
  if (watch) {
    lines.push(
      `watching       ${path.join(watch.srcRoot, "services")} since ${watch.since.slice(11, 19)}: ${watch.builds} reload${watch.builds === 1 ? "" : "s"}, ${watch.failures} failed${watch.lastError ? `; ${c.fail("last error:")} ${watch.lastError}` : ""}`,
    );
  }
  return lines;
}

export interface ClusterStatus {
  nodes: number;
  replication: number;
  /** how many nodes may be down at once while writes go on */
  tolerates: number;
  view?: ClusterView;
  /** why the view is missing (no node answered) */
  error?: string;
  /** what a healthy cluster does not have; empty when all is well */
  problems: string[];
}

/** Restate's own view of a cluster, through restatectl, asking live nodes first. */
export async function collectCluster(state: StackState): Promise<ClusterStatus | undefined> {
  const nodes = state.nodes;
  if (!nodes || nodes.length < 2) return undefined;
  const replication = state.replication ?? 2;
  const base = { nodes: nodes.length, replication, tolerates: toleratedDown(nodes.length) };
  const order = [...nodes].sort((a, b) => Number(!(a.phase === "up" && isAlive(a.pid))) - Number(!(b.phase === "up" && isAlive(b.pid))));
  try {
    const view = await readCluster(order);
    return { ...base, view, problems: clusterProblems(view, nodes.length, replication) };
  } catch (e) {
    const error = (e as Error).message;
    return { ...base, error, problems: [error] };
  }
}

export async function collectStatus(stateDirFlag?: string): Promise<StatusReport> {
  const dir = resolveStateDir(stateDirFlag);
  const paths = statePaths(dir);
  const { state, stale } = liveState(paths.stateFile);
  const armedCrash = readCrashArm(paths.crashArm);
  const armed = armedCrash ? { armedCrash } : {};
  if (!state || stale)
    return { running: false, stateDir: dir, components: [], services: [], subscriptions: [], notes: stale ? ["a stale state file was found; `npx patterns stop` cleans it"] : [], ...armed };
  const live = liveNode(state);
  const admin = new AdminClient(live?.adminUrl ?? state.adminUrl);
  const now = Date.now();
  const components: ComponentStatus[] = [];
  for (const n of state.nodes ?? []) {
    components.push({
      name: n.node === 1 ? "restate" : `restate-${n.node}`,
      pid: n.pid,
      port: n.adminPort,
      healthy: isAlive(n.pid) && (await new AdminClient(n.adminUrl).healthy()),
      phase: n.phase,
      uptimeMs: n.startedAt && n.phase === "up" ? now - Date.parse(n.startedAt) : undefined,
      restarts: n.restarts,
      log: n.log,
      ...restartInfo(n, now),
    });
  }
  for (const name of COMPONENT_NAMES) {
    if (name === "restate" && state.nodes) continue;
    const comp = state.components[name];
    if (!comp) continue; // a stack started by an older version has no client app
    let healthy: boolean;
    if (comp.phase === "disabled") healthy = true;
    else if (name === "restate") healthy = isAlive(comp.pid) && (await admin.healthy());
    else if (name === "broker" && comp.phase === "external") {
      const [host, port] = (state.brokers[0] ?? "").split(":");
      healthy = await canConnect(Number(port), host);
    } else healthy = isAlive(comp.pid) && (await canConnect(comp.port));
    components.push({
      name,
      pid: comp.pid,
      port: comp.port,
      healthy,
      phase: comp.phase,
      uptimeMs: comp.startedAt && comp.phase === "up" ? now - Date.parse(comp.startedAt) : undefined,
      restarts: comp.restarts,
      log: comp.log,
      ...restartInfo(comp, now),
    });
  }
  let services: string[] = [];
  let subscriptions = state.subscriptions;
  try {
    services = (await admin.services()).services.map((s) => s.name).sort();
    subscriptions = (await admin.subscriptions()).map((s) => ({ id: s.id, source: s.source, sink: s.sink }));
  } catch {
    /* restate down: the component row says so */
  }
  const cluster = await collectCluster(state);
  const deployments = await collectDeployments(state, admin);
  return {
    running: true,
    stateDir: dir,
    supervisorPid: state.supervisorPid,
    ingressUrl: live?.ingressUrl ?? state.ingressUrl,
    adminUrl: live?.adminUrl ?? state.adminUrl,
    kafka: state.kafka,
    brokers: state.brokers,
    components,
    services,
    subscriptions,
    brokerLogBytes: state.kafka.kind === "embedded" ? logBytes(statePaths(dir).brokerData) : undefined,
    ...(state.kafka.kind === "embedded" ? { brokerRecovery: recoveryNotes(statePaths(dir).brokerData) } : {}),
    notes: state.notes,
    ...armed,
    ...(cluster ? { cluster } : {}),
    ...(deployments ? { deployments } : {}),
    ...(state.watch ? { watch: state.watch } : {}),
    alwaysReplay: !!state.alwaysReplay,
  };
}

/** What the supervisor's restarts say about a component: its backoff, and a crash loop. */
function restartInfo(comp: ComponentState, now: number): Pick<ComponentStatus, "failures" | "backoff" | "nextRestartInMs" | "crashLoop"> {
  return {
    ...(comp.failures ? { failures: comp.failures } : {}),
    ...(comp.backoff?.length ? { backoff: comp.backoff } : {}),
    ...(comp.nextRestartAt && comp.phase === "down" ? { nextRestartInMs: Math.max(0, Date.parse(comp.nextRestartAt) - now) } : {}),
    ...(comp.crashLoop ? { crashLoop: comp.crashLoop } : {}),
  };
}

/** A component that keeps dying: how often, when it is tried again, what it said last. */
export function renderCrashLoop(x: ComponentStatus): string[] {
  const loop = x.crashLoop;
  if (!loop) return [];
  const delays = (x.backoff ?? []).map((ms) => humanDuration(ms)).join(", ");
  const when = x.phase === "up" ? "up again; its backoff starts over once it stays up" : x.nextRestartInMs !== undefined ? `next restart in ${humanDuration(x.nextRestartInMs)}` : "restarting";
  return [
    "",
    `${sym.fail} ${c.bold(x.name)} is in a crash loop: ${loop.failures} failures in a row, restarts waited ${delays || "-"}; ${when}`,
    `  last error: ${loop.lastError}`,
    ...loop.lastLines.slice(-5).map((l) => c.dim(`  │ ${l}`)),
    c.dim(`  whole log: ${x.log} (npx patterns logs ${x.name.replace(/-\d+$/, "")})`),
  ];
}

/** The cluster as Restate sees it: per node its roles, the partitions it leads and holds; the log's replication. */
export function renderCluster(cl: ClusterStatus): string[] {
  const lines = ["", c.bold(`cluster: ${cl.nodes} nodes, replication ${cl.replication}, tolerates ${cl.tolerates} down at once`) + c.dim("  (restatectl)")];
  if (!cl.view) return [...lines, `${sym.fail} ${cl.error ?? "no view"}`];
  const v = cl.view;
  // Restate's id (N2, as restatectl says); "--node 2" only where a cluster made before ids were forced differs
  const rows = v.nodes.map((n) => [
    n.node !== undefined && n.id !== `N${n.node}` ? `${n.id} (--node ${n.node})` : n.id,
    n.alive ? c.ok("alive") : c.fail("dead"),
    n.roles.join(" "),
    n.leads.length ? n.leads.join(",") : "-",
    n.replicas.length ? n.replicas.join(",") : "-",
  ]);
  lines.push(...table(["node", "state", "roles", "leads", "replica of"], rows));
  const sets = [...new Set(v.logs.map((l) => `[${l.nodeset.join(", ")}]`))];
  lines.push(`log            ${v.logs.length} logs, replication ${v.logReplication.join(" / ") || "?"}, nodesets ${sets.join(" ")}`);
  lines.push(cl.problems.length ? `${sym.warn} ${cl.problems.join("; ")}` : `${sym.ok} every node alive, every partition led, replication met`);
  return lines;
}

/** The status as text lines for stdout; the report's notes are printed apart, on stderr. */
export function renderStatus(r: StatusReport): string[] {
  if (!r.running) return [`${c.dim("not running")} ${c.dim(`(${describeStateDir(r.stateDir)})`)}; start it with ${c.cmd("npx patterns start")}`];
  const rows = r.components.map((x) => [
    x.name,
    x.phase === "disabled" ? c.dim("off") : x.healthy ? c.ok("healthy") : c.fail(x.crashLoop ? "crash loop" : x.phase === "down" ? "down (restarting)" : "unhealthy"),
    x.pid ? String(x.pid) : "-",
    x.phase === "disabled" ? "-" : x.name === "broker" && x.phase === "external" ? (r.brokers ?? []).join(",") : `127.0.0.1:${x.port}`,
    x.uptimeMs !== undefined ? humanDuration(x.uptimeMs) : "-",
    String(x.restarts),
  ]);
  const lines = table(["component", "health", "pid", "address", "uptime", "restarts"], rows);
  for (const x of r.components) lines.push(...renderCrashLoop(x));
  // the lists wrap under their label at the terminal's width (a name is never split)
  const width = terminalWidth();
  const label = (name: string, text: string) => hanging(name.padEnd(15), text, width);
  lines.push("", ...label("services", r.services.length ? r.services.join(", ") : c.dim("none registered")));
  // one subscription a line: a topic and its handler read together
  const subs = r.subscriptions.map((s) => `${s.source.replace(/^kafka:\/\/[^/]+\//, "")} ${sym.arrow} ${s.sink.replace("service://", "")}`);
  if (subs.length === 0) lines.push(...label("subscriptions", c.dim("none")));
  subs.forEach((sub, i) => lines.push(...label(i === 0 ? "subscriptions" : "", sub)));
  if (r.brokerLogBytes !== undefined) lines.push(`broker log     ${humanBytes(r.brokerLogBytes)} on disk ${c.dim("(per partition: npx patterns topics)")}`);
  for (const n of r.brokerRecovery ?? [])
    lines.push(
      `${sym.warn} broker recovery: ${n.partition} ${n.segment}: ${n.detail}; ${humanBytes(n.bytes)} from offset ${n.fromOffset ?? "?"} no longer served, kept in ${n.movedTo} ${c.dim("(npx patterns doctor)")}`,
    );
  lines.push(...label("ingress", `${r.ingressUrl}   admin ${r.adminUrl}   UI ${r.adminUrl}/ui/`));
  if (r.alwaysReplay) lines.push(`always replay  ${c.warn("on")}: every await suspends; each step after it runs after a replay of the journal (start --always-replay)`);
  if (r.deployments) lines.push(...renderDeployments(r.deployments, r.watch));
  if (r.cluster) lines.push(...renderCluster(r.cluster));
  return lines;
}

/** The armed one-shot crash as a line of text. */
export function renderArm(arm: CrashArm): string {
  return `${sym.warn} crash armed: the worker exits ${arm.when === "after" ? "right after" : "inside"} the next ${c.bold(`"${arm.step}"`)} step${arm.invocationId ? ` of ${arm.invocationId}` : ""} (${arm.when}); ${c.cmd("npx patterns kill-worker --disarm")} removes it`;
}

export const status = verb<Record<string, never>, StatusReport>({
  path: "status",
  group: "stack",
  summary: "show each component's pid, address, health and uptime, the registered services and subscriptions",
  examples: ["npx patterns status", "npx patterns status --json"],
  run: (ctx) => collectStatus(ctx.opts.stateDir),
  render: (r) => [...renderStatus(r), ...(r.armedCrash ? [renderArm(r.armedCrash)] : [])],
  // notes are advice, not the status: stderr (they are in --json's "notes")
  notes: (r) => [...r.notes.map((n) => `${sym.warn} ${c.dim(n)}`), ...(unhealthy(r) ? [c.dim("a component is not healthy: see `npx patterns logs <component>` or `npx patterns doctor`")] : [])],
  exitCode: (r) => (unhealthy(r) ? 1 : 0),
});

const unhealthy = (r: StatusReport) => r.running && r.components.some((x) => !x.healthy);
