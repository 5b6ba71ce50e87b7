// The chaos run (`npm run chaos`, src/chaos/main.ts is its entry point).
// Produces events to a Kafka-subscribed object handler on a private stack while a seeded schedule SIGKILLs the worker,
// the real restate-server and the embedded broker, freezes the worker (SIGSTOP) beyond restate's inactivity timeout
// and restarts restate-server gracefully. Then it drains, checks the invariants from the producer's ledger, the effect
// sink outside Restate and Restate's state, tears the stack down, counts what is left running, prints and writes the
// figures.
// Exit 0 when every invariant holds, 1 when one fails, 2 on bad flags.
import { rmSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Command } from "commander";
import { AdminClient } from "../runtime/admin.js";
import { UsageError } from "../errors.js";
import { parseDuration } from "../lib/parse.js";
import { CHAOS_TOPIC, type ChaosState } from "../services/chaos/index.js";
import { openSink, SINK_FILE } from "../services/chaos/sink.js";
import { startStack, type StartedStack, type Teardown } from "../lab/stack.js";
import { findStack } from "../runtime/stack.js";
import { kafkaProducer, sleep } from "../lab/measure.js";
import { eventPlan, faultSchedule, type Fault, type PlannedEvent } from "./schedule.js";
import { verdict, type Evidence, type FaultRecord, type LedgerEntry, type Verdict } from "./invariants.js";
import { humanDuration } from "../ui/output.js";
import { table } from "../ui/text.js";
import { countInvocationsByStatus, stateRows } from "../observe/index.js";

export interface ChaosOptions {
  events: number;
  keys: number;
  durationMs: number;
  seed: number;
  out: string;
  json: boolean;
  keep: boolean;
  smoke: boolean;
  /** restate-server nodes: 1, or a cluster whose nodes are killed one at a time */
  nodes: number;
  /** start the stack with --always-replay: every invocation suspends at each await, so each step after it is replayed */
  alwaysReplay?: boolean;
}

/** restate's inactivity timeout on the chaos stack: a frozen worker is given up on after this. */
const INACTIVITY_TIMEOUT_MS = 10_000;
const DRAIN_LIMIT_MS = 120_000;

function positiveInt(flag: string, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got "${raw}"`, `for example ${flag} 500`);
    return n;
  };
}

export function parseChaosArgs(argv: string[]): ChaosOptions {
  const program = new Command()
    .name("chaos")
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stderr.write(s), writeErr: () => {} })
    .option("--events <n>", "events to produce (default 5000; smoke 500)", positiveInt("--events", 1_000_000))
    .option("--keys <n>", "object keys they spread over (default 50; smoke 10)", positiveInt("--keys", 10_000))
    .option("--duration <d>", "how long producing (and the faults) last (default 6m; smoke 90s)", (v) => parseDuration(v, "--duration"))
    .option("--seed <n>", "seed of the event plan and the fault schedule (default: random, printed)", positiveInt("--seed", 2 ** 31 - 1))
    .option("--smoke", "the short variant run by npm test: 500 events, 10 keys, 90 s")
    .option("--out <file>", "where to write the figures (default chaos-results.json)")
    .option("--json", "print the figures as one JSON document on stdout")
    .option("--keep", "leave the stack's state dir for inspection (the processes are always stopped)")
    .option("--nodes <n>", "run on a Restate cluster of n nodes (start --nodes n); server kills hit one node at a time", positiveInt("--nodes", 5))
    .option("--always-replay", "start the stack with --always-replay (suspend at every await): the same invariants with every step replayed");
  program.parse(argv, { from: "user" });
  const o = program.opts<{ events?: number; keys?: number; duration?: number; seed?: number; smoke?: boolean; out?: string; json?: boolean; keep?: boolean; nodes?: number; alwaysReplay?: boolean }>();
  const smoke = !!o.smoke;
  const events = o.events ?? (smoke ? 500 : 5000);
  const keys = o.keys ?? (smoke ? 10 : 50);
  const durationMs = o.duration ?? (smoke ? 90_000 : 360_000);
  if (keys > events) throw new UsageError(`--keys (${keys}) cannot exceed --events (${events})`, "give fewer keys or more events");
  if (durationMs < 20_000) throw new UsageError("--duration must be at least 20s, so that faults fit in", "for example --duration 90s");
  return {
    events,
    keys,
    durationMs,
    seed: o.seed ?? 1 + Math.floor(Math.random() * (2 ** 31 - 2)),
    out: path.resolve(o.out ?? "chaos-results.json"),
    json: !!o.json,
    keep: !!o.keep,
    nodes: o.nodes ?? 1,
    alwaysReplay: !!o.alwaysReplay,
    smoke,
  };
}

/** 25 in the default six-minute run, 5 in the smoke run, about one per 15 s otherwise. */
export function minimumFaults(o: Pick<ChaosOptions, "durationMs" | "smoke">): number {
  if (o.smoke) return 5;
  return o.durationMs >= 360_000 ? 25 : Math.max(1, Math.floor(o.durationMs / 15_000));
}

const say = (line: string) => process.stderr.write(`${line}\n`);

/** Produce the plan at an even rate over the duration, one acknowledged record at a time (the ledger). */
async function produce(lab: StartedStack, plan: PlannedEvent[], durationMs: number, ledger: LedgerEntry[], signal: AbortSignal): Promise<void> {
  const producer = await kafkaProducer(lab.ports.broker, "chaos");
  try {
    const t0 = performance.now();
    const every = durationMs / plan.length;
    for (let i = 0; i < plan.length && !signal.aborted; i++) {
      const wait = t0 + i * every - performance.now();
      if (wait > 0) await sleep(wait);
      const e = plan[i]!;
      const value = JSON.stringify({ eventId: e.eventId, seq: e.seq, amount: e.amount, rpc: e.rpc });
      await producer.send({ topic: CHAOS_TOPIC, acks: -1, messages: [{ key: e.key, value }] });
      ledger.push({ eventId: e.eventId, key: e.key, seq: e.seq, amount: e.amount, rpc: e.rpc });
    }
  } finally {
    await producer.disconnect().catch(() => {});
  }
}

async function inject(lab: StartedStack, f: Fault): Promise<void> {
  switch (f.kind) {
    case "kill-worker":
      await lab.kill("worker", { signal: "SIGKILL", downMs: f.downMs, wait: true });
      return;
    case "kill-restate":
      await lab.kill("restate", { signal: "SIGKILL", downMs: f.downMs, wait: true });
      return;
    case "kill-broker":
      await lab.kill("broker", { signal: "SIGKILL", downMs: f.downMs, wait: true });
      return;
    case "kill-node":
      await lab.kill("restate", { signal: "SIGKILL", downMs: f.downMs, wait: true, node: f.node ?? 1 });
      return;
    case "restart-restate":
      await lab.restart("restate", { downMs: f.downMs });
      return;
    case "stop-worker": {
      const pid = lab.pids().worker;
      process.kill(pid, "SIGSTOP");
      try {
        await sleep(f.downMs);
      } finally {
        process.kill(pid, "SIGCONT");
      }
      return;
    }
  }
}

async function runFaults(lab: StartedStack, faults: Fault[], t0: number, done: FaultRecord[], signal: AbortSignal): Promise<void> {
  let previousEnd = t0;
  let previous: Fault | undefined;
  for (const f of faults) {
    // Keep the planned gap after the previous fault even when a restart took longer than planned (a loaded machine),
    // so that faults never pile up back to back.
    const gap = f.at - (previous ? previous.at + previous.downMs : 0);
    const wait = Math.max(t0 + f.at - Date.now(), previousEnd + gap - Date.now());
    if (wait > 0) await sleep(wait);
    previous = f;
    if (signal.aborted) return;
    const startedAt = Date.now();
    say(`  fault ${done.length + 1}/${faults.length} at ${humanDuration(startedAt - t0)}: ${f.kind}${f.node ? ` ${f.node}` : ""} (${humanDuration(f.downMs)})`);
    await inject(lab, f);
    previousEnd = Date.now();
    done.push({ ...f, startedAt, endedAt: previousEnd });
  }
}

interface SinkCounts {
  effects: number;
}

function sinkCount(lab: StartedStack): SinkCounts {
  const db = openSink(path.join(lab.stateDir, SINK_FILE));
  try {
    const row = db.prepare("SELECT COUNT(*) AS n FROM effects").get() as { n: number };
    return { effects: Number(row.n) };
  } finally {
    db.close();
  }
}

async function notFinished(admin: AdminClient): Promise<{ status: string; n: number }[]> {
  const counts = await countInvocationsByStatus(admin, { services: ["chaosProof", "chaosRpc"], notCompleted: true });
  return [...counts].map(([status, n]) => ({ status, n }));
}

async function readStates(admin: AdminClient): Promise<Map<string, ChaosState>> {
  const rows = await stateRows(admin, "chaosProof", undefined, "s");
  return new Map(rows.map((r) => [r.service_key, JSON.parse(r.value_utf8 ?? "null") as ChaosState]));
}

function readEvidence(lab: StartedStack, ledger: LedgerEntry[], faults: FaultRecord[], states: Map<string, ChaosState>): Evidence {
  const db = openSink(path.join(lab.stateDir, SINK_FILE));
  try {
    const effects = db.prepare("SELECT rowid, event_id, key, seq, amount FROM effects").all() as unknown as Evidence["effects"];
    const attempts = db.prepare("SELECT event_id, step, at FROM attempts").all() as unknown as Evidence["attempts"];
    const rpc = db.prepare("SELECT event_id, executions FROM rpc_calls").all() as unknown as { event_id: string; executions: number }[];
    return { ledger, effects, attempts, rpcExecutions: new Map(rpc.map((r) => [r.event_id, Number(r.executions)])), states, faults };
  } finally {
    db.close();
  }
}

export interface ChaosReport {
  ok: boolean;
  seed: number;
  options: { events: number; keys: number; durationMs: number; smoke: boolean; nodes: number; alwaysReplay: boolean };
  faults: { total: number; byKind: Record<string, number> };
  verdict: Verdict;
  drainMs: number | null;
  stuckInvocations: number;
  teardown: Teardown;
  invariants: { name: string; ok: boolean; value: string }[];
  wallMs: number;
  at: string;
}

/** The stack the run faults: always replay sets the inactivity timeout to 0 itself (a frozen worker is then given up on
 *  by the abort timeout); otherwise a frozen worker is given up on after INACTIVITY_TIMEOUT_MS. */
function chaosStack(o: ChaosOptions): Promise<StartedStack> {
  if (o.alwaysReplay) return startStack({ prefix: "chaos", args: ["--always-replay"], nodes: o.nodes });
  return startStack({ prefix: "chaos", env: { RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT: `${INACTIVITY_TIMEOUT_MS / 1000}s` }, nodes: o.nodes });
}

/** Wait until every event has its effect and nothing is left running: ms after the last fault, or null past the limit. */
async function drained(lab: StartedStack, admin: () => AdminClient, produced: number, lastFaultEnd: number, signal: AbortSignal): Promise<number | null> {
  const deadline = Date.now() + DRAIN_LIMIT_MS * 2;
  for (;;) {
    const counts = sinkCount(lab);
    const open = await notFinished(admin()).catch(() => [{ status: "unknown", n: 1 }]);
    if (counts.effects >= produced && open.length === 0) return Date.now() - lastFaultEnd;
    if (Date.now() > deadline || signal.aborted) return null;
    await sleep(500);
  }
}

export async function runChaos(o: ChaosOptions, signal: AbortSignal = new AbortController().signal): Promise<ChaosReport> {
  const wall0 = Date.now();
  const runId = `c${randomBytes(3).toString("hex")}`;
  const plan = eventPlan({ seed: o.seed, events: o.events, keys: o.keys, runId });
  const minFaults = minimumFaults(o);
  const faults = faultSchedule({ seed: o.seed, windowMs: o.durationMs, gapMs: o.smoke ? [4000, 8000] : [5000, 10_000], inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, minFaults, nodes: o.nodes });
  say(`chaos run ${runId}: ${o.events} events over ${o.keys} keys in ${humanDuration(o.durationMs)}${o.nodes > 1 ? ` on a ${o.nodes}-node cluster` : ""}, ${faults.length} faults, seed ${o.seed}`);
  say(
    `  replay it with: npm run chaos -- --events ${o.events} --keys ${o.keys} --duration ${Math.round(o.durationMs / 1000)}s --seed ${o.seed}${o.nodes > 1 ? ` --nodes ${o.nodes}` : ""}${o.alwaysReplay ? " --always-replay" : ""}`,
  );

  const lab = await chaosStack(o);
  // node 1's admin, or a live node's while node 1 is the one killed
  const admin = () => findStack(lab.stateDir)?.admin ?? lab.admin;
  const ledger: LedgerEntry[] = [];
  const done: FaultRecord[] = [];
  let teardown: Teardown;
  let drainMs: number | null;
  let stuck: number;
  let states: Map<string, ChaosState>;
  try {
    say(`  stack up in ${humanDuration(lab.startMs)} (state ${lab.stateDir}); producing…`);
    const t0 = Date.now();
    const production = produce(lab, plan, o.durationMs, ledger, signal);
    const faulting = runFaults(lab, faults, t0, done, signal);
    const [pr, fr] = await Promise.allSettled([production, faulting]);
    if (fr.status === "rejected") throw fr.reason;
    if (pr.status === "rejected") throw pr.reason;
    const lastFaultEnd = done.length ? Math.max(...done.map((f) => f.endedAt)) : t0;
    say(`  produced ${ledger.length}; draining…`);
    drainMs = await drained(lab, admin, ledger.length, lastFaultEnd, signal);
    // Anything still not completed a minute later is stuck (backing-off, paused, suspended on nothing).
    const open = await notFinished(admin()).catch(() => []);
    stuck = open.reduce((n, r) => n + Number(r.n), 0);
    states = await readStates(admin());
  } finally {
    teardown = await lab.stop({ keep: true });
  }
  const evidence = readEvidence(lab, ledger, done, states);
  const v = verdict(evidence);
  if (!o.keep) rmSync(lab.stateDir, { recursive: true, force: true });

  const byKind: Record<string, number> = {};
  for (const f of done) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  const invariants = [
    { name: "every produced event has its effect (lost = 0)", ok: v.lost === 0, value: String(v.lost) },
    { name: "no effect applied twice (duplicated effects = 0)", ok: v.duplicatedEffects === 0, value: String(v.duplicatedEffects) },
    { name: "each key's state counts every event once", ok: v.stateMismatches === 0, value: `${v.stateMismatches} keys off` },
    { name: "per-key order kept (violations = 0)", ok: v.orderViolations === 0, value: String(v.orderViolations) },
    { name: "duplicate body executions only within 60 s after a fault", ok: v.duplicatesOutsideFaultWindow === 0, value: `${v.duplicateBodyExecutions} (${v.duplicatesOutsideFaultWindow} outside)` },
    { name: "drained within 120 s after the last fault", ok: drainMs !== null && drainMs <= DRAIN_LIMIT_MS, value: drainMs === null ? "never" : humanDuration(drainMs) },
    { name: "no invocation left backing-off, paused or running", ok: stuck === 0, value: String(stuck) },
    {
      name: "no orphan process and no listener after teardown",
      ok: teardown.orphans.length === 0 && teardown.listeners.length === 0,
      value: `${teardown.orphans.length} processes, ${teardown.listeners.length} ports`,
    },
    { name: `at least ${minFaults} faults injected`, ok: done.length >= minFaults, value: String(done.length) },
    { name: "every event was acknowledged by the broker", ok: ledger.length === o.events, value: `${ledger.length}/${o.events}` },
  ];
  return {
    ok: invariants.every((i) => i.ok),
    seed: o.seed,
    options: { events: o.events, keys: o.keys, durationMs: o.durationMs, smoke: o.smoke, nodes: o.nodes, alwaysReplay: !!o.alwaysReplay },
    faults: { total: done.length, byKind },
    verdict: v,
    drainMs,
    stuckInvocations: stuck,
    teardown,
    invariants,
    wallMs: Date.now() - wall0,
    at: new Date().toISOString(),
  };
}

export function renderReport(r: ChaosReport): string[] {
  const v = r.verdict;
  const lines = [
    `events produced ${v.eventsProduced}, effects committed ${v.effectsCommitted}, body executions ${v.bodyExecutions}, idempotent RPCs ${v.rpcEvents} (${v.rpcExtraExecutions} re-executed bodies)`,
    `faults ${r.faults.total}: ${Object.entries(r.faults.byKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
    "",
    ...table(
      ["invariant", "value", "result"],
      r.invariants.map((i) => [i.name, i.value, i.ok ? "pass" : "FAIL"]),
    ),
    "",
    r.ok ? `all invariants hold (seed ${r.seed}, ${humanDuration(r.wallMs)})` : `INVARIANT FAILED (seed ${r.seed}; replay with --seed ${r.seed})`,
  ];
  return lines;
}
