// What a cluster (`start --nodes N`) looks like from inside, read with Restate's own `restatectl` (npm, pinned to the
// server's version): its SQL over the cluster tables (nodes, partitions, logs) answers through any live node's fabric
// port. Parsing is pure, so it is unit-tested; the runner only spawns the binary.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import path from "node:path";
import { PlaygroundError } from "../errors.js";
import type { NodeState } from "./state.js";
import { stripAnsi } from "../ui/text.js";

const require = createRequire(import.meta.url);

/** The real restatectl binary inside its platform package (the npm wrapper only re-spawns it). */
export function restatectlBinary(): string {
  const pkg = `@restatedev/restatectl-${process.platform}-${process.arch}`;
  try {
    const bin = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "bin", "restatectl");
    if (existsSync(bin)) return bin;
  } catch {
    /* fall through */
  }
  throw new PlaygroundError(`restatectl for ${process.platform}-${process.arch} is not installed (${pkg})`, "run `npm install` in the project folder");
}

export interface NodeRow {
  plain_node_id: string;
  name: string;
  state: string;
  has_admin_role?: boolean;
  has_worker_role?: boolean;
  has_metadata_server_role?: boolean;
  has_log_server_role?: boolean;
  has_ingress_role?: boolean;
  metadata_server_state?: string;
  worker_state?: string;
}

export interface PartitionRow {
  partition_id: number;
  leader_plain_node_id?: string | null;
  leader_epoch?: string | null;
  current_replica_set?: string | null;
  /** the partition's key range, as decimal strings (u64 does not fit a JSON number) */
  start_key?: string | null;
  end_key?: string | null;
}

export interface LogRow {
  log_id: number;
  kind: string;
  replication?: string | null;
  nodeset?: string | null;
  sequencer?: string | null;
}

export interface ClusterNodeView {
  /** Restate's id (N1, N2, …; the supervisor forces it to be our node number) */
  id: string;
  /** our node number (Restate's node name n2 → 2): what `--node` takes */
  node?: number;
  /** what people read: Restate's id, as restatectl prints it (N2) */
  name: string;
  alive: boolean;
  roles: string[];
  metadata?: string;
  /** partitions this node leads */
  leads: number[];
  /** partitions this node holds a replica of */
  replicas: number[];
}

export interface ClusterView {
  /** the node restatectl asked */
  via: string;
  nodes: ClusterNodeView[];
  partitions: { id: number; leader?: string; leaderName?: string; epoch?: string; replicas: string[]; start?: string; end?: string }[];
  /** the log replication every log asks for, e.g. "{node: 2}" */
  logReplication: string[];
  logs: { id: number; replication?: string; nodeset: string[]; sequencer?: string }[];
}

const ROLE_COLUMNS: [keyof NodeRow, string][] = [
  ["has_metadata_server_role", "metadata-server"],
  ["has_admin_role", "admin"],
  ["has_worker_role", "worker"],
  ["has_log_server_role", "log-server"],
  ["has_ingress_role", "http-ingress"],
];

function list(raw: string | null | undefined): string[] {
  return (raw ?? "")
    .replace(/[[\]]/g, "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The three tables → one view: who is alive, with which roles, leading which partitions; the logs' replication. */
export function buildClusterView(via: string, nodes: NodeRow[], partitions: PartitionRow[], logs: LogRow[]): ClusterView {
  const byId = new Map(nodes.map((n) => [n.plain_node_id, n]));
  const parts = [...partitions]
    .sort((a, b) => a.partition_id - b.partition_id)
    .map((p) => ({
      id: p.partition_id,
      leader: p.leader_plain_node_id ?? undefined,
      leaderName: p.leader_plain_node_id && byId.has(p.leader_plain_node_id) ? p.leader_plain_node_id : undefined,
      epoch: p.leader_epoch ?? undefined,
      replicas: list(p.current_replica_set),
      ...(p.start_key != null && p.end_key != null ? { start: String(p.start_key), end: String(p.end_key) } : {}),
    }));
  const live = logs.filter((l) => l.kind !== "sealed");
  const view: ClusterView = {
    via,
    nodes: [...nodes]
      .map((n) => {
        const m = /^n(\d+)$/.exec(n.name);
        return {
          id: n.plain_node_id,
          node: m ? Number(m[1]) : undefined,
          name: n.plain_node_id,
          alive: n.state === "alive",
          roles: ROLE_COLUMNS.filter(([col]) => n[col] === true).map(([, role]) => role),
          metadata: n.metadata_server_state ?? undefined,
          leads: parts.filter((p) => p.leader === n.plain_node_id).map((p) => p.id),
          replicas: parts.filter((p) => p.replicas.includes(n.plain_node_id)).map((p) => p.id),
        };
      })
      .sort((a, b) => (a.node ?? 99) - (b.node ?? 99) || a.name.localeCompare(b.name, undefined, { numeric: true })),
    partitions: parts,
    logReplication: [...new Set(live.map((l) => l.replication).filter((r): r is string => !!r))],
    logs: [...live].sort((a, b) => a.log_id - b.log_id).map((l) => ({ id: l.log_id, replication: l.replication ?? undefined, nodeset: list(l.nodeset), sequencer: l.sequencer ?? undefined })),
  };
  return view;
}

/** The partition whose key range holds a partition key (a decimal string, as SQL's CAST(partition_key AS VARCHAR)). */
export function partitionOf(view: ClusterView, partitionKey: string): number | undefined {
  const k = BigInt(partitionKey);
  return view.partitions.find((p) => p.start !== undefined && p.end !== undefined && BigInt(p.start) <= k && k <= BigInt(p.end))?.id;
}

/** "{node: 2}" → 2 */
export function replicationFactor(spec: string): number | undefined {
  const m = /node:\s*(\d+)/.exec(spec);
  return m ? Number(m[1]) : undefined;
}

/** Problems a healthy cluster does not have: a node not alive, a partition without a leader, a log under-replicated. */
export function clusterProblems(view: ClusterView, expectedNodes: number, replication: number): string[] {
  const problems: string[] = [];
  const alive = view.nodes.filter((n) => n.alive);
  if (alive.length < expectedNodes) {
    const down = view.nodes.filter((n) => !n.alive).map((n) => n.name);
    problems.push(`${alive.length} of ${expectedNodes} nodes alive${down.length ? ` (${down.join(", ")} down)` : ""}`);
  }
  const leaderless = view.partitions.filter((p) => !p.leader || !alive.some((n) => n.id === p.leader));
  if (leaderless.length) problems.push(`partition${leaderless.length > 1 ? "s" : ""} ${leaderless.map((p) => p.id).join(", ")} without a live leader`);
  const under = view.partitions.filter((p) => p.replicas.filter((r) => alive.some((n) => n.id === r)).length < replication);
  if (under.length) problems.push(`partition${under.length > 1 ? "s" : ""} ${under.map((p) => p.id).join(", ")} with fewer than ${replication} live replicas`);
  const logs = view.logs.filter((l) => (replicationFactor(l.replication ?? "") ?? 0) < replication);
  if (logs.length) problems.push(`log${logs.length > 1 ? "s" : ""} ${logs.map((l) => l.id).join(", ")} replicated fewer than ${replication} times`);
  return problems;
}

function runCtl(address: string, sql: string, timeoutMs: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    execFile(
      restatectlBinary(),
      ["--address", address, "--connect-timeout", "1000", "--request-timeout", String(timeoutMs), "sql", "--json", sql],
      { timeout: timeoutMs + 2000, env: { ...process.env, NO_COLOR: "1" } },
      (err, stdout, stderr) => {
        if (err)
          return reject(
            new Error(
              `restatectl via ${address}: ${stripAnsi(stderr || err.message)
                .split("\n")
                .filter(Boolean)
                .slice(0, 3)
                .join(" ")}`,
            ),
          );
        try {
          const text = stdout.trim();
          resolve(text ? (JSON.parse(text) as unknown[]) : []);
        } catch (e) {
          reject(new Error(`restatectl printed no JSON: ${(e as Error).message}`));
        }
      },
    );
  });
}

/** Ask the first node that answers (node 1 first, unless told otherwise). */
export async function readCluster(nodes: Pick<NodeState, "fabricPort">[], timeoutMs = 5000): Promise<ClusterView> {
  let last: unknown;
  for (const n of nodes) {
    const address = `http://127.0.0.1:${n.fabricPort}`;
    try {
      const [rows, parts, logs] = await Promise.all([
        runCtl(
          address,
          "SELECT plain_node_id, name, state, has_admin_role, has_worker_role, has_metadata_server_role, has_log_server_role, has_ingress_role, metadata_server_state, worker_state FROM nodes",
          timeoutMs,
        ),
        runCtl(
          address,
          "SELECT partition_id, leader_plain_node_id, leader_epoch, current_replica_set, CAST(start_key AS VARCHAR) AS start_key, CAST(end_key AS VARCHAR) AS end_key FROM partitions",
          timeoutMs,
        ),
        runCtl(address, "SELECT log_id, kind, replication, nodeset, sequencer FROM logs_tail_segments", timeoutMs),
      ]);
      return buildClusterView(address, rows as NodeRow[], parts as PartitionRow[], logs as LogRow[]);
    } catch (e) {
      last = e;
    }
  }
  throw new PlaygroundError(`no node of the cluster answered restatectl (${(last as Error)?.message ?? "no nodes"})`, "check `npx patterns status` and `npx patterns logs restate`");
}
