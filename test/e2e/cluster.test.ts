// A real three-node Restate cluster on one machine (`start --nodes 3`), on a private stack: it forms on loopback,
// loses nothing and runs nothing twice when a node is SIGKILLed under load, takes the node back, keeps the verbs
// working while node 1 is the one down, and `stop` leaves no process behind.
import path from "node:path";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, postIdempotent, runCli, stopChecked, TIMEOUT } from "../helpers.js";
import { startStack, type StartedStack } from "../../src/lab/stack.js";
import { listeners } from "../../src/runtime/ports.js";
import { isAlive, type StackState } from "../../src/runtime/state.js";
import { openSink, SINK_FILE } from "../../src/services/chaos/sink.js";
import { CHAOS_TOPIC } from "../../src/services/chaos/index.js";
import { kafkaProducer } from "../../src/lab/measure.js";
import { invocationPartitionKeys, query } from "../../src/observe/index.js";
import type { ChaosState } from "../../src/services/chaos/index.js";
import type { StatusReport } from "../../src/commands/status.js";
import { readLedger } from "../../src/services/lib/simulated.js";

// A private cluster for this file: ports picked so that node k's (+k-1) are free too.
let cluster: StartedStack | undefined;
beforeAll(async () => {
  cluster = await startStack({ prefix: "cluster", nodes: 3 });
}, TIMEOUT.start);
afterAll(async () => {
  await stopChecked(cluster);
}, TIMEOUT.stop);
function own(): StartedStack {
  if (!cluster) throw new Error("the private cluster did not start (see beforeAll)");
  return cluster;
}

function readStackState(stateDir: string): StackState {
  return JSON.parse(readFileSync(path.join(stateDir, "state.json"), "utf8")) as StackState;
}

async function status(): Promise<StatusReport> {
  const r = await own().cli(["status", "--json"]);
  return JSON.parse(r.stdout) as StatusReport;
}

/** One-way send of a chaos event to chaosProof/{key}/onEvent through one node's ingress. */
async function send(ingressUrl: string, key: string, seq: number, eventId: string): Promise<void> {
  // amount = seq * 10: two events sum to 30
  const res = await postIdempotent(`${ingressUrl}/chaosProof/${encodeURIComponent(key)}/onEvent/send`, { eventId, seq, amount: seq * 10 }, eventId);
  expect(res.status, `send ${eventId} through ${ingressUrl}: ${res.status}`).toBeLessThan(300);
}

describe("a three-node cluster (start --nodes 3)", () => {
  it("forms: three nodes alive with every role, every partition led, the log replicated twice, every listener on 127.0.0.1", async () => {
    const st = readStackState(own().stateDir);
    expect(st.nodes?.map((n) => n.name)).toEqual(["n1", "n2", "n3"]);
    expect(st.replication).toBe(2);
    // node 1 keeps the configured ports, node k adds k-1
    expect(st.nodes!.map((n) => n.ingressPort)).toEqual([0, 1, 2].map((i) => own().ports.ingress! + i));
    expect(st.nodes!.map((n) => n.fabricPort)).toEqual([0, 1, 2].map((i) => own().ports.fabric! + i));
    const r = await status();
    const cl = r.cluster!;
    expect(cl.view, cl.error).toBeDefined();
    // named as restatectl names them, and Restate's N<k> is `--node k`
    expect(cl.view!.nodes.map((n) => [n.name, n.node])).toEqual([
      ["N1", 1],
      ["N2", 2],
      ["N3", 3],
    ]);
    for (const name of ["N1", "N2", "N3"]) {
      const node = cl.view!.nodes.find((n) => n.name === name);
      expect(node?.alive, `node ${name}`).toBe(true);
      expect(node?.roles, `node ${name}`).toEqual(expect.arrayContaining(["metadata-server", "admin", "worker", "log-server", "http-ingress"]));
    }
    expect(cl.view!.partitions.length).toBeGreaterThan(0);
    for (const p of cl.view!.partitions) expect(p.leader, `partition ${p.id}`).toBeTruthy();
    expect(cl.view!.logReplication).toEqual(["{node: 2}"]);
    expect(cl.problems).toEqual([]);

    const pids = new Map<number, string>([...st.nodes!.map((n) => [n.pid!, n.name] as [number, string]), [st.components.worker.pid!, "worker"], [st.components.broker.pid!, "broker"]]);
    const own_ = (await listeners()).filter((l) => l.pid !== undefined && pids.has(l.pid));
    expect(own_.length, "no listener found (is `ss` installed?)").toBeGreaterThanOrEqual(10);
    for (const l of own_) expect(l.address, `${pids.get(l.pid!)} listens on ${l.address}:${l.port}`).toBe("127.0.0.1");
    // each node's fabric, admin and ingress port
    for (const n of st.nodes!) {
      const ports = own_.filter((l) => l.pid === n.pid).map((l) => l.port);
      expect(ports, `node ${n.name}`).toEqual(expect.arrayContaining([n.fabricPort, n.adminPort, n.ingressPort]));
    }
  });

  it("200 one-way invocations in flight while node 2 is SIGKILLed: 200 of 200 complete, each invocation once (a step body re-runs only between the kill and the cluster being whole again), and node 2 rejoins", async () => {
    const s = own();
    const st = readStackState(s.stateDir);
    const [n1, n2, n3] = st.nodes!;
    const run = `c${Date.now().toString(36)}`;
    // 200 crash-demo runs (a step, a durable sleep of 2-6 s, a step), sent one-way through node 1 and node 3: all of
    // them are in flight, sleeping, when node 2 dies
    const timers = Array.from({ length: 200 }, (_, i) => ({ key: `${run}-t${i}`, sleepMs: 2000 + ((i * 7919) % 4000), workMs: 20 }));
    const ids = await Promise.all(
      timers.map(async (t, i) => {
        const res = await postIdempotent(`${i % 2 ? n3!.ingressUrl : n1!.ingressUrl}/playground/recovery/send`, t, t.key);
        expect(res.status, `send ${t.key}`).toBeLessThan(300);
        return ((await res.json()) as { invocationId: string }).invocationId;
      }),
    );
    const killFrom = Date.now();
    const k = await s.cli(["kill-restate", "--node", "2", "--down", "3s", "--no-wait", "--json"], { timeoutMs: 60_000 });
    expect(k.code, k.stderr).toBe(0);
    const killed = JSON.parse(k.stdout) as { node: number; pid: number; warning?: string };
    expect(killed).toMatchObject({ node: 2, pid: n2!.pid });
    expect(killed.warning, "one node of three down is within what the cluster tolerates").toBeUndefined();
    expect(isAlive(n2!.pid), "node 2 is dead when kill-restate returns").toBe(false);
    // only the invocations of the partitions N2 led count as interrupted (the others ran on N1's and N3's)
    const report = JSON.parse(k.stdout) as { partitions?: { node: string; led: number[] }; inFlight: { id: string }[] };
    expect(report.partitions?.node).toBe("N2");
    const view = (await status()).cluster!.view!;
    const keys_ = await invocationPartitionKeys(s.admin, ids);
    const partitionOfKey = (key: string) => view.partitions.find((p) => BigInt(p.start!) <= BigInt(key) && BigInt(key) <= BigInt(p.end!))?.id;
    const onLed = new Set(keys_.filter((r) => report.partitions!.led.includes(partitionOfKey(r.partition_key) ?? -1)).map((r) => r.id));
    expect(
      report.inFlight.filter((i) => ids.includes(i.id) && !onLed.has(i.id)).map((i) => i.id),
      "listed but not on a partition N2 led",
    ).toEqual([]);
    // while node 2 is down: per-key counted events through node 1 and node 3 (one object key is one queue: in order)
    const keys = Array.from({ length: 50 }, (_, i) => `${run}-${i}`);
    for (const seq of [1, 2]) await Promise.all(keys.map((key, i) => send(i % 2 ? n3!.ingressUrl : n1!.ingressUrl, key, seq, `${key}-${seq}`)));

    // Restate's own table: each of the 200 completed once, successfully
    const done = await eventually(
      "the 200 in-flight invocations to complete",
      async () => {
        const r = await s.admin.query<{ id: string; completion_result: string | null }>(
          `SELECT id, completion_result FROM sys_invocation WHERE target = 'playground/recovery' AND status = 'completed' AND id IN (${ids.map((id) => `'${id}'`).join(",")})`,
        );
        return r.length === ids.length ? r : undefined;
      },
      240_000,
      1000,
    );
    expect(new Set(done.map((r) => r.id)).size).toBe(200);
    expect(done.filter((r) => r.completion_result !== "success")).toEqual([]);
    // node 2 rejoins: alive again in Restate's own view, and the cluster is whole. Until then partition leadership
    // may move (away from node 2 at the kill, and again as it comes back): that is the window in which Restate can lose
    // an attempt's journal write.
    const back = await eventually(
      "node 2 to rejoin and the cluster to be whole",
      async () => {
        const r = await status();
        return r.cluster?.view?.nodes.find((n) => n.name === "N2")?.alive && r.cluster.problems.length === 0 ? r : undefined;
      },
      120_000,
      500,
    );
    const wholeAt = Date.now();
    // the worker's step ledger: every run committed; a step body runs again only when an attempt's journal write was
    // lost (ctx.run is at-least-once), so every commit but the journaled last one must have started in that window
    let reruns = 0;
    for (const t of timers) {
      const commits = readLedger(s.stateDir, { system: "recovery", action: "commit", key: t.key });
      expect(commits.length, `run ${t.key}`).toBeGreaterThanOrEqual(1);
      if (commits.length > 1) reruns++;
      const outside = commits
        .slice(0, -1)
        .map((c) => c.at)
        .filter((at) => Date.parse(at) < killFrom - 1000 || Date.parse(at) > wholeAt);
      expect(outside, `run ${t.key}: commits run again outside the kill-to-whole window`).toEqual([]);
    }
    expect(reruns, "re-run commit bodies").toBeLessThan(timers.length / 4);

    // every key's 2 events counted exactly once, in order
    const states = await eventually(
      "every key's events to be counted",
      async () => {
        const out = new Map<string, ChaosState>();
        for (const key of keys) {
          const res = await fetch(`${n3!.ingressUrl}/chaosProof/${key}/get`, { method: "POST" });
          if (!res.ok) return undefined;
          const v = (await res.json()) as ChaosState | null;
          if (!v || v.count < 2) return undefined;
          out.set(key, v);
        }
        return out;
      },
      120_000,
      500,
    );
    for (const key of keys) expect(states.get(key), `key ${key}`).toMatchObject({ count: 2, lastSeq: 2, sum: 30, violations: 0, redelivered: 0 });
    const db = openSink(path.join(s.stateDir, SINK_FILE));
    try {
      const effects = db.prepare(`SELECT event_id FROM effects WHERE key LIKE ?`).all(`${run}-%`) as { event_id: string }[];
      expect(new Set(effects.map((e) => e.event_id)).size).toBe(100);
    } finally {
      db.close();
    }

    const again = back.components.find((c) => c.name === "restate-2");
    expect(again).toMatchObject({ healthy: true, restarts: 1 });
    expect(again?.pid).not.toBe(n2!.pid);
  });

  it("Kafka: every node is a consumer of the broker; 400 records with node 3 SIGKILLed mid-stream are each processed exactly once, in order per key", async () => {
    const s = own();
    const st = readStackState(s.stateDir);
    // Restate 1.7 runs the subscriptions' consumers on every node with the worker role (one consumer group per
    // subscription): each node holds its own connections to the broker
    const consumers = await eventually(
      "every node to connect to the broker",
      async () => {
        const out = execFileSync("ss", ["-tnpH", "state", "established", `( dport = :${s.ports.broker} )`], { encoding: "utf8" });
        const pids = new Set([...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])));
        return st.nodes!.every((n) => pids.has(n.pid!)) ? pids : undefined;
      },
      180_000,
      500,
    );
    expect(consumers.size).toBeGreaterThanOrEqual(3);
    const run = `k${Date.now().toString(36)}`;
    const keys = Array.from({ length: 20 }, (_, i) => `${run}-${i}`);
    const producer = await kafkaProducer(s.ports.broker!, "cluster-test");
    let killed: { pid: number } | undefined;
    try {
      for (let seq = 1; seq <= 20; seq++) {
        await producer.send({ topic: CHAOS_TOPIC, messages: keys.map((key) => ({ key, value: JSON.stringify({ eventId: `${key}-${seq}`, seq, amount: seq }) })) });
        if (seq === 8) {
          // mid-stream: records are being taken in by the three nodes' consumers
          const k = await s.cli(["kill-restate", "--node", "3", "--down", "3s", "--no-wait", "--json"], { timeoutMs: 60_000 });
          expect(k.code, k.stderr).toBe(0);
          killed = JSON.parse(k.stdout) as { pid: number };
        }
      }
    } finally {
      await producer.disconnect();
    }
    expect(killed?.pid).toBe(st.nodes![2]!.pid);
    const states = await eventually(
      "every key's 20 records to be counted",
      async () => {
        const out = new Map<string, ChaosState>();
        for (const key of keys) {
          const res = await fetch(`${st.nodes![1]!.ingressUrl}/chaosProof/${key}/get`, { method: "POST" });
          if (!res.ok) return undefined;
          const v = (await res.json()) as ChaosState | null;
          if (!v || v.count < 20) return undefined;
          out.set(key, v);
        }
        return out;
      },
      240_000,
      1000,
    );
    // exactly once, in order: a record taken in again after the kill (from the last committed offset, by another
    // node's consumer) is dropped by Restate's deduplication before it becomes an invocation
    for (const key of keys) expect(states.get(key), `key ${key}`).toMatchObject({ count: 20, lastSeq: 20, sum: 210, violations: 0, redelivered: 0 });
    // through the observation layer's retrying query: right after node 3 came back a partition can still be moving
    const rows = await query<{ n: number }>(
      s.admin,
      `SELECT COUNT(*) AS n FROM sys_invocation WHERE target_service_name = 'chaosProof' AND target_handler_name = 'onEvent' AND target_service_key LIKE '${run}-%'`,
    );
    expect(Number(rows[0]?.n), "one invocation per record").toBe(400);
    const db = openSink(path.join(s.stateDir, SINK_FILE));
    try {
      const effects = db.prepare(`SELECT event_id FROM effects WHERE key LIKE ?`).all(`${run}-%`) as { event_id: string }[];
      expect(new Set(effects.map((e) => e.event_id)).size).toBe(400);
    } finally {
      db.close();
    }
    await eventually("node 3 to rejoin", async () => (await status()).cluster?.problems.length === 0, 120_000, 1000);
  });

  it("two nodes down at once is allowed and explained: writes wait (nothing lost) until a node is back", async () => {
    const s = own();
    const st = readStackState(s.stateDir);
    const first = await s.cli(["kill-restate", "--node", "2", "--down", "8s", "--no-wait", "--json"], { timeoutMs: 60_000 });
    expect(first.code, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as { warning?: string }).warning).toBeUndefined();
    // the second kill, while node 2 is still down, says what happens before it waits for node 3 to come back
    const second = s.cli(["kill-restate", "--node", "3", "--down", "2s"], { timeoutMs: 180_000 });
    const key = `two-down-${Date.now().toString(36)}`;
    // a write sent while two of three nodes are down: accepted or held, and completed once a node is back
    await eventually("node 3 to be killed", async () => !isAlive(st.nodes![2]!.pid), 30_000, 100);
    const sent = fetch(`${st.nodes![0]!.ingressUrl}/playground/recovery/send`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key, sleepMs: 0, workMs: 0 }),
    });
    const r = await second;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 of 3 nodes will be down \(N2 already\).*tolerates 1.*wait \(they are not lost\)/s);
    const res = await sent;
    expect(res.status).toBeLessThan(300);
    const { invocationId } = (await res.json()) as { invocationId: string };
    await eventually(
      "the write sent with two nodes down to complete",
      async () => {
        const rows = await s.admin.query<{ status: string }>(`SELECT status FROM sys_invocation WHERE id = '${invocationId}'`);
        return rows[0]?.status === "completed";
      },
      120_000,
      500,
    );
    // A ctx.run body is at-least-once: when the node that led the partition goes (or leadership moves as nodes come
    // back), an attempt whose result never reached the log runs its body again. So the effect may be there twice, but
    // only if the journal says the body ran again, and never more; the result itself is journaled once.
    const commits = readLedger(s.stateDir, { system: "recovery", action: "commit", key }).length;
    const tl = await s.cli(["timeline", invocationId, "--json", "--all"], { timeoutMs: 120_000 });
    expect(tl.code, tl.stderr).toBe(0);
    const entries = (JSON.parse(tl.stdout) as { timelines: { entries: { kind: string; name?: string; execution?: { verdict: string; bodyRuns: unknown[] } }[] }[] }).timelines[0]!.entries;
    const commit = entries.find((e) => e.kind === "run" && e.name === "commit")!.execution!;
    expect(commit.bodyRuns.length, "runs of the commit body in the step log = commit effects in the ledger").toBe(commits);
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(2);
    expect(commit.verdict).toBe(commits === 1 ? "live" : "ran-again");
    await eventually("the cluster to be whole again", async () => (await status()).cluster?.problems.length === 0, 120_000, 1000);
  });

  it("a node the stack does not have, or a cluster size out of range, is refused with exit 2, naming the fix", async () => {
    const r = await own().cli(["kill-restate", "--node", "4"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no node 4.*nodes 1 to 3/s);
    const bad = await runCli(["start", "--nodes", "9", "--state-dir", path.join(own().stateDir, "never")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--nodes must be between 1 and 5.*--nodes 3/s);
  });

  it("with node 1 down the verbs use another node: status, state, invocations, a call through the ingress, doctor", async () => {
    const s = own();
    const k = await s.cli(["kill-restate", "--node", "1", "--down", "60s", "--no-wait", "--json"], { timeoutMs: 60_000 });
    expect(k.code, k.stderr).toBe(0);
    try {
      const r = await status();
      expect(r.components.find((c) => c.name === "restate")?.healthy).toBe(false);
      expect(r.ingressUrl).not.toBe(s.ingressUrl);
      expect(r.adminUrl).not.toBe(s.adminUrl);
      // one call each, no retry around them: a verb that fails while the partitions move is the failure this checks
      const product = `p-${Date.now()}`;
      const reserve = await s.cli(["rpc", "reserve", product, "r1", "--json"], { timeoutMs: 120_000 });
      expect(reserve.code, reserve.stderr).toBe(0);
      expect(reserve.stdout).toContain("r1");
      const inv = await s.cli(["invocations", "--service", "product", "--key", product, "--json"], { timeoutMs: 120_000 });
      expect(inv.code, inv.stderr).toBe(0);
      const rows = (JSON.parse(inv.stdout) as { invocations: { target: string; status: string }[] }).invocations;
      expect(rows.map((r) => `${r.target} ${r.status}`)).toEqual([`product/${product}/reserve completed`]);
      const st = await s.cli(["state", "chaosProof", "nobody-here", "--json"], { timeoutMs: 60_000 });
      expect(st.stderr).not.toMatch(/not reachable/);
      // doctor reports the down node as a cluster problem, and everything else through the live nodes
      const d = await s.cli(["doctor", "--json"], { timeoutMs: 120_000 });
      const checks = (JSON.parse(d.stdout) as { checks: { name: string; ok: boolean; detail: string }[] }).checks;
      expect(checks.find((c) => c.name === "invocation through Restate")?.ok).toBe(true);
      expect(checks.find((c) => c.name === "cluster")).toMatchObject({ ok: false, detail: expect.stringMatching(/N1 down/) });
    } finally {
      // stop (below) must also cope with a node that is down; nothing to restore here
    }
  });

  it("stop leaves no process: every node, every other component and the supervisor are gone", async () => {
    const s = own();
    const st = readStackState(s.stateDir);
    const pids = [st.supervisorPid, ...st.nodes!.map((n) => n.pid), ...Object.values(st.components).map((c) => c?.pid)].filter((p): p is number => !!p);
    const r = await s.cli(["stop"], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    for (const pid of pids) expect(isAlive(pid), `pid ${pid} still alive after stop`).toBe(false);
  });
});
