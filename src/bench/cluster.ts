// The bench's cluster part (`npm run bench` runs it after the single-node measures): a 3-node cluster's start-up,
// its ingress throughput next to the single node's, failover (node kill → first completion of an interrupted
// invocation) and the idle RSS of three nodes, the worker and the broker together.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { AdminClient } from "../runtime/admin.js";
import { invocationPartitionKeys, invocations } from "../observe/index.js";
import { readCluster, partitionOf } from "../runtime/cluster.js";
import { control } from "../runtime/stack.js";
import { readState, type NodeState } from "../runtime/state.js";
import { statePaths } from "../runtime/paths.js";
import { median } from "./stats.js";
import { startStack, type StartedStack } from "../lab/stack.js";
import { rssMb, sleep } from "../lab/measure.js";

export const CLUSTER_NODES = 3;

export interface ClusterBench {
  nodes: number;
  startupMs: number;
  startupAllMs: number[];
  /** idle RSS per process, and the total of the nodes, the worker and the broker */
  memoryIdleMb: Record<string, number>;
  /** records/s through the ingresses of all nodes, round robin, 100 keys */
  ingress100: number;
  /** node kill → first completion of an invocation whose partition the killed node led */
  failoverMs: { median: number; all: number[] };
}

function nodesOf(dir: string): NodeState[] {
  return readState(statePaths(dir).stateFile)?.nodes ?? [];
}

function handled(dir: string, runId: string): number[] {
  const file = path.join(dir, "bench-sink.ndjson");
  if (!existsSync(file)) return [];
  const out: number[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.includes(`"run":"${runId}"`)) continue;
    try {
      out.push((JSON.parse(line) as { handledAt: number }).handledAt);
    } catch {
      /* torn line */
    }
  }
  return out;
}

async function ingressThroughput(lab: StartedStack, n: number, keys: number): Promise<number> {
  const ingresses = nodesOf(lab.stateDir).map((x) => x.ingressUrl);
  const runId = `cit-${keys}-${Date.now()}`;
  const t0 = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < n) {
        const j = next++;
        const res = await fetch(`${ingresses[j % ingresses.length]}/BenchSink/k${j % keys}/onEvent/send`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ run: runId, seq: j, sentAt: Date.now() }),
        });
        if (res.status >= 300) throw new Error(`ingress send ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
  const deadline = Date.now() + 600_000;
  for (;;) {
    const h = handled(lab.stateDir, runId);
    if (h.length >= n) return (n / (Math.max(...h) - t0)) * 1000;
    if (Date.now() > deadline) throw new Error(`only ${h.length}/${n} records of ${runId} arrived`);
    await sleep(200);
  }
}

/**
 * Invocations sleep 500 ms; right after they are sent, SIGKILL the leader of the partition holding most of those not
 * completed, and time the first completion among them. The sleep left is under 500 ms, so the figure is the failover.
 */
async function failover(lab: StartedStack): Promise<number> {
  const nodes = nodesOf(lab.stateDir);
  const admin = new AdminClient(nodes[0]!.adminUrl);
  const view = await readCluster(nodes);
  const ids = await Promise.all(
    Array.from({ length: 24 }, async () => {
      const res = await fetch(`${nodes[0]!.ingressUrl}/BenchRecovery/run/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sleepMs: 500 }) });
      return ((await res.json()) as { invocationId: string }).invocationId;
    }),
  );
  const rows = (await invocationPartitionKeys(admin, ids)).map((r) => ({ id: r.id, pk: r.partition_key, status: r.status }));
  const leaderOf = (pk: string) => view.partitions.find((p) => p.id === partitionOf(view, pk))?.leader;
  const open = rows.filter((r) => r.status !== "completed");
  const count = new Map<string, number>();
  for (const r of open) count.set(leaderOf(r.pk) ?? "?", (count.get(leaderOf(r.pk) ?? "?") ?? 0) + 1);
  const victimId = [...count.entries()].filter(([k]) => k !== "?").sort((a, b) => b[1] - a[1])[0]?.[0];
  const victim = view.nodes.find((n) => n.id === victimId)?.node;
  if (!victim) throw new Error("no invocation in flight on a led partition to interrupt");
  const interrupted = open.filter((r) => leaderOf(r.pk) === victimId).map((r) => r.id);
  const killedAt = Date.now();
  await control(statePaths(lab.stateDir), "POST", "/kill", { component: "restate", node: victim, downMs: 3000, wait: false });
  // ask a node that stays up
  const live = new AdminClient(nodes.find((n) => n.node !== victim)!.adminUrl);
  const deadline = Date.now() + 120_000;
  let first: number | undefined;
  while (Date.now() < deadline && first === undefined) {
    const done = await invocations(live, { ids: interrupted, status: "completed" }).catch(() => []);
    const after = done.map((d) => Date.parse(d.completed_at ?? "")).filter((t) => t >= killedAt);
    if (after.length) first = Math.min(...after);
    else await sleep(50);
  }
  // the node back and the cluster settled before the next round
  const back = Date.now() + 60_000;
  while (Date.now() < back && nodesOf(lab.stateDir)[victim - 1]?.phase !== "up") await sleep(100);
  await sleep(3000);
  if (first === undefined) throw new Error(`none of the ${interrupted.length} interrupted invocations completed within 2 min of the node kill`);
  return first - killedAt;
}

export async function clusterBench(o: { runs: number; records: number; log: (s: string) => void }): Promise<ClusterBench> {
  o.log(`cluster: ${o.runs} × patterns start --nodes ${CLUSTER_NODES}`);
  const starts: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const s = await startStack({ prefix: "bench-cluster", nodes: CLUSTER_NODES });
    starts.push(s.startMs);
    await s.stop();
  }
  const lab = await startStack({ prefix: "bench-cluster", nodes: CLUSTER_NODES });
  try {
    await sleep(3000);
    const st = readState(statePaths(lab.stateDir).stateFile)!;
    const memory: Record<string, number> = {};
    for (const n of st.nodes ?? []) memory[n.name] = rssMb(n.pid!);
    memory.worker = rssMb(st.components.worker.pid!);
    if (st.components.broker.pid) memory.broker = rssMb(st.components.broker.pid);
    memory.total = Object.values(memory).reduce((a, b) => a + b, 0);
    o.log(`cluster: ingress throughput, ${o.records} records over 100 keys through the ${CLUSTER_NODES} ingresses`);
    const ingress100 = await ingressThroughput(lab, o.records, 100);
    o.log(`cluster: failover, ${o.runs} × SIGKILL the leader of a partition with invocations in flight`);
    const fo: number[] = [];
    for (let i = 0; i < o.runs; i++) fo.push(await failover(lab));
    return { nodes: CLUSTER_NODES, startupMs: median(starts), startupAllMs: starts, memoryIdleMb: memory, ingress100, failoverMs: { median: median(fo), all: fo } };
  } finally {
    await lab.stop();
  }
}
