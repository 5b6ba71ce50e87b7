// `npm run bench [-- --quick] [-- --records N]`: measures the playground itself, side by side with its floor, as
// ratios (these machines are noisy). Starts its own stacks on free ports; prints a table and writes
// bench/results.json. Not part of `npm test`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AdminClient } from "../runtime/admin.js";
import { projectRoot, statePaths } from "../runtime/paths.js";
import { brokerSpec, clientAppSpec, DIST_WORKER, initialState, restateSpec, workerSpec } from "../runtime/component-specs.js";
import { DEFAULT_TIME_SCALE, type StackConfig } from "../runtime/config.js";
import { spawnLogged } from "../runtime/process-group.js";
import { allSubscriptions } from "../services/registry.js";
import { ensureIdentityKey } from "../runtime/keys.js";
import { KAFKA_CLUSTER, SUBSCRIPTION_OPTIONS } from "../runtime/kafka-wiring.js";
import { BENCH_TOPIC, type BenchEvent } from "../services/bench/index.js";
import { percentile, median, ratio } from "./stats.js";
import { eventually, invocation, journal, journalCounts } from "../observe/index.js";
import { readNdjson } from "../lib/ndjson.js";
import { table } from "../ui/text.js";
import { clusterBench } from "./cluster.js";
import { reloadBench } from "./reload.js";
import { cliStartup } from "./cli-start.js";
import type { Ports } from "../runtime/config.js";
import { freePorts, runCli, startStack, type StartedStack } from "../lab/stack.js";
import { cpuTicks, kafkaProducer, rssMb, sleep } from "../lab/measure.js";
import { readState } from "../runtime/state.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
/** only the start-up rows (start, floor, the CLI's own start), printed; results.json is left as it is */
const startupOnly = args.includes("--startup");
const recordsArg = args.indexOf("--records");
const N = recordsArg >= 0 ? Number(args[recordsArg + 1]) : quick ? 4000 : 20000;
const RUNS = quick ? 3 : 5;
const LATENCY_SECONDS = quick ? 5 : 15;

const log = (s: string) => process.stderr.write(`${s}\n`);

// ---- 1. start-up ---------------------------------------------------------------------------------------------------

function startViaCli(): Promise<StartedStack> {
  return startStack({ prefix: "bench" });
}

/**
 * The floor: the same four components `patterns start` runs (restate-server, the broker, the worker, the client app),
 * spawned by hand in parallel from the same specs, ready by the same probes, then the worker registered and the Kafka
 * subscriptions created: everything `start` waits for, with no CLI and no supervisor around it.
 */
async function startFloor(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-floor-"));
  const p = await freePorts();
  const sp = statePaths(dir);
  const config: StackConfig = { stateDir: dir, ports: p, kafka: { kind: "embedded" }, timeScale: DEFAULT_TIME_SCALE, subscriptions: allSubscriptions };
  const { state, nodes } = initialState(config, sp);
  for (const d of [sp.logsDir, nodes[0]!.dataDir, sp.brokerData]) mkdirSync(d, { recursive: true });
  state.publicKey = ensureIdentityKey(sp.privateKey);
  const setting = { publicKey: state.publicKey, stateDir: dir, timeScale: config.timeScale, ingressUrl: state.ingressUrl };
  const t0 = performance.now();
  const specs = [
    restateSpec(nodes, 1, sp, dir),
    brokerSpec(p.broker, sp, dir, state.components.broker.log),
    workerSpec(p.worker, DIST_WORKER, setting, state.components.worker.log),
    clientAppSpec(p.clientApp, state.ingressUrl, dir, state.components["client-app"].log),
  ];
  const procs = specs.map((spec) => spawnLogged(spec));
  const until = async (probe: () => Promise<boolean>) => {
    while (!(await probe().catch(() => false))) await sleep(25);
  };
  const admin = new AdminClient(`http://127.0.0.1:${p.admin}`);
  const wired = Promise.all([until(specs[0]!.ready), until(specs[2]!.ready)])
    .then(() => admin.registerDeployment(`http://127.0.0.1:${p.worker}`))
    .then(() => until(specs[1]!.ready))
    .then(() => admin.ensureKafkaCluster(KAFKA_CLUSTER, `127.0.0.1:${p.broker}`))
    .then(() => Promise.all(allSubscriptions.map((x) => admin.createSubscription(`kafka://${KAFKA_CLUSTER}/${x.topic}`, `service://${x.service}/${x.handler}`, SUBSCRIPTION_OPTIONS))));
  await Promise.all([wired, until(specs[3]!.ready)]);
  const ms = performance.now() - t0;
  for (const proc of procs) proc.kill("SIGKILL");
  await sleep(300);
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

/** idle CPU: how long nothing is sent before the window, and the window */
const IDLE_SETTLE_S = 15;
const IDLE_WINDOW_S = 20;

// ---- helpers on a running stack ------------------------------------------------------------------------------------

async function idleCpu(stack: StartedStack, seconds: number): Promise<Record<string, number>> {
  // the whole stack: the supervisor too (it stays running for as long as the playground does)
  const st = readState(statePaths(stack.stateDir).stateFile);
  const p: Record<string, number> = { ...stack.pids(), ...(st ? { supervisor: st.supervisorPid } : {}) };
  const before = Object.fromEntries(Object.entries(p).map(([k, pid]) => [k, cpuTicks(pid)]));
  await sleep(seconds * 1000);
  const hz = 100;
  return Object.fromEntries(Object.entries(p).map(([k, pid]) => [k, Math.round(((cpuTicks(pid) - before[k]!) / hz / seconds) * 1000) / 10]));
}

function sinkLines(dir: string, runId: string): { seq: number; key: string; sentAt: number; handledAt: number }[] {
  return readNdjson(path.join(dir, "bench-sink.ndjson"), { prefilter: (line) => line.includes(`"run":"${runId}"`) });
}

async function waitForSink(dir: string, runId: string, count: number, timeoutMs: number): Promise<number> {
  const lines = await eventually(
    `${count} events of ${runId} in the sink`,
    () => {
      const l = sinkLines(dir, runId);
      return l.length >= count ? l : undefined;
    },
    { timeoutMs, everyMs: 200 },
  );
  return Math.max(...lines.map((l) => l.handledAt));
}

async function sendIngress(ingress: string, key: string, ev: BenchEvent): Promise<void> {
  const res = await fetch(`${ingress}/BenchSink/${key}/onEvent/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ev) });
  if (res.status >= 300) throw new Error(`ingress send ${res.status}`);
  await res.arrayBuffer();
}

// ---- 2. throughput -------------------------------------------------------------------------------------------------

async function kafkaThroughput(dir: string, p: Ports, n: number, keys: number): Promise<number> {
  const runId = `kt-${keys}-${Date.now()}`;
  const prod = await kafkaProducer(p.broker, "bench");
  const t0 = Date.now();
  const batch = 500;
  for (let i = 0; i < n; i += batch) {
    const messages = [];
    for (let j = i; j < Math.min(n, i + batch); j++) messages.push({ key: `k${j % keys}`, value: JSON.stringify({ run: runId, seq: j, sentAt: Date.now() }) });
    await prod.send({ topic: BENCH_TOPIC, messages, acks: 1 });
  }
  await prod.disconnect();
  const last = await waitForSink(dir, runId, n, 600_000);
  return (n / (last - t0)) * 1000;
}

async function ingressThroughput(dir: string, p: Ports, n: number, keys: number): Promise<number> {
  const runId = `it-${keys}-${Date.now()}`;
  const ingress = `http://127.0.0.1:${p.ingress}`;
  const t0 = Date.now();
  let next = 0;
  const workers = Array.from({ length: 64 }, async () => {
    while (next < n) {
      const j = next++;
      await sendIngress(ingress, `k${j % keys}`, { run: runId, seq: j, sentAt: Date.now() });
    }
  });
  await Promise.all(workers);
  const last = await waitForSink(dir, runId, n, 600_000);
  return (n / (last - t0)) * 1000;
}

// ---- 3. latency ----------------------------------------------------------------------------------------------------

async function latency(dir: string, p: Ports, via: "kafka" | "ingress", seconds: number): Promise<{ p50: number; p99: number }> {
  const runId = `lat-${via}-${Date.now()}`;
  const total = seconds * 100;
  const prod = via === "kafka" ? await kafkaProducer(p.broker, "bench") : undefined;
  const ingress = `http://127.0.0.1:${p.ingress}`;
  const t0 = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + i * 10;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const ev: BenchEvent = { run: runId, seq: i, sentAt: Date.now() };
    const key = `k${i % 100}`;
    inflight.push(prod ? prod.send({ topic: BENCH_TOPIC, messages: [{ key, value: JSON.stringify(ev) }], acks: 1 }) : sendIngress(ingress, key, ev));
  }
  await Promise.all(inflight);
  await prod?.disconnect();
  await waitForSink(dir, runId, total, 120_000);
  const lat = sinkLines(dir, runId).map((l) => l.handledAt - l.sentAt);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

// ---- 3b. consumer fetch wait: latency against idle CPU ---------------------------------------------------------------

/** Recreate every Kafka subscription of the stack with this fetch.wait.max.ms (reading from the end: no replay). */
async function resubscribe(p: Ports, fetchWaitMs: number): Promise<void> {
  const admin = new AdminClient(`http://127.0.0.1:${p.admin}`);
  for (const sub of await admin.subscriptions()) {
    if (!sub.source.startsWith("kafka://")) continue;
    await admin.deleteSubscription(sub.id);
    await admin.createSubscription(sub.source, sub.sink, { ...SUBSCRIPTION_OPTIONS, "auto.offset.reset": "latest", "fetch.wait.max.ms": String(fetchWaitMs) });
  }
}

/** A new consumer reading from the end misses what was produced before it joined: probe until one record arrives. */
async function awaitConsumer(dir: string, p: Ports, label: string): Promise<void> {
  const prod = await kafkaProducer(p.broker, "bench-probe");
  const runId = `probe-${label}-${Date.now()}`;
  try {
    for (let i = 0; i < 120; i++) {
      await prod.send({ topic: BENCH_TOPIC, messages: [{ key: "probe", value: JSON.stringify({ run: runId, seq: i, sentAt: Date.now() }) }], acks: 1 });
      await sleep(500);
      if (sinkLines(dir, runId).length > 0) return;
    }
    throw new Error(`the ${BENCH_TOPIC} subscription did not consume within 60 s (${label})`);
  } finally {
    await prod.disconnect();
  }
}

const total = (cpu: Record<string, number>) => Math.round(Object.values(cpu).reduce((a, b) => a + b, 0) * 10) / 10;

async function fetchWaitSweep(stack: StartedStack, values: number[], seconds: number) {
  const { stateDir: dir, ports: p } = stack;
  const out: { fetchWaitMs: number; p50: number; p99: number; idleCpuPercent: number }[] = [];
  for (const v of values) {
    log(`  fetch.wait.max.ms=${v}: latency for ${seconds} s, then idle CPU`);
    await resubscribe(p, v);
    await awaitConsumer(dir, p, `fw${v}`);
    const lat = await latency(dir, p, "kafka", seconds);
    await sleep(2000);
    out.push({ fetchWaitMs: v, p50: lat.p50, p99: lat.p99, idleCpuPercent: total(await idleCpu(stack, quick ? 3 : 5)) });
  }
  const chosen = Number(SUBSCRIPTION_OPTIONS["fetch.wait.max.ms"]);
  await resubscribe(p, chosen);
  await awaitConsumer(dir, p, "chosen");
  return out;
}

// ---- 4. recovery ---------------------------------------------------------------------------------------------------

async function recovery(stack: StartedStack): Promise<number> {
  const p = stack.ports;
  const ingress = `http://127.0.0.1:${p.ingress}`;
  const admin = new AdminClient(`http://127.0.0.1:${p.admin}`);
  // the sleep ends while the worker is down (800 ms < the 1 s down): from the moment it is back, the invocation waits on
  // nothing but the worker, so the figure is the recovery itself (with a sleep outlasting the downtime, it was the
  // rest of the sleep)
  const res = await fetch(`${ingress}/BenchRecovery/run/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sleepMs: 800 }) });
  const { invocationId } = (await res.json()) as { invocationId: string };
  // kill it inside the durable sleep: once the sleep is journaled
  await eventually("the durable sleep in the journal", async () => (await journal(admin, [invocationId], { entryType: "Command: Sleep" })).length > 0, { timeoutMs: 20_000, everyMs: 20 });
  const killedAt = Date.now();
  await stack.kill("worker", { downMs: 1000 });
  const back = Date.now();
  await fetch(`${ingress}/restate/invocation/${invocationId}/attach`).then((r) => r.text());
  const row = await invocation(admin, invocationId);
  const done = Date.parse(row!.completed_at!);
  if (done < killedAt) throw new Error(`recovery: ${invocationId} completed before the worker was killed (the kill came after its sleep)`);
  return done - back;
}

// ---- 5. timeline ---------------------------------------------------------------------------------------------------

async function timelineWall(dir: string, p: Ports): Promise<{ ms: number; entries: number } | undefined> {
  const ingress = `http://127.0.0.1:${p.ingress}`;
  const admin = new AdminClient(`http://127.0.0.1:${p.admin}`);
  const res = await fetch(`${ingress}/BenchJournal/run`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ steps: 500 }) });
  const id = res.headers.get("x-restate-id");
  await res.text();
  if (!id) return undefined;
  const entries = (await journalCounts(admin, [id])).get(id) ?? 0;
  const help = await runCli(["timeline", "--help"]);
  if (help.code !== 0) return undefined;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await runCli(["timeline", id, "--state-dir", dir]);
    if (r.code !== 0) return undefined;
    times.push(r.ms);
  }
  return { ms: median(times), entries };
}

// ---- main ----------------------------------------------------------------------------------------------------------

/** What the bench gathers: the JSON document and the table's rows. */
interface Report {
  results: Record<string, unknown>;
  rows: string[][];
}

type BenchStack = Awaited<ReturnType<typeof startViaCli>>;

/** `patterns start` against the floor; returns every start time. */
async function benchStartup({ results, rows }: Report): Promise<number[]> {
  log(`start-up: ${RUNS} × patterns start, ${RUNS} × floor`);
  const starts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = await startViaCli();
    starts.push(s.startMs);
    await s.stop();
  }
  const floors: number[] = [];
  for (let i = 0; i < RUNS; i++) floors.push(await startFloor());
  results.startup = { patternsStartMs: median(starts), floorMs: median(floors), ratio: ratio(median(starts), median(floors)) };
  rows.push(["start-up (to ready)", `${Math.round(median(starts))} ms`, `floor ${Math.round(median(floors))} ms`, `${ratio(median(starts), median(floors))}×`]);
  return starts;
}

/** The CLI's own start (--version, --help) against a bare Node. */
async function benchCliStartup({ results, rows }: Report): Promise<void> {
  log(`CLI start: ${RUNS} × node -e 0, dist/main.js --version, dist/main.js --help`);
  const cli = await cliStartup(RUNS);
  results.cliStartMs = cli;
  rows.push(["node dist/main.js --version", `${Math.round(cli.versionMs)} ms`, `node -e 0 ${Math.round(cli.nodeBaselineMs)} ms`, `+${Math.round(cli.versionMs - cli.nodeBaselineMs)} ms`]);
  rows.push(["node dist/main.js --help", `${Math.round(cli.helpMs)} ms`, `node -e 0 ${Math.round(cli.nodeBaselineMs)} ms`, `+${Math.round(cli.helpMs - cli.nodeBaselineMs)} ms`]);
}

async function benchCliTimes({ results, rows }: Report, dir: string): Promise<void> {
  const statusTimes: number[] = [];
  const helpTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    statusTimes.push((await runCli(["status", "--state-dir", dir])).ms);
    helpTimes.push((await runCli(["--help"])).ms);
  }
  results.statusMs = median(statusTimes);
  results.helpMs = median(helpTimes);
  rows.push(["patterns status", `${Math.round(median(statusTimes))} ms`, "", ""]);
  rows.push(["patterns --help", `${Math.round(median(helpTimes))} ms`, "", ""]);
}

/** Throughput and latency, Kafka next to the ingress; the Kafka latency, or undefined without the bench's subscription. */
async function benchKafka({ results, rows }: Report, stack: BenchStack): Promise<{ p50: number; p99: number } | undefined> {
  const { stateDir: dir, ports: p } = stack;
  const subscribed = (await new AdminClient(`http://127.0.0.1:${p.admin}`).subscriptions()).some((s) => s.source.endsWith(`/${BENCH_TOPIC}`));
  if (!subscribed) {
    log(`no subscription on ${BENCH_TOPIC}: the Kafka measurements are skipped`);
    return undefined;
  }
  log(`throughput: ${N} records over 100 keys and over 1 key, Kafka and ingress`);
  const k100 = await kafkaThroughput(dir, p, N, 100);
  const i100 = await ingressThroughput(dir, p, N, 100);
  const k1 = await kafkaThroughput(dir, p, Math.round(N / 4), 1);
  const i1 = await ingressThroughput(dir, p, Math.round(N / 4), 1);
  results.throughput = { kafka100: k100, ingress100: i100, ratio100: ratio(k100, i100), kafka1: k1, ingress1: i1, ratio1: ratio(k1, i1), oneKeyRecords: Math.round(N / 4) };
  rows.push([`throughput, 100 keys (${N})`, `kafka ${Math.round(k100)}/s`, `ingress ${Math.round(i100)}/s`, `${ratio(k100, i100)}×`]);
  rows.push([`throughput, 1 key (${Math.round(N / 4)})`, `kafka ${Math.round(k1)}/s`, `ingress ${Math.round(i1)}/s`, `${ratio(k1, i1)}×`]);
  results.memoryAfterLoadMb = Object.fromEntries(Object.entries(stack.pids()).map(([k, v]) => [k, rssMb(v)]));

  log(`latency: 100 records/s for ${LATENCY_SECONDS} s, Kafka and ingress`);
  const lk = await latency(dir, p, "kafka", LATENCY_SECONDS);
  const li = await latency(dir, p, "ingress", LATENCY_SECONDS);
  results.latency = { kafka: lk, ingress: li, fetchWaitMs: Number(SUBSCRIPTION_OPTIONS["fetch.wait.max.ms"]) };
  rows.push(["latency p50 @100/s", `kafka ${Math.round(lk.p50)} ms`, `ingress ${Math.round(li.p50)} ms`, ""]);
  rows.push(["latency p99 @100/s", `kafka ${Math.round(lk.p99)} ms`, `ingress ${Math.round(li.p99)} ms`, ""]);
  return lk;
}

/** CPU just after the load and once settled; returns the first (the fetch-wait sweep compares against it). */
async function benchCpu({ results, rows }: Report, stack: BenchStack): Promise<Awaited<ReturnType<typeof idleCpu>>> {
  // Right after a load restate-server still flushes and compacts RocksDB and the consumers commit offsets: that
  // window is recorded as such. Idle is measured once the stack has had IDLE_SETTLE_S with nothing sent.
  await sleep(2000);
  const afterLoad = await idleCpu(stack, quick ? 3 : 5);
  results.idleCpuAfterLoadPercent = afterLoad;
  rows.push(["CPU just after the load (% of a core)", `restate ${afterLoad.restate}`, `broker ${afterLoad.broker}, worker ${afterLoad.worker}`, `total ${total(afterLoad)}`]);
  await sleep((quick ? 5 : IDLE_SETTLE_S) * 1000);
  const cpu = await idleCpu(stack, quick ? 5 : IDLE_WINDOW_S);
  results.idleCpuPercent = cpu;
  rows.push([`idle CPU, settled (% of a core)`, `restate ${cpu.restate}`, `broker ${cpu.broker}, worker ${cpu.worker}, supervisor ${cpu.supervisor ?? "?"}`, `total ${total(cpu)}`]);
  return afterLoad;
}

async function benchFetchWait({ results, rows }: Report, stack: BenchStack, lk: { p50: number; p99: number }, afterLoadCpu: number): Promise<void> {
  // the chosen value was measured above; the others on the same stack, with every subscription re-created
  const chosen = Number(SUBSCRIPTION_OPTIONS["fetch.wait.max.ms"]);
  const values = (quick ? [50, 300] : [50, 200, 250, 300, 400, 1000]).filter((v) => v !== chosen);
  log(`consumer fetch wait: ${values.join(", ")} ms, each with its Kafka latency and the idle CPU of the stack`);
  const sweep = [{ fetchWaitMs: chosen, p50: lk.p50, p99: lk.p99, idleCpuPercent: afterLoadCpu }, ...(await fetchWaitSweep(stack, values, quick ? 4 : 10))];
  sweep.sort((a, b) => a.fetchWaitMs - b.fetchWaitMs);
  results.fetchWaitSweep = sweep;
  for (const x of sweep) {
    const mark = x.fetchWaitMs === chosen ? " (chosen)" : "";
    rows.push([`fetch.wait.max.ms=${x.fetchWaitMs}${mark}`, `kafka p50 ${Math.round(x.p50)} ms, p99 ${Math.round(x.p99)} ms`, `idle CPU ${x.idleCpuPercent}% of a core`, ""]);
  }
}

async function benchRecoveryAndTimeline({ results, rows }: Report, stack: BenchStack): Promise<void> {
  log(`recovery: ${RUNS} × SIGKILL the worker during a durable sleep, restart after 1 s`);
  const rec: number[] = [];
  for (let i = 0; i < RUNS; i++) rec.push(await recovery(stack));
  results.recoveryMs = { median: median(rec), all: rec };
  rows.push(["recovery (worker back → done)", `${Math.round(median(rec))} ms`, `max ${Math.round(Math.max(...rec))} ms`, ""]);

  const tl = await timelineWall(stack.stateDir, stack.ports);
  results.timeline = tl ?? "timeline verb not available";
  rows.push(["timeline of a big invocation", tl ? `${Math.round(tl.ms)} ms` : "n/a", tl ? `${tl.entries} journal entries` : "", ""]);
}

function memoryRows({ results, rows }: Report, idleRss: Record<string, number>, now: Record<string, number>): void {
  results.memoryFinalMb = Object.fromEntries(Object.entries(now).map(([k, v]) => [k, rssMb(v)]));
  const mem = (m: Record<string, number>) => `${m.restate} / ${m.broker} / ${m.worker} MB`;
  rows.push(["RSS idle (restate/broker/worker)", mem(idleRss), "", `total ${idleRss.restate! + idleRss.broker! + idleRss.worker!} MB`]);
  if (results.memoryAfterLoadMb) {
    const after = results.memoryAfterLoadMb as Record<string, number>;
    rows.push(["RSS after the load run", mem(after), "", `total ${after.restate! + after.broker! + after.worker!} MB`]);
  }
  const final = results.memoryFinalMb as Record<string, number>;
  rows.push(["RSS at the end of the bench", mem(final), "", `total ${final.restate! + final.broker! + final.worker!} MB`]);
}

async function benchBrokerRestart({ results, rows }: Report, stack: BenchStack): Promise<void> {
  if (stack.brokers.length === 0) return;
  log(`broker restart: ${RUNS} × SIGKILL the embedded broker, restarted at once over its log`);
  const back: number[] = [];
  for (let i = 0; i < RUNS; i++) back.push((await stack.kill("broker", { signal: "SIGKILL", downMs: 0, wait: true })).downMs);
  results.brokerRestartMs = { median: median(back), all: back };
  rows.push(["broker restart (SIGKILL → serving again)", `${Math.round(median(back))} ms`, `max ${Math.round(Math.max(...back))} ms`, ""]);
}

/** Everything measured on one single-node stack. */
async function benchSingleStack(report: Report): Promise<void> {
  const stack = await startViaCli();
  try {
    await benchCliTimes(report, stack.stateDir);
    const idleRss = Object.fromEntries(Object.entries(stack.pids()).map(([k, v]) => [k, rssMb(v)]));
    report.results.memoryIdleMb = idleRss;
    const lk = await benchKafka(report, stack);
    const afterLoad = await benchCpu(report, stack);
    if (lk) await benchFetchWait(report, stack, lk, total(afterLoad));
    await benchRecoveryAndTimeline(report, stack);
    memoryRows(report, idleRss, stack.pids());
    // after the final RSS: a restarted broker is a fresh process
    await benchBrokerRestart(report, stack);
  } finally {
    await stack.stop();
  }
}

/** `start --watch`: a saved change → a new deployment answering. */
async function benchReload({ results, rows }: Report): Promise<void> {
  try {
    log(`reload: ${RUNS} × append a line to a pattern's source under start --watch (a temporary copy of src/)`);
    const rl = await reloadBench({ runs: RUNS, log });
    results.reloadMs = rl;
    rows.push(["reload (save → new deployment answering)", `${Math.round(rl.saveToServingMs.median)} ms`, `max ${Math.round(Math.max(...rl.saveToServingMs.all))} ms`, ""]);
    rows.push(["  of which: registered / esbuild", `${Math.round(rl.registeredMs.median)} ms / ${Math.round(rl.buildMs.median)} ms`, "", ""]);
  } catch (e) {
    log(`reload measures failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A 3-node cluster on the same machine: start-up, ingress throughput next to the single node's, failover, memory. */
async function benchCluster({ results, rows }: Report, singleStartMs: number): Promise<void> {
  try {
    const cl = await clusterBench({ runs: RUNS, records: N, log });
    const single = (results.throughput as { ingress100?: number } | undefined)?.ingress100;
    results.cluster = { ...cl, startupRatioToSingle: ratio(cl.startupMs, singleStartMs), ingressRatioToSingle: single ? ratio(cl.ingress100, single) : null };
    rows.push([`cluster start-up (${cl.nodes} nodes)`, `${Math.round(cl.startupMs)} ms`, `single node ${Math.round(singleStartMs)} ms`, `${ratio(cl.startupMs, singleStartMs)}×`]);
    rows.push([`cluster ingress, 100 keys (${N})`, `${Math.round(cl.ingress100)}/s`, single ? `single node ${Math.round(single)}/s` : "", single ? `${ratio(cl.ingress100, single)}×` : ""]);
    rows.push(["failover (node kill → first completion)", `${Math.round(cl.failoverMs.median)} ms`, `max ${Math.round(Math.max(...cl.failoverMs.all))} ms`, ""]);
    rows.push([
      `RSS idle (${cl.nodes} nodes + worker + broker)`,
      `${cl.memoryIdleMb.total} MB`,
      Object.entries(cl.memoryIdleMb)
        .filter(([k]) => k !== "total")
        .map(([k, v]) => `${k} ${v}`)
        .join(", "),
      "",
    ]);
  } catch (e) {
    log(`cluster measures failed: ${e instanceof Error ? e.message : String(e)}`);
    results.cluster = { error: e instanceof Error ? e.message : String(e) };
  }
}

async function main(): Promise<void> {
  const report: Report = { results: { quick, records: N, runs: RUNS, node: process.versions.node, cpus: os.cpus().length, at: new Date().toISOString() }, rows: [] };
  const starts = await benchStartup(report);
  await benchCliStartup(report);
  if (startupOnly) {
    for (const l of table(["measure", "playground", "compared with", "ratio"], report.rows)) process.stdout.write(`${l}\n`);
    process.stdout.write(`${JSON.stringify({ startup: report.results.startup, starts, cliStartMs: report.results.cliStartMs, loadavg: os.loadavg() })}\n`);
    return;
  }
  await benchSingleStack(report);
  await benchReload(report);
  await benchCluster(report, median(starts));
  for (const l of table(["measure", "playground", "compared with", "ratio"], report.rows)) process.stdout.write(`${l}\n`);
  const out = path.join(projectRoot, "bench", "results.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report.results, null, 2));
  log(`written ${out}`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
