// Pattern 7, stateful actors: `machineOperator/{id}` is a state machine (status UP/DOWN) whose transitions are
// exclusive handlers, so per machine they run one at a time in arrival order while machines run side by side.
// A transition is durable: its steps are journaled, the 5 s (time-scaled) move is a durable sleep, and an injected
// failure (`--fail-once`) or a worker crash (`--crash-after`) resumes from the journal. Driven by `patterns machine`.
import * as restate from "@restatedev/restate-sdk";
import { simLog } from "../lib/simulated.js";
import { scaled } from "../lib/time.js";
import { effect, effectCount } from "../simulations/effects.js";
import { validInput } from "../lib/schema.js";
import { MachineOptionsSchema, type MachineInput } from "./schema.js";
import { MACHINE_OPERATOR } from "./api.js";
import { MACHINE_RUN_STEPS, MACHINE_SYSTEM, MACHINE_TRANSITION_NOMINAL_MS, machineStep, type MachineAction, type MachineOptions, type MachineStatus } from "./model.js";

/** The bodies of a transition's two steps: plain functions (no Restate context), so `compare` runs the same code
 *  outside Restate. `invocationId` names the request in the ledger. */
export function beginTransition(id: string, to: MachineStatus, invocationId: string): void {
  effect(MACHINE_SYSTEM, `begin-${to}`, id, { invocationId });
  simLog(MACHINE_SYSTEM, `machine ${id}: ${to === "UP" ? "powering up" : "shutting down"}`);
}

export function completeTransition(id: string, to: MachineStatus, invocationId: string): void {
  effect(MACHINE_SYSTEM, to, id, { invocationId });
  simLog(MACHINE_SYSTEM, `machine ${id}: ${to}`);
}

async function transition(ctx: restate.ObjectContext, to: MachineStatus, opts: MachineOptions): Promise<void> {
  const id = ctx.key;
  const invocationId = String(ctx.request().id);
  const [begin, complete] = to === "UP" ? [MACHINE_RUN_STEPS.beginUp, MACHINE_RUN_STEPS.completeUp] : [MACHINE_RUN_STEPS.beginDown, MACHINE_RUN_STEPS.completeDown];
  ctx.console.info(`Beginning transition of ${id} to ${to}`);
  await ctx.run(begin, () => beginTransition(id, to, invocationId));
  // the injected failure hits after the first step is journaled: the retry replays that step instead of redoing it
  if (opts.failOnce && effectCount(MACHINE_SYSTEM, "injected-failure", invocationId) === 0) {
    effect(MACHINE_SYSTEM, "injected-failure", invocationId, { machine: id, to });
    simLog(MACHINE_SYSTEM, `machine ${id}: A failure happened! (injected by --fail-once; Restate retries the transition)`);
    throw new Error(`[SIMULATED ${MACHINE_SYSTEM}] A failure happened while moving ${id} to ${to} (injected once)`);
  }
  await ctx.sleep(scaled(MACHINE_TRANSITION_NOMINAL_MS), `moving to ${to}`);
  await ctx.run(complete, () => completeTransition(id, to, invocationId));
  ctx.console.info(`Done transitioning ${id} to ${to}`);
}

async function act(ctx: restate.ObjectContext, action: MachineAction, input: MachineInput): Promise<string> {
  const opts: MachineOptions = input?.failOnce ? { failOnce: true } : {};
  const status = await ctx.get<MachineStatus>("status");
  const next = machineStep(ctx.key, status, action);
  if (!next.transitioned) return next.message;
  await transition(ctx, next.status!, opts);
  ctx.set("status", next.status!);
  return next.message;
}

// the seed's curls send no body and no content type: accept any, and check what there is against the schema
const machineInput = { input: validInput(MachineOptionsSchema), accept: "*/*" } as const;

export const machineOperator = restate.object({
  name: MACHINE_OPERATOR,
  description: "A machine in the factory as a stateful actor: setUp / tearDown, one transition at a time per machine",
  handlers: {
    setUp: restate.handlers.object.exclusive(machineInput, (ctx: restate.ObjectContext, input: MachineInput) => act(ctx, "setUp", input)),
    tearDown: restate.handlers.object.exclusive(machineInput, (ctx: restate.ObjectContext, input: MachineInput) => act(ctx, "tearDown", input)),
    getStatus: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext) => ({ machine: ctx.key, status: (await ctx.get<MachineStatus>("status")) ?? null })),
  },
});
