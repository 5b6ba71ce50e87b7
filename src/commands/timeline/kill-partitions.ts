// `kill-restate --node K` in a cluster: only the invocations whose partition node K led are interrupted by the kill
// (the others run on other nodes' partition processors and go on), and the partitions it led move to other nodes.
// Which partitions a node leads, and where they went, come from restatectl's view of the cluster.
import { invocationPartitionKeys } from "../../observe/index.js";
import type { AdminClient } from "../../runtime/admin.js";
import { partitionOf, readCluster, type ClusterView } from "../../runtime/cluster.js";
import { isAlive, type NodeState } from "../../runtime/state.js";

export interface LedPartitions {
  /** Restate's id of the node (N2) */
  node: string;
  /** the partitions it led before the kill */
  partitions: number[];
  view: ClusterView;
}

/** Live nodes first: restatectl asks one node, and the one about to be killed is the worst choice afterwards. */
function askOrder(nodes: NodeState[], except?: number): NodeState[] {
  const up = (n: NodeState) => n.node !== except && n.phase === "up" && isAlive(n.pid);
  return [...nodes.filter(up), ...nodes.filter((n) => !up(n))];
}

/** The partitions node k leads now (undefined when the cluster cannot be read: then nothing is filtered). */
export async function partitionsLedBy(nodes: NodeState[], k: number): Promise<LedPartitions | undefined> {
  const view = await readCluster(askOrder(nodes, k), 3000).catch(() => undefined);
  const me = view?.nodes.find((n) => n.node === k);
  if (!view || !me) return undefined;
  return { node: me.id, partitions: view.partitions.filter((p) => p.leader === me.id).map((p) => p.id), view };
}

/** The ids among `ids` whose partition the node led: the only ones its kill interrupts. */
export async function onLedPartitions(admin: AdminClient, ids: string[], led: LedPartitions): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const keys = await invocationPartitionKeys(admin, ids);
  const mine = new Set(led.partitions);
  return new Set(keys.filter((r) => mine.has(partitionOf(led.view, r.partition_key) ?? -1)).map((r) => r.id));
}

export interface MovedPartition {
  partition: number;
  /** Restate's id of the node leading it now, if any */
  leader?: string;
}

/** Where the partitions the node led are led from now. */
export async function whereMoved(nodes: NodeState[], k: number, led: LedPartitions): Promise<MovedPartition[]> {
  const view = await readCluster(askOrder(nodes, k), 3000).catch(() => undefined);
  return led.partitions.map((p) => ({ partition: p, leader: view?.partitions.find((x) => x.id === p)?.leader }));
}

/** "P1 → N3, P2 → N1 (N2 led them)", or that it led none. */
export function movedText(led: LedPartitions, moved: MovedPartition[]): string {
  if (!led.partitions.length) return `${led.node} led no partition: no invocation lost its partition leader`;
  const where = moved.map((m) => `P${m.partition} → ${m.leader ?? "no leader yet"}`).join(", ");
  return `partitions ${led.node} led moved: ${where}`;
}
