// Runners of `patterns pq add|status|max`: calls to myService/expensiveMethod (one-way sends, as in the seed's curl
// loop) and reads of the queue object; what really ran, and when, comes from the simulated-systems ledger.
import { randomBytes } from "node:crypto";
import { calling, ingress } from "../../runtime/ingress.js";
import { MY_SERVICE, PRIORITY_QUEUE, myServiceApi, priorityQueueApi, type ExpensiveRequest } from "../../services/priority-queue/api.js";
import type { RunningStack } from "../../runtime/stack.js";
import { eventually } from "../../observe/index.js";
import { readLedger } from "../../services/lib/simulated.js";
import { DEFAULT_QUEUE, maxConcurrency, type QueueSummary } from "../../services/priority-queue/logic.js";
import { PQ_SYSTEM } from "../../services/priority-queue/names.js";
import { ingressPath, type RawCall } from "../../ui/curl.js";

export const PQ_OBJECT = PRIORITY_QUEUE;
export const PQ_SERVICE = MY_SERVICE;

export interface AddOptions {
  count: number;
  priority: number;
  queue: string;
  /** real work time per item (ms); undefined: the seed's 5 s, time-scaled */
  workMs?: number;
  /** labels are `<prefix>-<n>`; default a fresh one per call */
  labelPrefix?: string;
}

export interface AddedItem {
  label: string;
  priority: number;
  invocationId: string;
}

export interface AddResult {
  queue: string;
  priority: number;
  count: number;
  items: AddedItem[];
  status: QueueSummary;
}

export function expensiveBody(o: AddOptions, i: number, label: string): ExpensiveRequest {
  return {
    left: i,
    right: 2,
    priority: o.priority,
    ...(o.queue !== DEFAULT_QUEUE ? { queue: o.queue } : {}),
    ...(o.workMs !== undefined ? { workMs: o.workMs } : {}),
    label,
  };
}

export function addCall(ingressUrl: string, body: unknown): RawCall {
  return { url: `${ingressUrl}/${PQ_SERVICE}/expensiveMethod/send`, body };
}

/** The raw path of a queue handler, for the "same with curl" lines. */
export function queuePath(queue: string, handler: string): string {
  return ingressPath(PQ_OBJECT, queue, handler);
}

export async function queueStatus(stack: RunningStack, queue: string): Promise<QueueSummary> {
  return calling(`${PQ_OBJECT}/${queue}/status`, () => ingress(stack.ingressUrl).objectClient(priorityQueueApi, queue).status());
}

export async function configureQueue(stack: RunningStack, queue: string, maxInFlight: number): Promise<QueueSummary> {
  return calling(`${PQ_OBJECT}/${queue}/configure`, () => ingress(stack.ingressUrl).objectClient(priorityQueueApi, queue).configure({ maxInFlight }));
}

/** Submit count calls, one after the other (so arrival order is submission order within a priority). */
export async function addItems(stack: RunningStack, o: AddOptions): Promise<AddResult> {
  const prefix = o.labelPrefix ?? `p${o.priority}-${randomBytes(3).toString("hex")}`;
  const items: AddedItem[] = [];
  for (let i = 1; i <= o.count; i++) {
    const label = `${prefix}-${i}`;
    const sent = await calling(`${PQ_SERVICE}/expensiveMethod/send`, () =>
      ingress(stack.ingressUrl)
        .serviceSendClient(myServiceApi)
        .expensiveMethod(expensiveBody(o, i, label)),
    );
    items.push({ label, priority: o.priority, invocationId: sent.invocationId });
  }
  return {
    queue: o.queue,
    priority: o.priority,
    count: o.count,
    items,
    status: await waitArrived(
      stack,
      o.queue,
      items.map((i) => i.label),
    ),
  };
}

/**
 * The sends return at once; each call then pushes its waiter onto the queue. Wait (briefly) until every one is
 * there — queued, in flight or already run — so the status shown afterwards includes them.
 */
async function waitArrived(stack: RunningStack, queue: string, labels: string[], timeoutMs = 15_000): Promise<QueueSummary> {
  const arrived = async () => {
    const s = await queueStatus(stack, queue);
    const seen = new Set([...s.queuedItems.map((i) => i.label), ...s.inFlightItems.map((p) => p.label)]);
    const ran = new Set(queueRuns(stack.paths.root, queue).map((r) => r.label));
    return labels.every((l) => seen.has(l) || ran.has(l)) ? s : undefined;
  };
  // what is there after the time is up is shown anyway
  return eventually(`${labels.length} calls to reach the queue ${queue}`, arrived, { timeoutMs }).catch(() => queueStatus(stack, queue));
}

export interface RunRecord {
  label: string;
  priority: number;
  invocationId?: string;
  start: number;
  end?: number;
}

/** What the expensive computation did for a queue (from the ledger), in start order. */
export function queueRuns(stateDir: string, queue: string): RunRecord[] {
  const byItem = new Map<string, RunRecord>();
  for (const e of readLedger(stateDir, { system: PQ_SYSTEM, key: queue })) {
    const d = (e.detail ?? {}) as { item?: string; label?: string; priority?: number; invocationId?: string };
    const id = d.item ?? d.invocationId ?? "?";
    const at = Date.parse(e.at);
    if (e.action === "start") {
      // a re-run after a crash restarts the item: keep the first start
      if (!byItem.has(id)) byItem.set(id, { label: d.label ?? id, priority: d.priority ?? 1, invocationId: d.invocationId, start: at });
    } else if (e.action === "end") {
      const r = byItem.get(id);
      if (r) r.end = at;
    }
  }
  return [...byItem.values()].sort((a, b) => a.start - b.start);
}

/** The most items the ledger shows running at the same time (optionally only the given labels). */
export function peakConcurrency(runs: RunRecord[]): number {
  return maxConcurrency(runs.flatMap((r) => [{ at: r.start, kind: "start" as const }, ...(r.end !== undefined ? [{ at: r.end, kind: "end" as const }] : [])]));
}

/** Poll until every given item has ended (ledger), sampling the queue's status on the way. */
export async function waitDrained(
  stack: RunningStack,
  queue: string,
  labels: string[],
  opts: { timeoutMs?: number; onStatus?: (s: QueueSummary, done: number) => void } = {},
): Promise<{ runs: RunRecord[]; peakSeenInFlight: number; samples: number }> {
  const wanted = new Set(labels);
  let peakSeenInFlight = 0;
  let samples = 0;
  return eventually(
    `the queue ${queue} to finish ${wanted.size} items`,
    async () => {
      const s = await queueStatus(stack, queue);
      samples++;
      peakSeenInFlight = Math.max(peakSeenInFlight, s.inFlight);
      const runs = queueRuns(stack.paths.root, queue).filter((r) => wanted.has(r.label));
      const done = runs.filter((r) => r.end !== undefined).length;
      opts.onStatus?.(s, done);
      // ended in the ledger and given their permits back (done() is a one-way send that lands a moment later)
      const holding = [...s.inFlightItems, ...s.queuedItems].some((i) => i.label !== undefined && wanted.has(i.label));
      return done >= wanted.size && !holding ? { runs, peakSeenInFlight, samples } : undefined;
    },
    { timeoutMs: opts.timeoutMs ?? 300_000, everyMs: 300 },
  );
}
