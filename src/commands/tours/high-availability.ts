// High availability: a Restate cluster (`start --nodes 3`) keeps work going while the node that leads the busiest
// partition is SIGKILLed. Sagas, Kafka posts and delayed queue tasks are in flight; the tour shows who leads which
// partition before and after, the work finishing, the node coming back, and checks Restate's own tables and the
// effect ledger: nothing lost, nothing duplicated, everything completed.
//
// It needs a cluster. On a single-node stack (the default, and what `tour --all` usually runs on) it starts its own
// private 3-node cluster on free loopback ports in a temp dir, runs there, and stops it: a kill of the only node is
// what the crash tours already show, and skipping would leave the tour unchecked by `tour --all`.
import { randomBytes } from "node:crypto";
import { check, type Check, type DemoContext, type DemoResult, type PatternEntry } from "../../tours/types.js";
import { invocationPartitionKeys, invocations } from "../../observe/index.js";
import { readCluster, partitionOf, replicationFactor, type ClusterView } from "../../runtime/cluster.js";
import { findStack, killComponent, type RunningStack } from "../../runtime/stack.js";
import { isAlive, readState, type NodeState } from "../../runtime/state.js";
import { readLedger, type LedgerEntry } from "../../services/lib/simulated.js";
import { bookingPayload, tripStatus } from "../sagas/run.js";
import { calling, ingress } from "../../runtime/ingress.js";
import { bookingWorkflowApi } from "../../services/sagas/api.js";
import { submitTask } from "../message-queue/verbs.js";
import { readFeed, sendPosts } from "../user-feed/run.js";
import { errorMessage } from "../../errors.js";
import { humanDuration } from "../../ui/output.js";

const SAGAS = 6;
const USERS = 3;
const POSTS_PER_USER = 4;
const TASKS = 6;
const TASK_DELAY_MS = 4000;
const DOWN_MS = 4000;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The stack as verbs see it now: node 1's URLs, or a live node's while node 1 is down. */
function live(stack: RunningStack): RunningStack {
  return findStack(stack.paths.root) ?? stack;
}

function nodesOf(stack: RunningStack): NodeState[] {
  return readState(stack.paths.stateFile)?.nodes ?? [];
}

function liveFirst(nodes: NodeState[]): NodeState[] {
  const up = (n: NodeState) => n.phase === "up" && isAlive(n.pid);
  return [...nodes.filter(up), ...nodes.filter((n) => !up(n))];
}

async function cluster(stack: RunningStack): Promise<ClusterView> {
  return readCluster(liveFirst(nodesOf(stack)), 3000);
}

function leadershipLine(view: ClusterView): string {
  return view.nodes.map((n) => `${n.name}${n.alive ? "" : " (dead)"} leads ${n.leads.length ? n.leads.map((p) => `P${p}`).join(",") : "nothing"}`).join("; ");
}

interface Work {
  trips: string[];
  users: string[];
  tasks: string[];
  ids: string[];
}

/** Start everything one-way (nothing waits on an HTTP answer from a node that may die). */
async function startWork(stack: RunningStack, run: string, say: (l: string) => void): Promise<Work> {
  const trips = Array.from({ length: SAGAS }, (_, i) => `${run}-trip-${i}`);
  const ids: string[] = [];
  for (const t of trips)
    ids.push(
      (
        await calling(`booking trip ${t}`, () =>
          ingress(stack.ingressUrl)
            .workflowClient(bookingWorkflowApi, t)
            .workflowSubmit(bookingPayload({ tripId: t })),
        )
      ).invocationId,
    );
  say(`${SAGAS} sagas: BookingWorkflow/${trips[0]}…/run (flight, car, payment), one-way`);
  const tasks = Array.from({ length: TASKS }, (_, i) => `${run}-task-${i}`);
  for (const id of tasks) ids.push((await submitTask(stack, { task: "resize image", id, delayMs: TASK_DELAY_MS })).invocationId);
  say(`${TASKS} delayed queue tasks: asyncTaskWorker/runTask, due in ${humanDuration(TASK_DELAY_MS)}, idempotency keys ${tasks[0]}…`);
  const users = Array.from({ length: USERS }, (_, i) => `${run}-user${i}`);
  for (const u of users) {
    const sent = await sendPosts(
      stack,
      u,
      Array.from({ length: POSTS_PER_USER }, (_, i) => ({ content: `post ${i + 1} of ${u}`, pendingChecks: 2 })),
    );
    for (const r of sent.records) if (r.invocationId) ids.push(r.invocationId);
  }
  say(`${USERS * POSTS_PER_USER} posts through Kafka (social-media-posts → userFeed/{user}/processPost), each held by two moderation checks`);
  return { trips, users, tasks, ids };
}

async function completedRows(stack: RunningStack, ids: string[]): Promise<{ id: string; completion_result?: string }[]> {
  return invocations(live(stack).admin, { ids, status: "completed" });
}

/** Effects recorded twice for one business key: a ctx.run body that ran again. */
function doubled(entries: LedgerEntry[]): LedgerEntry[][] {
  const groups = new Map<string, LedgerEntry[]>();
  for (const e of entries) {
    const k = `${e.system}|${e.action}|${e.key}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/** The node to kill: the leader of the busiest partition, the one with the most of our invocations not completed yet. */
async function pickVictim(stack: RunningStack, before: ClusterView, work: Work) {
  const rows = await invocationPartitionKeys(live(stack).admin, work.ids);
  const perPartition = new Map<number, number>();
  for (const r of rows) {
    if (r.status === "completed") continue;
    const p = partitionOf(before, r.partition_key);
    if (p !== undefined) perPartition.set(p, (perPartition.get(p) ?? 0) + 1);
  }
  const [busiest, inFlight] = [...perPartition.entries()].sort((a, b) => b[1] - a[1])[0] ?? [before.partitions[0]!.id, 0];
  const leaderId = before.partitions.find((p) => p.id === busiest)?.leader;
  const victim = before.nodes.find((n) => n.id === leaderId);
  if (!victim?.node) throw new Error(`partition ${busiest} has no leader to kill (${leadershipLine(before)})`);
  return { busiest, inFlight, victim: { ...victim, node: victim.node }, victimState: nodesOf(stack)[victim.node - 1]! };
}

type Victim = Awaited<ReturnType<typeof pickVictim>>;

interface Failover {
  newLeader?: string;
  failoverMs?: number;
  backMs?: number;
  rejoinedMs?: number;
}

/** Watch, side by side, the cluster (leadership of the busiest partition, the node coming back) and the work. */
async function watchFailover(say: (l: string) => void, stack: RunningStack, v: Victim, killedAt: number, work: Work): Promise<Failover> {
  const f: Failover = {};
  const { busiest, victim, victimState } = v;
  const deadline = Date.now() + 180_000;
  const watchCluster = async () => {
    while (Date.now() < deadline && f.rejoinedMs === undefined) {
      const view = await cluster(stack).catch(() => undefined);
      const part = view?.partitions.find((p) => p.id === busiest);
      if (view && f.failoverMs === undefined && part?.leader && part.leader !== victim.id && view.nodes.find((n) => n.id === part.leader)?.alive) {
        f.failoverMs = Date.now() - killedAt;
        f.newLeader = part.leaderName;
        say(`P${busiest} is now led by ${f.newLeader}, ${humanDuration(f.failoverMs)} after the kill (its follower took over: same log, no data moved)`);
      }
      const me = nodesOf(stack)[victim.node - 1];
      if (f.backMs === undefined && me?.phase === "up" && me.pid !== victimState.pid) {
        f.backMs = Date.now() - killedAt;
        say(`${victim.name} is back as pid ${me.pid} (${humanDuration(f.backMs)} after the kill), on its own data dir`);
      }
      if (f.backMs !== undefined && view?.nodes.find((n) => n.id === victim.id)?.alive) {
        f.rejoinedMs = Date.now() - killedAt;
        say(`${victim.name} is alive again in the cluster's view: it catches up from the replicated log`);
      }
      await wait(200);
    }
  };
  const watchWork = async () => {
    let done = -1;
    while (Date.now() < deadline) {
      // a query waits out the moment partitions change leaders (observe's query retries it)
      const now = (await completedRows(stack, work.ids).catch(() => undefined))?.length ?? done;
      if (now !== done) say(`  ${now} of ${work.ids.length} invocations completed`);
      done = now;
      if (done === work.ids.length) return;
      await wait(500);
    }
  };
  await Promise.all([watchCluster(), watchWork()]);
  return f;
}

/** The work's outcome in Restate's tables and state: every invocation, saga, post and task. */
async function workChecks(stack: RunningStack, work: Work): Promise<Check[]> {
  const checks: Check[] = [];
  const completed = await completedRows(stack, work.ids);
  const ok = completed.filter((r) => r.completion_result === "success").length;
  checks.push(check("every invocation completed successfully (sys_invocation)", ok === work.ids.length, `${ok} of ${work.ids.length} succeeded`));

  const s = live(stack);
  const trips = await Promise.all(work.trips.map((t) => tripStatus(s, t).catch(() => undefined)));
  const confirmed = trips.filter((t) => t?.status === "CONFIRMED").length;
  checks.push(check("every saga confirmed: flight, car and payment booked", confirmed === SAGAS, `${confirmed} of ${SAGAS} CONFIRMED`));

  const feeds = await Promise.all(work.users.map((u) => readFeed(s, u).catch(() => [])));
  const perPost = new Map<string, number>();
  for (const f of feeds) for (const entry of f) perPost.set(JSON.stringify(entry), (perPost.get(JSON.stringify(entry)) ?? 0) + 1);
  const feedCount = feeds.reduce((n, f) => n + f.length, 0);
  checks.push(
    check(
      "every Kafka post is in its feed exactly once (userFeed state)",
      feedCount === USERS * POSTS_PER_USER && [...perPost.values()].every((n) => n === 1),
      `${feedCount} feed entries for ${USERS * POSTS_PER_USER} posts`,
    ),
  );

  const taskRows = (await Promise.all(work.tasks.map((t) => invocations(s.admin, { service: "asyncTaskWorker", handler: "runTask", idempotencyKey: t })))).flat();
  const oncePerTask = work.tasks.every((t) => taskRows.filter((r) => r.idempotency_key === t).length === 1);
  checks.push(
    check(
      "every delayed task ran once: one invocation per idempotency key, completed",
      oncePerTask && taskRows.every((r) => r.status === "completed"),
      `${taskRows.length} invocations for ${TASKS} tasks`,
    ),
  );
  return checks;
}

/**
 * The ledger outside Restate: every saga left its effects (nothing lost). A ctx.run body is at-least-once: if the
 * node died between the body's end and the journal write, the body runs again on the new leader's attempt. So an
 * effect recorded twice must have started inside the failover (kill → node back + 5 s), and never three times.
 */
function ledgerChecks(stack: RunningStack, work: Work, killedAt: number, backMs: number | undefined): Check[] {
  const ledger = readLedger(stack.paths.root).filter((e) => work.trips.some((t) => JSON.stringify(e.detail ?? {}).includes(t)) || work.users.some((u) => JSON.stringify(e.detail ?? {}).includes(u)));
  const tripsWithEffects = work.trips.filter((t) => ledger.some((e) => JSON.stringify(e.detail ?? {}).includes(t))).length;
  const twice = doubled(ledger);
  const windowEnd = killedAt + (backMs ?? DOWN_MS) + 5000;
  const outside = twice.filter((g) => g.length > 2 || Date.parse(g[0]!.at) < killedAt - 1000 || Date.parse(g[0]!.at) > windowEnd);
  return [
    check("every saga's effects are in the ledger (nothing lost)", tripsWithEffects === SAGAS, `${tripsWithEffects} of ${SAGAS} trips have effects`),
    check(
      "no effect duplicated outside the failover (a step body may re-run only when the kill cut off its journal write)",
      outside.length === 0,
      `${ledger.length} effects; ${twice.length} re-run inside the failover${outside.length ? `; outside: ${outside.map((g) => `${g[0]!.system} ${g[0]!.action} ${g[0]!.key}`).join(", ")}` : ""}`,
    ),
  ];
}

async function scenario(ctx: DemoContext, stack: RunningStack, privateCluster: boolean): Promise<DemoResult> {
  const say = ctx.say;
  const run = `ha-${randomBytes(3).toString("hex")}`;
  const before = await cluster(stack);
  say(`leadership before: ${leadershipLine(before)}`);
  say(`  the log keeps ${before.logReplication.map(replicationFactor).join("/") || "?"} copies of every record; each partition has a leader and a follower on another node`);

  const work = await startWork(stack, run, say);
  const v = await pickVictim(stack, before, work);
  const { busiest, inFlight, victim, victimState } = v;
  say(`the busiest partition is P${busiest} (${inFlight} of our invocations in flight), led by ${victim.name}`);

  const killedAt = Date.now();
  const k = await killComponent(live(stack), "restate", { node: victim.node, downMs: DOWN_MS, wait: false, signal: "SIGKILL" });
  say(`SIGKILL ${victim.name} (pid ${k.pid}); the supervisor restarts it on its data in ${humanDuration(DOWN_MS)}`);
  const { newLeader, failoverMs, backMs, rejoinedMs } = await watchFailover(say, stack, v, killedAt, work);
  const after = await cluster(stack);
  say(`leadership after: ${leadershipLine(after)}`);
  say("  (once the node is back, the cluster controller may hand partitions back to it: leadership is balanced, not sticky)");

  // ---- checks: Restate's tables, the state, the ledger ----
  const checks: Check[] = [
    check(`the leader of the busiest partition (P${busiest}, ${victim.name}) was SIGKILLed`, !!k.pid && k.pid === victimState.pid, `pid ${k.pid}, ${inFlight} invocations of P${busiest} in flight`),
    check(
      `P${busiest} got a new leader on a live node while ${victim.name} was down`,
      failoverMs !== undefined && !!newLeader && newLeader !== victim.name,
      failoverMs !== undefined ? `${newLeader} after ${humanDuration(failoverMs)}` : "no new leader seen within 3 min",
    ),
    check(
      `${victim.name} came back and rejoined the cluster`,
      rejoinedMs !== undefined,
      rejoinedMs !== undefined ? `back after ${humanDuration(backMs ?? NaN)}, alive in the cluster's view after ${humanDuration(rejoinedMs)}` : "not alive again within 3 min",
    ),
    ...(await workChecks(stack, work)),
    ...ledgerChecks(stack, work, killedAt, backMs),
  ];
  return {
    checks,
    data: {
      killed: { node: victim.node, name: victim.name, pid: k.pid, partition: busiest, inFlight },
      failoverMs,
      backMs,
      rejoinedMs,
      newLeader,
      before: before.nodes.map((n) => ({ name: n.name, leads: n.leads })),
      after: after.nodes.map((n) => ({ name: n.name, leads: n.leads })),
      invocations: work.ids.length,
      // the private cluster is gone once the tour ends: no invocation id to look up afterwards
      ...(privateCluster ? { cluster: "private, stopped" } : { keyInvocation: work.ids[0] }),
    },
  };
}

/** Run on the user's stack when it is a cluster of 3 or more; else on a private 3-node cluster, stopped afterwards. */
async function demo(ctx: DemoContext): Promise<DemoResult> {
  if (nodesOf(ctx.stack).length >= 3) return scenario(ctx, ctx.stack, false);
  ctx.say("this stack is a single node: starting a private 3-node cluster for this tour (free loopback ports, a temp dir; stopped afterwards)");
  const { startStack } = await import("../../lab/stack.js");
  const lab = await startStack({ prefix: "ha", nodes: 3 });
  try {
    const stack = findStack(lab.stateDir);
    if (!stack) throw new Error(`the private cluster in ${lab.stateDir} did not come up`);
    ctx.say(`  private cluster ready in ${humanDuration(lab.startMs)} (${lab.stateDir}); same with: npx patterns start --nodes 3`);
    return await scenario(ctx, stack, true);
  } finally {
    const t = await lab.stop().catch((e: unknown) => ({ orphans: [] as number[], listeners: [] as number[], error: errorMessage(e) }));
    if (t.orphans.length) ctx.say(`  the private cluster left processes behind: ${t.orphans.join(", ")}`);
  }
}

/** Not a pattern of its own: a tour that joins the registry's entries (after them) for `list`, the menu and `tour`. */
export const highAvailabilityTour: PatternEntry = {
  name: "high-availability",
  title: "High availability (a 3-node cluster)",
  category: "custom",
  summary: "the node leading the busiest partition is SIGKILLed mid-work; another node takes over: nothing lost, no invocation run twice",
  guarantee:
    "In a Restate cluster every log record is stored on two nodes before it counts, and each partition has a follower " +
    "that applies the same log. When a node dies, the cluster controller makes a follower the leader of the partitions " +
    "the dead node led; the new leader resumes every invocation from its journal, and the ingress of any live node keeps " +
    "accepting work. The killed node comes back on its own data and catches up from the log.",
  subscriptions: [],
  services: ["BookingWorkflow", "asyncTaskWorker", "userFeed"],
  verbs: ["start --nodes 3", "status", "kill-restate --node 2", "logs restate-2", "doctor"],
  demo,
  tour: {
    look: [
      "`npx patterns status` lists each node's roles and the partitions it leads; run it before and after a kill",
      "a kill of one node of three is within what the cluster tolerates; a second node down at once makes writes wait until one returns",
    ],
  },
};
