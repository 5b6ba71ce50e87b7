// Runners of `kill-worker` / `kill-restate` / `kill-broker`: SIGKILL the real process through the supervisor (which
// restarts it after --down) and follow the invocations it interrupted until they complete, or arm a one-shot crash
// of the worker at a named ctx.run step.
import { indented, terminalWidth } from "../../ui/text.js";
import { PlaygroundError, UsageError } from "../../errors.js";
import { toleratedDown } from "../../runtime/config.js";
import { isAlive } from "../../runtime/state.js";
import { armCrash } from "../../runtime/crash.js";
import { killComponent, type RunningStack } from "../../runtime/stack.js";
import type { ComponentName, StackState } from "../../runtime/state.js";
import { automatedServices, isPlaygroundOwn } from "./own.js";
import { follow, followLive } from "../../observe/follow.js";
import { eventually, type InvocationRow } from "../../observe/index.js";
import {
  byId,
  inFlightRows,
  quoteList,
  reportInterrupted,
  settled,
  tally,
  tallyLine,
  timelinesOf,
  whenQueryable,
  whereNow,
  type AfterKill,
  type InterruptedReport,
  type KillTally,
} from "../../observe/inflight.js";
import { defaultWidth, shortRef } from "../../observe/render.js";
import { cut } from "../../ui/text.js";
import { movedText, onLedPartitions, partitionsLedBy, whereMoved, type LedPartitions, type MovedPartition } from "./kill-partitions.js";
import type { Timeline } from "../../observe/types.js";
import { humanDuration } from "../../ui/output.js";
import { c, sym } from "../../ui/palette.js";
import type { Step } from "../../ui/spinner.js";

export const LABEL = { worker: "worker", restate: "restate-server", broker: "embedded broker" } as const;
export type Killable = keyof typeof LABEL;

export interface KillResult {
  component: ComponentName;
  /** the restate-server node of a cluster that was killed */
  node?: number;
  /** set when this kill leaves fewer nodes up than the cluster needs for writes */
  warning?: string;
  signal: "SIGKILL";
  /** the pid that was killed */
  pid?: number;
  /** the pid that replaced it (when waited for) */
  newPid?: number;
  /** the asked-for downtime */
  requestedDownMs: number;
  /** kill → back, measured by the supervisor (only when waited for) */
  downMs?: number;
  waited: boolean;
  killedAt: string;
  backAt?: string;
}

/** Which node to kill: 1 unless asked; a single-node stack has only node 1. */
export function checkNode(state: StackState, component: ComponentName, node: number | undefined): number | undefined {
  if (node === undefined) return state.nodes ? 1 : undefined;
  if (component !== "restate") throw new UsageError(`--node only goes with kill-restate`, "for example kill-restate --node 2");
  const count = state.nodes?.length ?? 1;
  if (node > count)
    throw new UsageError(
      `there is no node ${node}: this stack has ${count === 1 ? "a single node" : `nodes 1 to ${count}`}`,
      count === 1 ? "start a cluster with `npx patterns start --nodes 3`" : `pick a node from 1 to ${count}`,
    );
  return state.nodes ? node : undefined;
}

/**
 * What killing this node does to the cluster: nothing visible while enough nodes stay up; past that, writes (new
 * invocations, journal entries) wait until a node is back. Undefined when the kill is within what the cluster tolerates.
 */
export function killWarning(state: StackState, node: number, downMs: number): string | undefined {
  const nodes = state.nodes;
  if (!nodes || nodes.length < 2) return undefined;
  const down = nodes.filter((n) => n.node !== node && (n.phase !== "up" || !isAlive(n.pid))).map((n) => `N${n.node}`);
  const tolerated = toleratedDown(nodes.length);
  if (down.length + 1 <= tolerated) return undefined;
  const why =
    nodes.length === 2 ? "with 2 nodes every log record needs both" : `the log keeps ${state.replication ?? 2} copies of every record and the metadata needs a majority of the ${nodes.length} nodes`;
  return `${down.length + 1} of ${nodes.length} nodes will be down${down.length ? ` (${down.join(", ")} already)` : ""}, and this cluster tolerates ${tolerated}: ${why}. New invocations and journal steps wait (they are not lost) until a node is back, in about ${humanDuration(downMs)} when the supervisor restarts it`;
}

/** Refuse what the playground does not run: a disabled component, or an external Kafka. */
export function checkKillable(stack: RunningStack, component: ComponentName, node: number | undefined): void {
  const comp = node ? stack.state.nodes![node - 1]! : stack.state.components[component];
  if (comp.phase === "disabled") throw new PlaygroundError(`the ${component} is not part of this stack`, "nothing to kill");
  if (comp.phase === "external") {
    const where = stack.state.brokers.join(",");
    throw new PlaygroundError(
      `the Kafka broker at ${where} is external (started with --kafka-brokers): the playground does not own it, so it does not kill it`,
      "stop it where it runs (e.g. `docker compose stop broker`), or try kill-broker on the embedded broker: `npx patterns stop && npx patterns start`",
    );
  }
}

export function renderKill(r: KillResult): string[] {
  const name = r.node ? `${LABEL[r.component as Killable]} node ${r.node}` : LABEL[r.component as Killable];
  const lines = [`${sym.warn} killed ${name} pid ${c.id(String(r.pid))} with ${r.signal}`];
  if (r.waited) lines.push(`${sym.ok} ${name} back as pid ${c.id(String(r.newPid ?? "?"))} after ${humanDuration(r.downMs ?? 0)} down ${c.dim(`(asked for ${humanDuration(r.requestedDownMs)})`)}`);
  else lines.push(`${sym.dot} the supervisor restarts it in ${humanDuration(r.requestedDownMs)} ${c.dim("(--no-wait: not waiting)")}`);
  return lines;
}

export async function killNow(stack: RunningStack, component: ComponentName, downMs: number, wait: boolean, nodeFlag?: number): Promise<KillResult> {
  const node = checkNode(stack.state, component, nodeFlag);
  checkKillable(stack, component, node);
  const killedAt = new Date().toISOString();
  const warning = node ? killWarning(stack.state, node, downMs) : undefined;
  const r = await killComponent(stack, component, { downMs, wait, signal: "SIGKILL", ...(node ? { node } : {}) });
  if (!r.pid) throw new PlaygroundError(`the supervisor did not report which ${component} process it killed`);
  return {
    component,
    ...(node ? { node } : {}),
    ...(warning ? { warning } : {}),
    signal: "SIGKILL",
    pid: r.pid,
    newPid: wait ? r.newPid : undefined,
    requestedDownMs: downMs,
    downMs: wait ? r.downMs : undefined,
    waited: wait,
    killedAt,
    backAt: wait ? new Date().toISOString() : undefined,
  };
}

export interface ArmResult {
  armed: { step: string; when: "after" | "during"; invocationId?: string };
  workerPid?: number;
}

export function armAtStep(stack: RunningStack, step: string, when: "after" | "during", invocationId?: string): ArmResult {
  armCrash(stack.paths, { step, when, ...(invocationId ? { invocationId } : {}) });
  return { armed: { step, when, ...(invocationId ? { invocationId } : {}) }, workerPid: stack.state.components.worker.pid };
}

// ---- a kill that follows what it interrupted -------------------------------------------------------------------

/** Besides the playground's own (./own.ts): the read-only handlers a person calls to look at state, not work. */
const READ_HANDLER = /^(get|status|info|peek|State|Tokens|get[A-Z]\w*)$/;

/** An invocation a person started: not the bench's or the chaos run's, not a look at a status or state. */
export function isUserWork(r: Pick<InvocationRow, "target_service_name" | "target_handler_name">): boolean {
  return !isPlaygroundOwn(r) && !READ_HANDLER.test(r.target_handler_name);
}

/** How many invocations are followed live at most (all of them are counted in the summary). */
export const MAX_FOLLOWED = 10;
/** How long the kill waits for the list of what is in flight before it goes ahead without it. */
const LISTING_TIMEOUT_MS = 4000;
/** Default of --timeout: how long the kill verbs follow what they interrupted. */
export const FOLLOW_TIMEOUT_MS = 60_000;

export interface KillFollowOptions {
  downMs: number;
  wait: boolean;
  node?: number;
  /** follow the interrupted invocations until they complete (or settle, or the timeout) */
  follow: boolean;
  timeoutMs: number;
  json: boolean;
  width: number;
}

/** Where the runner prints while it works (the verb's context, or the menu's output). */
export interface KillIo {
  out(line: string): void;
  say(line: string): void;
  spinner(text: string): Step;
}

export type FollowEnd = "finished" | "settled" | "timeout" | "interrupted";

export interface KillFollowResult extends KillResult {
  /** the started, unfinished invocations when the component was killed (what the kill interrupted), oldest first */
  inFlight: InterruptedReport[];
  /** queued or scheduled and not started at the kill: not interrupted */
  notStarted: number;
  /** the in-flight list could not be read (e.g. restate-server was already down) */
  inFlightUnknown?: string;
  followed: boolean;
  /** why following stopped: all finished; the rest only wait (settled); --timeout; Ctrl+C */
  followEnd?: FollowEnd;
  /** why it did not follow */
  notFollowed?: "--no-follow" | "--no-wait" | "nothing in flight";
  /** counts from the timelines' verdicts; with nothing followed only how many were interrupted */
  summary: KillTally | { interrupted: number };
  /** kill-broker: records past the subscriptions' committed offsets at the kill */
  kafka?: { lag: number } | { error: string };
  /** kill-restate --node K in a cluster: the partitions K led (only their invocations were interrupted), and where they went */
  partitions?: { node: string; led: number[]; moved?: MovedPartition[] };
}

async function kafkaLag(stack: RunningStack): Promise<KillFollowResult["kafka"]> {
  try {
    const { collectTopics } = await import("../topics.js");
    const r = await collectTopics(stack);
    const sinks = r.subscriptions.filter((s) => !automatedServices.includes(s.sink.split("/")[0] ?? ""));
    return { lag: sinks.reduce((n, s) => n + s.lag, 0) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function listLines(before: Timeline[], inFlight: Set<string>, notStarted: number, now: number): string[] {
  const lines = [
    `${c.bold(`in flight before the kill: ${before.length} invocation${before.length === 1 ? "" : "s"}`)}${notStarted ? c.dim(` (and ${notStarted} queued or scheduled, not started: not touched)`) : ""}`,
  ];
  for (const t of before.slice(0, MAX_FOLLOWED)) {
    const i = t.invocation;
    const child = i.parentId && inFlight.has(i.parentId) ? c.dim(` (called by ${shortRef(i.parentId)})`) : "";
    lines.push(`  ${c.id(shortRef(i.id))}  ${c.bold(i.target)}${child}  ${c.dim(i.status)}  ${whereNow(t, now)}`);
  }
  if (before.length > MAX_FOLLOWED) lines.push(c.dim(`  … and ${before.length - MAX_FOLLOWED} more (all counted in the summary)`));
  return lines;
}

const spanText = (ms: number) => (ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : humanDuration(ms));

/** Follow the roots live (the timeline's follow view) until all finished, all settled, the timeout, or Ctrl+C. */
async function followRoots(stack: RunningStack, roots: string[], o: KillFollowOptions, killedAtMs: number, untouched: Set<string>): Promise<FollowEnd> {
  const deadline = Date.now() + o.timeoutMs;
  let stopNow: () => void = () => {};
  const stop = new Promise<void>((resolve) => (stopNow = resolve));
  let done = false;
  let allSettled = false;
  const watcher = (async () => {
    while (!done) {
      await Promise.race([new Promise((r) => setTimeout(r, 1000)), stop]);
      if (done) return;
      const ts = await timelinesOf(stack.admin, stack.paths, roots).catch(() => []);
      if (ts.length === roots.length && ts.every((t) => settled(t, killedAtMs, deadline, untouched))) {
        allSettled = true;
        stopNow();
        return;
      }
    }
  })();
  const onSigint = () => stopNow();
  if (o.json) process.once("SIGINT", onSigint);
  try {
    const r = o.json
      ? await follow(stack.admin, stack.paths, { ids: roots, maxWaitMs: o.timeoutMs, onEvent: () => {}, stop })
      : await followLive(stack.admin, stack.paths, { ids: roots, json: false, width: o.width, timeoutMs: o.timeoutMs, finalTimelines: false, stop });
    if (r.reason === "finished") return "finished";
    if (allSettled) return "settled";
    return r.reason;
  } finally {
    done = true;
    stopNow();
    process.off("SIGINT", onSigint);
    await watcher;
  }
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!;

/** Poll until every root finished or settled, or the deadline; query errors only cost a turn. */
async function waitQuietly(stack: RunningStack, roots: string[], killedAtMs: number, deadline: number, untouched: Set<string>): Promise<FollowEnd> {
  while (Date.now() < deadline) {
    const ts = await timelinesOf(stack.admin, stack.paths, roots).catch(() => []);
    if (ts.length === roots.length) {
      if (ts.every((t) => byIdAll(t).every((x) => x.invocation.status === "completed"))) return "finished";
      if (ts.every((t) => settled(t, killedAtMs, deadline, untouched))) return "settled";
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return "timeout";
}

const byIdAll = (t: Timeline): Timeline[] => [...byId([t]).values()];

/** Before the kill: what is in flight (or why that is unknown), and for the broker the subscriptions' lag. */
function printListing(io: KillIo, x: { before: Timeline[]; ids: Set<string>; notStarted: number; inFlightUnknown?: string; kafka?: KillFollowResult["kafka"]; width: number }): void {
  if (x.inFlightUnknown) io.say(`${sym.warn} could not read the invocations in flight: ${x.inFlightUnknown}`);
  else if (x.before.length) for (const l of listLines(x.before, x.ids, x.notStarted, Date.now())) io.out(cut(l, x.width));
  if (x.kafka && "lag" in x.kafka) {
    const lag = x.kafka.lag;
    io.out(
      c.dim(
        lag === 0
          ? "Kafka: the subscriptions have committed every record on their topics"
          : `Kafka: ${lag} record${lag === 1 ? "" : "s"} past the subscriptions' committed offsets: not delivered yet, or delivered in the last 5s (Restate commits offsets every 5s)`,
      ),
    );
  }
}

function followingText(roots: number, followed: number, timeoutMs: number): string {
  const more = roots > followed ? ` (the first ${followed} of ${roots})` : "";
  const one = followed === 1;
  return `following ${one ? "it" : `them${more}`} until ${one ? "it completes (or only waits" : "they complete (or only wait"} on something slow), at most ${spanText(timeoutMs)}; Ctrl+C stops following, not the invocations`;
}

/** The invocations in flight before a kill, as timelines; given up on after a while (a cluster moving partitions). */
async function listInFlight(stack: RunningStack, component: Killable, led: LedPartitions | undefined): Promise<{ before: Timeline[]; notStarted: number; inFlightUnknown?: string }> {
  const listing = (async () => {
    const found = await inFlightRows(stack.admin, component === "broker" ? { invokedBy: ["subscription"] } : {});
    let rows = found.rows.filter(isUserWork);
    if (led) {
      const mine = await onLedPartitions(
        stack.admin,
        rows.map((r) => r.id),
        led,
      );
      rows = rows.filter((r) => mine.has(r.id));
    }
    return {
      notStarted: found.notStarted.filter(isUserWork).length,
      before: await timelinesOf(
        stack.admin,
        stack.paths,
        rows.map((r) => r.id),
      ),
    };
  })();
  listing.catch(() => {}); // when the race below is lost, its late failure is nobody's
  // a cluster busy moving partitions can hold queries for a while: the kill must not wait on the listing for long
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${humanDuration(LISTING_TIMEOUT_MS)}`)), LISTING_TIMEOUT_MS)));
  try {
    return await Promise.race([listing, late]);
  } catch (e) {
    return { before: [], notStarted: 0, inFlightUnknown: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `kill-worker` / `kill-restate` / `kill-broker` now: list what is in flight, SIGKILL the component (the supervisor
 * restarts it after downMs), follow the interrupted invocations live, and report each one and the tally.
 */
export async function killAndFollow(stack: RunningStack, component: Killable, o: KillFollowOptions, io: KillIo): Promise<KillFollowResult> {
  const node = checkNode(stack.state, component, o.node);
  checkKillable(stack, component, node);
  const name = node ? `${LABEL[component]} node ${node}` : LABEL[component];

  // 1. what is in flight (for the broker: what its subscriptions delivered and is not finished); a node of a cluster
  // interrupts only the invocations of the partitions it leads
  const led = component === "restate" && node && (stack.state.nodes?.length ?? 1) > 1 ? await partitionsLedBy(stack.state.nodes!, node) : undefined;
  const listed = await listInFlight(stack, component, led);
  const { notStarted, inFlightUnknown } = listed;
  const before = listed.before;
  let kafka: KillFollowResult["kafka"];
  if (component === "broker") kafka = await kafkaLag(stack);
  const ids = new Set(before.map((t) => t.invocation.id));
  const untouched = new Set(before.filter((t) => component === "broker" || t.invocation.status === "suspended").map((t) => t.invocation.id));
  if (!o.json) printListing(io, { ...listed, ids, kafka, width: o.width });

  // 2. the kill
  const warning = node ? killWarning(stack.state, node, o.downMs) : undefined;
  if (warning) io.say(`${sym.warn} ${warning}`);
  const pid = node ? stack.state.nodes![node - 1]!.pid : stack.state.components[component].pid;
  const s = io.spinner(`killing ${name} pid ${pid ?? "?"} (SIGKILL); back in ${humanDuration(o.downMs)}`);
  let k: KillResult;
  try {
    k = await killNow(stack, component, o.downMs, o.wait, o.node);
  } catch (e) {
    s.fail(`could not kill the ${name}`);
    throw e;
  }
  // the progress line ends as what was done, then the result in the order it happened: the kill, the way back
  s.done(`SIGKILL sent to ${name} pid ${k.pid}`);
  if (!o.json) for (const l of renderKill(k)) io.out(l);
  const killedAtMs = Date.parse(k.killedAt);

  // one that completed between the listing and the kill was not interrupted by it
  const interrupted = (after: Map<string, Timeline>) =>
    before.filter((b) => {
      const done = after.get(b.invocation.id)?.invocation.completedAt;
      return !done || Date.parse(done) >= killedAtMs;
    });
  const partitions = led ? { node: led.node, led: led.partitions } : undefined;
  const base = { ...k, notStarted, ...(inFlightUnknown ? { inFlightUnknown } : {}), ...(kafka ? { kafka } : {}), ...(partitions ? { partitions } : {}) };
  const notFollowed = before.length === 0 ? "nothing in flight" : !o.wait ? "--no-wait" : !o.follow ? "--no-follow" : undefined;
  if (notFollowed) {
    const after = before.length ? byId(await timelinesOf(stack.admin, stack.paths, [...ids]).catch(() => before)) : new Map<string, Timeline>();
    const inFlight = reportInterrupted(interrupted(after), after, killedAtMs);
    return { ...base, inFlight, followed: false, notFollowed, summary: { interrupted: inFlight.length } };
  }

  // restate-server loads its partitions after a restart: reading before that fails on the ones not back yet
  if (component === "restate") await whenQueryable(stack.admin);
  if (led && partitions) {
    const moved = await whereMoved(stack.state.nodes!, node!, led);
    (partitions as { moved?: MovedPartition[] }).moved = moved;
    io.say(movedText(led, moved));
  }

  // 3. follow the roots (their children come with them)
  const roots = before.filter((t) => !t.invocation.parentId || !ids.has(t.invocation.parentId)).map((t) => t.invocation.id);
  const followed = roots.slice(0, MAX_FOLLOWED);
  if (!o.json) for (const line of indented(followingText(roots.length, followed.length, o.timeoutMs), terminalWidth(process.stderr))) io.say(c.dim(line));
  const deadline = Date.now() + o.timeoutMs;
  let followEnd: FollowEnd;
  try {
    followEnd = await followRoots(stack, followed, o, killedAtMs, untouched);
  } catch (e) {
    // a query failing mid-follow (a cluster moving partitions) ends the live view, not the verb: wait without it
    io.say(`${sym.warn} the live view stopped (${firstLine(e)}); waiting for them without it`);
    followEnd = await waitQuietly(stack, followed, killedAtMs, deadline, untouched);
  }

  // 4. what became of each, from the timelines' verdicts
  const after = byId(await eventually("the interrupted invocations' timelines", () => timelinesOf(stack.admin, stack.paths, [...ids]), { timeoutMs: 60_000, everyMs: 500 }));
  const inFlight = reportInterrupted(interrupted(after), after, killedAtMs);
  return { ...base, inFlight, followed: true, followEnd, summary: tally(inFlight, after, killedAtMs) };
}

const OUTCOME_TEXT: Record<AfterKill, string> = {
  completed: "completed",
  failed: "failed",
  "resumed-waiting": "resumed, waiting on",
  waiting: "not resumed yet (no process held it), waiting on",
  running: "still running",
  retrying: "retrying",
  paused: "paused",
};

/** The result's last lines: each interrupted invocation's fate, then the one summary line. */
export function renderKillFollow(r: KillFollowResult, width = defaultWidth()): string[] {
  if (r.inFlightUnknown) return [c.dim(`in flight: unknown (${r.inFlightUnknown})`)];
  if (r.inFlight.length === 0) {
    const what = r.component === "broker" ? "nothing the Kafka subscriptions delivered was in flight" : "nothing was in flight, so nothing was interrupted";
    return [`${what}; to see a recovery, start something first (in another terminal), e.g. ${c.cmd('npx patterns send-post userid1 "hello" --pending 6')}, then run this again`];
  }
  if (!r.followed) {
    const ids = r.inFlight.slice(0, 3).map((i) => `${shortRef(i.id)} (${i.target})`);
    const more = r.inFlight.length > 3 ? `, and ${r.inFlight.length - 3} more` : "";
    return [
      `${r.inFlight.length} ${r.component === "broker" ? "in flight" : "interrupted"}: ${ids.join(", ")}${more}; not followed (${r.notFollowed}): watch with ${c.cmd("npx patterns timeline --follow")}`,
    ];
  }
  const lines: string[] = [];
  for (const i of r.inFlight.slice(0, MAX_FOLLOWED)) {
    const mark = i.outcome === "completed" ? sym.ok : i.outcome === "failed" ? sym.fail : sym.dot;
    const fate = `${OUTCOME_TEXT[i.outcome]}${i.waitingOn ? ` ${i.waitingOn}` : ""}`;
    const facts = [
      i.stepsReplayed.length ? c.info(`replayed ${quoteList(i.stepsReplayed)}`) : undefined,
      i.bodiesRunAgain.length ? c.warn(`ran again ${quoteList(i.bodiesRunAgain)}`) : undefined,
    ].filter(Boolean);
    lines.push(
      cut(
        `${mark} ${c.id(shortRef(i.id))}  ${c.bold(i.target)}  ${i.outcome === "completed" ? c.ok(fate) : i.outcome === "failed" ? c.fail(fate) : c.warn(fate)}${facts.length ? `  ${facts.join("  ")}` : ""}`,
        width,
      ),
    );
    if (i.uiUrl) lines.push(c.dim(`    Restate UI: ${i.uiUrl}`));
  }
  if (r.followEnd === "timeout") lines.push(c.warn(`stopped following after the timeout (--timeout): see the rest with ${c.cmd("npx patterns timeline --status active")}`));
  // a broker kill interrupts no invocation (Restate holds them): it counts what Kafka had delivered and how it went on
  lines.push(c.bold(tallyLine(r.summary as KillTally, r.component === "broker" ? { interrupted: "delivered from Kafka and in flight", resumed: "went on" } : undefined)));
  return lines;
}
