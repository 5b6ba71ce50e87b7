// The priority-queue scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import { randomBytes } from "node:crypto";
import { eventually, invocation } from "../../observe/index.js";
import { DEFAULT_MAX_IN_FLIGHT } from "../../services/priority-queue/logic.js";
import { addItems, configureQueue, peakConcurrency, queueRuns, queueStatus, waitDrained } from "./run.js";
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { journalChecks, waitedOnAwakeable } from "../../tours/claims.js";

const suffix = () => randomBytes(3).toString("hex");

function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  return eventually(what, fn, { timeoutMs, everyMs: 250 });
}

export async function demo(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const queue = `pq-${suffix()}`;
  say(`queue ${queue}: held at 0 in flight while 4 calls of priority 5 and then 3 of priority 1 arrive`);
  await configureQueue(stack, queue, 0);
  const low = await addItems(stack, { count: 4, priority: 5, queue, workMs: 1000, labelPrefix: `${queue}-low` });
  const high = await addItems(stack, { count: 3, priority: 1, queue, workMs: 1000, labelPrefix: `${queue}-high` });
  const held = await queueStatus(stack, queue);
  await configureQueue(stack, queue, 1);
  say("released one at a time");
  const order = await waitDrained(
    stack,
    queue,
    [...low.items, ...high.items].map((i) => i.label),
    { timeoutMs: 180_000 },
  );
  const priorities = order.runs.map((r) => r.priority);
  // the first low-priority call arrived while the queue was held: it is the one that shows a permit being waited for
  const waiter = low.items[0]?.invocationId;
  const waited = waitedOnAwakeable(waiter, "a call held back by the queue was suspended on its awakeable until the queue granted it a permit", { minMs: 50 });
  say(`  journal: ${waited.says}`);

  say(`then 12 calls with at most 4 in flight`);
  await configureQueue(stack, queue, 0);
  const many = await addItems(stack, { count: 12, priority: 2, queue, workMs: 1500, labelPrefix: `${queue}-many` });
  const released = await configureQueue(stack, queue, 4);
  const capRun = await waitDrained(
    stack,
    queue,
    many.items.map((i) => i.label),
    { timeoutMs: 180_000 },
  );
  const peak = peakConcurrency(capRun.runs);

  say("and a waiter cancelled while queued");
  await configureQueue(stack, queue, 0);
  const victims = await addItems(stack, { count: 2, priority: 3, queue, workMs: 500, labelPrefix: `${queue}-cancel` });
  const beforeCancel = await queueStatus(stack, queue);
  await stack.admin.cancelInvocation(victims.items[0]!.invocationId);
  const afterCancel = await until("the cancelled waiter to leave the queue", async () => {
    const s = await queueStatus(stack, queue);
    return s.dropped > beforeCancel.dropped ? s : undefined;
  });
  await configureQueue(stack, queue, DEFAULT_MAX_IN_FLIGHT);
  await waitDrained(stack, queue, [victims.items[1]!.label], { timeoutMs: 60_000 });
  const cancelledRan = queueRuns(stack.paths.root, queue).some((r) => r.label === victims.items[0]!.label);
  const cancelledRow = await invocation(stack.admin, victims.items[0]!.invocationId);

  const checks: Check[] = [
    check(
      "held at 0 in flight, every call waited in the queue",
      held.inFlight === 0 && held.queued === 7,
      `${held.queued} queued (${held.byPriority.map((p) => `priority ${p.priority}: ${p.count}`).join(", ")})`,
    ),
    check("lower priority numbers were served first", priorities.join(",") === "1,1,1,5,5,5,5", `start order (ledger): ${priorities.join(", ")}`),
    check("releasing 4 permits let exactly 4 run", released.inFlight === 4 && released.queued === 8, `after max=4: ${released.inFlight} in flight, ${released.queued} queued`),
    check("never more than 4 ran at once, and 4 did run together", peak === 4, `at most ${peak} computations overlapped (ledger start/end)`),
    check(
      "a cancelled waiter was removed and never ran",
      afterCancel.queued === beforeCancel.queued - 1 && !cancelledRan && (!cancelledRow || cancelledRow.status === "completed"),
      `queued ${beforeCancel.queued} → ${afterCancel.queued}, dropped ${afterCancel.dropped}; invocation ${cancelledRow ? `${cancelledRow.status} ${cancelledRow.completion_failure ?? ""}`.trim() : "gone"}`,
    ),
    ...(await journalChecks(stack, [waited])),
  ];
  return { checks, data: { queue, keyInvocation: waiter, order: order.runs.map((r) => ({ label: r.label, priority: r.priority })), peak } };
}
