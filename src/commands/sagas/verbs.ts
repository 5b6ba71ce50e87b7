// `patterns saga book|show`: the saga pattern's verbs.
import { PlaygroundError, UsageError } from "../../errors.js";
import { MAX_RETRYABLE_FAILURES, SAGA_RUN_STEPS, SAGA_RUN_STEP_NAMES, SAGA_STEPS, sagaStepName, type SagaStep } from "../../services/sagas/model.js";
import { c } from "../../ui/palette.js";
import { intOption } from "../common.js";
import { verb, verbGroup, type Declaration } from "../verb.js";
import { bookTrip, renderBooking, renderTrip, tripEffects, tripStatus } from "./run.js";
import { checkKey } from "../lib/calls.js";
import { ingressPath } from "../../ui/curl.js";
import { BOOKING_WORKFLOW } from "../../services/sagas/api.js";

export function sagaStepsReached(fail: SagaStep | undefined): string[] {
  const s = SAGA_RUN_STEPS;
  switch (fail) {
    case undefined:
      return [s.reserveFlight, s.reserveCar, s.charge, s.confirmFlight, s.confirmCar];
    case "flight":
      return [];
    case "car":
      return [s.reserveFlight, s.cancelFlight];
    case "payment":
      return [s.reserveFlight, s.reserveCar, s.refund, s.cancelCar, s.cancelFlight];
  }
}

function sagaStepOption(raw: string): SagaStep {
  if (!SAGA_STEPS.includes(raw as SagaStep)) throw new UsageError(`--fail must be one of ${SAGA_STEPS.join(", ")}, got "${raw}"`, "for example --fail payment");
  return raw as SagaStep;
}

function retryStepOption(raw: string): SagaStep {
  if (!SAGA_STEPS.includes(raw as SagaStep)) throw new UsageError(`--retry-step must be one of ${SAGA_STEPS.join(", ")}, got "${raw}"`, "for example --retry-step car");
  return raw as SagaStep;
}

const stepList = (names: string[]) => names.map((n) => `"${n}"`).join(", ");

export const declarations: Declaration[] = [
  verbGroup({
    path: "saga",
    group: "patterns",
    summary: "sagas: book a trip (flight, car, payment); on a terminal failure the done steps are undone in reverse order",
    examples: ["npx patterns saga book", "npx patterns saga book --fail payment", 'npx patterns saga book --fail payment --crash-after "Cancel car"', "npx patterns saga show trip-abc123 --json"],
  }),
  verb<{ trip?: string; fail?: SagaStep; retryableFailures?: number; retryStep: SagaStep; crashAfter?: string; chaos?: boolean }, Awaited<ReturnType<typeof bookTrip>>>({
    path: "saga book",
    summary: "run BookingWorkflow/{trip}/run with the seed's payload and show its steps and compensations",
    options: [
      { flags: "--trip <id>", description: "trip id (the workflow key; a workflow runs once per key)", parse: (v) => checkKey("--trip", v) },
      { flags: "--fail <step>", description: `this step fails terminally, so the saga compensates: ${SAGA_STEPS.join(", ")}`, parse: sagaStepOption, suggest: SAGA_STEPS },
      {
        flags: "--retryable-failures <n>",
        description: "the retry step fails this many times with a retryable error first (retried, never compensated)",
        parse: intOption("--retryable-failures", 0, MAX_RETRYABLE_FAILURES),
      },
      { flags: "--retry-step <step>", description: `where the retryable failures hit: ${SAGA_STEPS.join(", ")}`, parse: retryStepOption, default: "payment", suggest: SAGA_STEPS },
      { flags: "--crash-after <step>", description: `SIGKILL the worker once, right after this step is journaled: ${stepList(SAGA_RUN_STEP_NAMES)}`, suggest: SAGA_RUN_STEP_NAMES },
      { flags: "--chaos", description: "let the workflow pick the failure and the retryable failures at random" },
    ],
    examples: [
      "npx patterns saga book",
      "npx patterns saga book --fail car",
      "npx patterns saga book --fail payment --json",
      "npx patterns saga book --retryable-failures 3",
      'npx patterns saga book --crash-after "Reserve car"',
      'npx patterns saga book --fail payment --crash-after "Refund payment"',
    ],
    async run(ctx) {
      const o = ctx.opts;
      if (o.chaos && o.fail) throw new UsageError("--chaos and --fail do not go together: with --chaos the workflow picks the failure", "drop one of them");
      let crashAfter: string | undefined;
      if (o.crashAfter !== undefined) {
        crashAfter = sagaStepName(o.crashAfter);
        if (!crashAfter) throw new UsageError(`--crash-after "${o.crashAfter}" is not a step of the saga`, `use one of ${stepList(SAGA_RUN_STEP_NAMES)}`);
        const reached = sagaStepsReached(o.fail);
        if (!o.chaos && !reached.includes(crashAfter)) {
          const hint = reached.length ? `with ${o.fail ? `--fail ${o.fail}` : "no --fail"} the saga runs ${stepList(reached)}` : "with --fail flight no step succeeds";
          throw new UsageError(
            `--crash-after "${crashAfter}": that step does not run in this scenario (${hint})`,
            crashAfter === SAGA_RUN_STEPS.refund || crashAfter === SAGA_RUN_STEPS.cancelCar
              ? "add --fail payment"
              : crashAfter === SAGA_RUN_STEPS.cancelFlight
                ? "add --fail car or --fail payment"
                : "drop --fail",
          );
        }
      }
      const stack = ctx.stack();
      const spin = ctx.spinner(`booking a trip${o.fail ? ` (the ${o.fail} step will fail)` : ""}${crashAfter ? `; the worker is killed after "${crashAfter}"` : ""}`);
      let r;
      try {
        r = await bookTrip(stack, { tripId: o.trip, fail: o.fail, retryableFailures: o.retryableFailures, retryStep: o.retryStep, crashAfter, chaos: o.chaos });
      } catch (e) {
        spin.fail();
        throw e;
      }
      if (r.outcome === "booked") spin.succeed(`trip ${r.tripId} booked`);
      else if (r.outcome === "rolled-back") spin.succeed(`trip ${r.tripId} rolled back`);
      else spin.fail(`the booking of ${r.tripId} failed without a rollback (HTTP ${r.httpStatus}): ${r.error ?? ""}; look at \`npx patterns logs worker\``);
      ctx.equivalent(r.calls);
      return r;
    },
    render: renderBooking,
    exitCode: (r) => (r.outcome === "failed" ? 1 : 0),
  }),
  verb({
    path: "saga show",
    summary: "what a booking did: status, steps, compensations (BookingWorkflow/{trip}/getStatus)",
    args: [{ name: "<trip>", description: "trip id" }],
    examples: ["npx patterns saga show trip123", "npx patterns saga show trip123 --json"],
    async run(ctx, tripArg: string) {
      const tripId = checkKey("trip", tripArg);
      const stack = ctx.stack();
      const trip = await tripStatus(stack, tripId);
      if (trip.status === null) throw new PlaygroundError(`no booking with trip id ${tripId}`, "book one with `npx patterns saga book --trip " + tripId + "`");
      ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}${ingressPath(BOOKING_WORKFLOW, tripId, "getStatus")}` });
      return { ...trip, effects: tripEffects(stack, tripId) };
    },
    render: (t) => [`trip ${c.id(t.tripId)}  status ${t.status}`, ...renderTrip(t, t.effects)],
  }),
];
