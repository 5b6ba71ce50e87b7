// stateful-actors without Restate: the machine operator's same transition steps, called for three requests that
// arrive together (set up, tear down, set up) by an ordinary server with no per-key queue. The requests read the
// machine's state at the same time, so their transitions interleave; the process is killed after the first "complete
// transition to UP", and its in-memory state dies with it.
import { beginTransition, completeTransition } from "../services/stateful-actors/machine-operator.js";
import {
  MACHINE_RUN_STEPS,
  MACHINE_SYSTEM,
  MACHINE_TRANSITION_NOMINAL_MS,
  machineStep,
  replayMachine,
  serialPerKey,
  type Interval,
  type MachineAction,
  type MachineStatus,
} from "../services/stateful-actors/model.js";
import { compareKey, times, type Comparison, type RunFacts, type Verdict } from "./types.js";
import { machineOperatorApi } from "../services/stateful-actors/api.js";

const REQUESTS: MachineAction[] = ["setUp", "tearDown", "setUp"];

/** The machine's ledger, read as transitions: begin → complete pairs per request, in time. */
export function machineVerdict(facts: Pick<RunFacts, "entries" | "key">, requests: MachineAction[] = REQUESTS): Verdict {
  const mine = facts.entries.filter((e) => e.system === MACHINE_SYSTEM && e.key === facts.key);
  const by = (e: (typeof mine)[number]) => String((e.detail as { invocationId?: string } | undefined)?.invocationId);
  const intervals: Interval[] = [];
  const halfDone: string[] = [];
  const completedTo: MachineStatus[] = [];
  for (const b of mine.filter((e) => e.action.startsWith("begin-"))) {
    const to = b.action.slice("begin-".length) as MachineStatus;
    const end = mine.find((e) => e.action === to && by(e) === by(b) && e.at >= b.at);
    if (!end) {
      halfDone.push(`a transition of ${facts.key} to ${to} began and never completed`);
      continue;
    }
    completedTo.push(to);
    intervals.push({ id: `${to}@${by(b)}`, key: facts.key, arrivedAt: Date.parse(b.at), startedAt: Date.parse(b.at), endedAt: Date.parse(end.at) });
  }
  const { overlaps } = serialPerKey(intervals);
  const expected = replayMachine(facts.key, requests);
  const wantedTransitions = requests.reduce<{ s: MachineStatus | null; to: MachineStatus[] }>(
    (acc, a) => {
      const r = machineStep(facts.key, acc.s, a);
      return { s: r.status, to: r.transitioned ? [...acc.to, r.status!] : acc.to };
    },
    { s: null, to: [] },
  ).to;
  const sameAsSerial = completedTo.join(",") === wantedTransitions.join(",");
  const consistent = overlaps.length === 0 && halfDone.length === 0 && sameAsSerial;
  const leftBehind = [...halfDone, ...overlaps.map((o) => `transitions overlapped on ${o.split(":")[0]}: two requests moved the machine at once`)];
  if (!sameAsSerial) leftBehind.push(`transitions ${completedTo.join(" → ") || "none"} instead of ${wantedTransitions.join(" → ")} (the requests one at a time, in arrival order)`);
  return {
    consistent,
    why: consistent
      ? "one transition at a time, in arrival order: Restate queued the requests per machine, and the interrupted one resumed from its journal"
      : overlaps.length
        ? "without a queue per machine the requests read the same state and moved the machine at the same time"
        : "the transitions do not add up to the requests run one at a time",
    effects: [times(mine.filter((e) => e.action.startsWith("begin-")).length, "transition begun"), times(completedTo.length, "transition completed")],
    compensations: [],
    finalState: `${completedTo.length ? `last completed transition: ${completedTo.at(-1)}` : "no transition completed"}; one at a time it ends ${expected.status ?? "unset"}`,
    leftBehind,
  };
}

export const statefulActors: Comparison = {
  pattern: "stateful-actors",
  scenario: "three requests for one machine arrive together (set up, tear down, set up); the process is killed after the first transition to UP completes",
  crash: { step: MACHINE_RUN_STEPS.completeUp, when: "after" },
  invariant: "a machine's transitions run one at a time, in arrival order, each begun transition completes",
  retry: "the three requests sent again, as clients that got no answer would",
  key: () => compareKey("machine"),

  async withRestate(io) {
    const ids: string[] = [];
    // one after the other, so they arrive in this order; Restate queues them on the machine's key
    for (const action of REQUESTS) ids.push(await io.send(`machineOperator/${io.key}/${action}`, (ingress) => ingress.objectSendClient(machineOperatorApi, io.key)[action](undefined)));
    return ids;
  },

  // An ordinary server: each request runs as it arrives, reading and writing the machine's state in memory.
  async plain(io) {
    const id = io.key;
    let status: MachineStatus | null = null;
    const act = async (action: MachineAction, n: number) => {
      const caller = `plain:${id}:${action}#${n}:${io.attempt}`;
      const next = machineStep(id, status, action);
      if (!next.transitioned) return io.answer(caller, true, next.message);
      const to = next.status!;
      await io.step(to === "UP" ? MACHINE_RUN_STEPS.beginUp : MACHINE_RUN_STEPS.beginDown, () => beginTransition(id, to, caller));
      await new Promise((r) => setTimeout(r, io.scaled(MACHINE_TRANSITION_NOMINAL_MS)));
      await io.step(to === "UP" ? MACHINE_RUN_STEPS.completeUp : MACHINE_RUN_STEPS.completeDown, () => completeTransition(id, to, caller));
      status = to;
      io.answer(caller, true, next.message);
    };
    await Promise.all(REQUESTS.map((a, n) => act(a, n)));
  },

  verdict: (facts) => machineVerdict(facts),
};
