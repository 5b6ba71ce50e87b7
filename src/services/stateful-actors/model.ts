// Pure logic of the machine operator: transitions, messages and the checks of the storm. No Restate context here,
// so it is unit-tested directly and shared by the worker and the CLI's checks.

export type MachineStatus = "UP" | "DOWN";
export type MachineAction = "setUp" | "tearDown";

export interface MachineOptions {
  /** fail once (retryably) in the middle of the transition, after its first step is journaled */
  failOnce?: boolean;
}

export const machineMessages = {
  alreadyUp: (id: string) => `${id} is already up, so nothing to do`,
  nowUp: (id: string) => `${id} is now up`,
  notUp: (id: string) => `${id} is not up, cannot tear down`,
  nowDown: (id: string) => `${id} is now down`,
};

/** The simulated factory's name in the ledger, and the seed's transition time (5 s, time-scaled). */
export const MACHINE_SYSTEM = "factory";
export const MACHINE_TRANSITION_NOMINAL_MS = 5_000;

export const MACHINE_RUN_STEPS = {
  beginUp: "begin transition to UP",
  completeUp: "complete transition to UP",
  beginDown: "begin transition to DOWN",
  completeDown: "complete transition to DOWN",
} as const;
export const MACHINE_RUN_STEP_NAMES: string[] = Object.values(MACHINE_RUN_STEPS);

/** `--crash-after "Begin transition to up"` → "begin transition to UP"; undefined when unknown. */
export function machineStepName(raw: string): string | undefined {
  const want = raw.trim().replace(/\s+/g, " ").toLowerCase();
  return MACHINE_RUN_STEP_NAMES.find((n) => n.toLowerCase() === want);
}

/** One transition of the state machine: the answer and the new status (null = never set). */
export function machineStep(id: string, status: MachineStatus | null, action: MachineAction): { message: string; status: MachineStatus | null; transitioned: boolean } {
  if (action === "setUp") {
    if (status === "UP") return { message: machineMessages.alreadyUp(id), status, transitioned: false };
    return { message: machineMessages.nowUp(id), status: "UP", transitioned: true };
  }
  if (status !== "UP") return { message: machineMessages.notUp(id), status, transitioned: false };
  return { message: machineMessages.nowDown(id), status: "DOWN", transitioned: true };
}

/** Replay actions one at a time, in order: the answers a linearized machine must give. */
export function replayMachine(id: string, actions: MachineAction[], start: MachineStatus | null = null): { messages: string[]; status: MachineStatus | null } {
  let status = start;
  const messages: string[] = [];
  for (const a of actions) {
    const r = machineStep(id, status, a);
    messages.push(r.message);
    status = r.status;
  }
  return { messages, status };
}

/** The seed's five concurrent requests: machine a and machine b. */
export const SEED_STORM: { machine: "a" | "b"; action: MachineAction }[] = [
  { machine: "a", action: "setUp" },
  { machine: "a", action: "tearDown" },
  { machine: "b", action: "setUp" },
  { machine: "b", action: "setUp" },
  { machine: "b", action: "tearDown" },
];

export interface Interval {
  id: string;
  key: string;
  /** when it entered the key's queue (arrival) */
  arrivedAt: number;
  startedAt: number;
  endedAt: number;
}

/** Per key: do the intervals never overlap, and did they start in arrival order? */
export function serialPerKey(intervals: Interval[]): { serial: boolean; inArrivalOrder: boolean; overlaps: string[]; outOfOrder: string[] } {
  const byKey = new Map<string, Interval[]>();
  for (const i of intervals) byKey.set(i.key, [...(byKey.get(i.key) ?? []), i]);
  const overlaps: string[] = [];
  const outOfOrder: string[] = [];
  for (const [key, list] of byKey) {
    const byStart = [...list].sort((a, b) => a.startedAt - b.startedAt || a.arrivedAt - b.arrivedAt);
    for (let k = 1; k < byStart.length; k++) {
      if (byStart[k]!.startedAt < byStart[k - 1]!.endedAt) overlaps.push(`${key}: ${byStart[k - 1]!.id} and ${byStart[k]!.id}`);
    }
    const byArrival = [...list].sort((a, b) => a.arrivedAt - b.arrivedAt);
    if (byArrival.some((x, k) => x.id !== byStart[k]!.id)) outOfOrder.push(key);
  }
  return { serial: overlaps.length === 0, inArrivalOrder: outOfOrder.length === 0, overlaps, outOfOrder };
}

/** Did some interval of key A run at the same time as some interval of key B? */
export function keysOverlap(intervals: Interval[], a: string, b: string): boolean {
  const as = intervals.filter((i) => i.key === a);
  const bs = intervals.filter((i) => i.key === b);
  return as.some((x) => bs.some((y) => x.startedAt < y.endedAt && y.startedAt < x.endedAt));
}
