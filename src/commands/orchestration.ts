// CLI verbs of the "orchestration" group (patterns 6–8): `saga book|show` (sagas), `machine setup|teardown|show|storm`
// (stateful actors), `payment make|cancel|show|storm` (payment state machine).
import { PlaygroundError, UsageError } from "../errors.js";
import {
  MACHINE_RUN_STEP_NAMES,
  MAX_RETRYABLE_FAILURES,
  PAYMENT_EXPIRY_MAX_MS,
  SAGA_RUN_STEPS,
  SAGA_RUN_STEP_NAMES,
  SAGA_STEPS,
  machineStepName,
  parseAmount,
  sagaStepName,
  InputError,
  type SagaStep,
} from "../services/orchestration/model.js";
import { humanDuration } from "../ui/output.js";
import { c } from "../ui/palette.js";
import { intOption, parseDuration } from "./common.js";
import { verb, verbGroup, type Declaration } from "./verb.js";
import { bookTrip, renderBooking, renderTrip, tripEffects, tripStatus } from "./orchestration/saga.js";
import { machineAction, machineStatus, machineStorm, renderChecks, renderMachineAction, renderStorm, transitionTimes } from "./orchestration/machine.js";
import { balanceOf, cancelPayment, makePayment, paymentStorm, paymentView, renderPaymentAction, renderPaymentStorm, renderPaymentView } from "./orchestration/payment.js";
import { checkKey, path } from "./orchestration/shared.js";

/** The ctx.run steps a booking reaches (only those can crash "after"), by the step that fails terminally. */
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

function amountOption(raw: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--amount must be a positive whole number of cents, got "${raw}"`, "for example --amount 100");
  try {
    return parseAmount(Number(raw));
  } catch (e) {
    throw new UsageError(`--amount ${e instanceof InputError ? e.message.replace(/^amount /, "") : "is invalid"}, got "${raw}"`, "for example --amount 100");
  }
}

function expireOption(raw: string): number {
  const v = parseDuration(raw, "--expire-after");
  if (v < 1000 || v > PAYMENT_EXPIRY_MAX_MS) throw new UsageError(`--expire-after must be between 1s and 24h, got "${raw}"`, "for example --expire-after 3s");
  return v;
}

const stepList = (names: string[]) => names.map((n) => `"${n}"`).join(", ");

const crashAfterMachine = (action: "setUp" | "tearDown") => MACHINE_RUN_STEP_NAMES.filter((n) => n.endsWith(action === "setUp" ? "UP" : "DOWN"));

function machineActionVerb(name: "setup" | "teardown", action: "setUp" | "tearDown") {
  return verb<{ failOnce?: boolean; crashAfter?: string }, Awaited<ReturnType<typeof machineAction>>>({
    path: `machine ${name}`,
    summary: `${action}: ${action === "setUp" ? "bring the machine UP" : "take the machine DOWN"} (a durable, time-scaled 5 s transition)`,
    args: [{ name: "<id>", description: "machine id (the object key)" }],
    options: [
      { flags: "--fail-once", description: "inject one retryable failure in the middle of the transition (Restate retries; the done step is replayed)" },
      { flags: "--crash-after <step>", description: `SIGKILL the worker once, right after this step: ${stepList(crashAfterMachine(action))}` },
    ],
    examples: [`npx patterns machine ${name} my-machine`, `npx patterns machine ${name} my-machine --fail-once`, `npx patterns machine ${name} m1 --crash-after "begin transition to ${action === "setUp" ? "UP" : "DOWN"}" --json`],
    async run(ctx, idArg: string) {
      const o = ctx.opts;
      const id = checkKey("machine id", idArg);
      let crashAfter: string | undefined;
      if (o.crashAfter !== undefined) {
        crashAfter = machineStepName(o.crashAfter);
        const mine = crashAfterMachine(action);
        if (!crashAfter || !mine.includes(crashAfter)) throw new UsageError(`--crash-after "${o.crashAfter}" is not a step of ${action}`, `use one of ${stepList(mine)}`);
      }
      const stack = ctx.stack();
      const t = transitionTimes(stack);
      const spin = ctx.spinner(`${action} ${id} (a transition waits ${humanDuration(t.scaledMs)}, nominal ${humanDuration(t.nominalMs)}; queued behind any transition already running on ${id})`);
      let r;
      try {
        r = await machineAction(stack, id, action, { failOnce: o.failOnce, crashAfter });
      } catch (e) {
        spin.fail();
        throw e;
      }
      spin.done();
      ctx.equivalent(r.calls);
      return r;
    },
    render: renderMachineAction,
  });
}

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
      { flags: "--fail <step>", description: `this step fails terminally, so the saga compensates: ${SAGA_STEPS.join(", ")}`, parse: sagaStepOption },
      { flags: "--retryable-failures <n>", description: "the retry step fails this many times with a retryable error first (retried, never compensated)", parse: intOption("--retryable-failures", 0, MAX_RETRYABLE_FAILURES) },
      { flags: "--retry-step <step>", description: `where the retryable failures hit: ${SAGA_STEPS.join(", ")}`, parse: retryStepOption, default: "payment" },
      { flags: "--crash-after <step>", description: `SIGKILL the worker once, right after this step is journaled: ${stepList(SAGA_RUN_STEP_NAMES)}` },
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
          throw new UsageError(`--crash-after "${crashAfter}": that step does not run in this scenario (${hint})`, crashAfter === SAGA_RUN_STEPS.refund || crashAfter === SAGA_RUN_STEPS.cancelCar ? "add --fail payment" : crashAfter === SAGA_RUN_STEPS.cancelFlight ? "add --fail car or --fail payment" : "drop --fail");
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
      ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}${path("BookingWorkflow", tripId, "getStatus")}` });
      return { ...trip, effects: tripEffects(stack, tripId) };
    },
    render: (t) => [`trip ${c.id(t.tripId)}  status ${t.status}`, ...renderTrip(t, t.effects)],
  }),

  verbGroup({
    path: "machine",
    group: "patterns",
    summary: "stateful actors: machineOperator/{id} moves UP/DOWN, one transition at a time per machine",
    examples: ["npx patterns machine setup my-machine", "npx patterns machine teardown my-machine --fail-once", "npx patterns machine storm", "npx patterns machine show my-machine --json"],
  }),
  machineActionVerb("setup", "setUp"),
  machineActionVerb("teardown", "tearDown"),
  verb({
    path: "machine show",
    summary: "the machine's status (UP, DOWN, or never set)",
    args: [{ name: "<id>", description: "machine id" }],
    examples: ["npx patterns machine show my-machine", "npx patterns machine show a --json"],
    async run(ctx, idArg: string) {
      const id = checkKey("machine id", idArg);
      const stack = ctx.stack();
      ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}${path("machineOperator", id, "getStatus")}` });
      return { machine: id, status: await machineStatus(stack, id) };
    },
    render: (m) => `machine ${c.id(m.machine)}  status ${m.status ?? c.dim("never set")}`,
  }),
  verb({
    path: "machine storm",
    summary: "the seed's five concurrent requests (a: setUp, tearDown; b: setUp, setUp, tearDown) on fresh machines, checked from Restate's invocation records",
    examples: ["npx patterns machine storm", "npx patterns machine storm --json"],
    async run(ctx) {
      const stack = ctx.stack();
      const spin = ctx.spinner("five requests on two machines, all at once");
      const r = await machineStorm(stack);
      const ok = r.checks.every((x) => x.ok);
      if (ok) spin.succeed("per machine one at a time, in order; machines in parallel");
      else spin.fail("the storm's checks failed: see the checks");
      ctx.equivalent(r.calls);
      return { ...r, passed: ok };
    },
    render: (r) => [...renderStorm(r), ...renderChecks(r.checks)],
    exitCode: (r) => (r.passed ? 0 : 1),
  }),

  verbGroup({
    path: "payment",
    group: "patterns",
    summary: "payment state machine: payments/{token} makes, cancels (refunds) and expires payments on accounts/{id}",
    examples: ["npx patterns payment make my-payment-id --account abc --amount 100", "npx patterns payment cancel my-payment-id", "npx patterns payment show my-payment-id", "npx patterns payment storm --json"],
  }),
  verb<{ account: string; amount: number; expireAfter?: number }, Awaited<ReturnType<typeof makePayment>>>({
    path: "payment make",
    summary: "makePayment: withdraw from the account once per token; the token expires after a (scaled) hour",
    args: [{ name: "<id>", description: "payment id / token (the payments key)" }],
    options: [
      { flags: "--account <id>", description: "account to charge (the accounts key)", default: "abc", parse: (v) => checkKey("--account", v) },
      { flags: "--amount <cents>", description: "amount in cents", default: 100, parse: amountOption },
      { flags: "--expire-after <duration>", description: "token lifetime, e.g. 3s (default: the seed's 1 h, time-scaled, at least 30 s)", parse: expireOption },
    ],
    examples: ["npx patterns payment make my-payment-id", "npx patterns payment make p1 --account abc --amount 250 --json", "npx patterns payment make p2 --expire-after 3s"],
    async run(ctx, idArg: string) {
      const o = ctx.opts;
      const id = checkKey("payment id", idArg);
      const r = await makePayment(ctx.stack(), id, { accountId: o.account, amount: o.amount, ...(o.expireAfter ? { expireAfterMs: o.expireAfter } : {}) });
      ctx.equivalent(r.calls);
      return r;
    },
    render: renderPaymentAction,
  }),
  verb({
    path: "payment cancel",
    summary: "cancelPayment: refund a completed payment, or block a payment that has not arrived yet",
    args: [{ name: "<id>", description: "payment id / token" }],
    examples: ["npx patterns payment cancel my-payment-id", "npx patterns payment cancel p1 --json"],
    async run(ctx, idArg: string) {
      const r = await cancelPayment(ctx.stack(), checkKey("payment id", idArg));
      ctx.equivalent(r.calls);
      return r;
    },
    render: renderPaymentAction,
  }),
  verb<{ account?: string }, Awaited<ReturnType<typeof paymentView>> & { account: { accountId: string; balance: number } | null }>({
    path: "payment show",
    summary: "the payment's state (status, payment, expiry) and its account's balance",
    args: [{ name: "<id>", description: "payment id / token" }],
    options: [{ flags: "--account <id>", description: "also show this account's balance (default: the payment's account)", parse: (v) => checkKey("--account", v) }],
    examples: ["npx patterns payment show my-payment-id", "npx patterns payment show p1 --account abc --json"],
    async run(ctx, idArg: string) {
      const id = checkKey("payment id", idArg);
      const stack = ctx.stack();
      const view = await paymentView(stack, id);
      const accountId = ctx.opts.account ?? view.payment?.accountId;
      ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}${path("payments", id, "getStatus")}` });
      return { ...view, account: accountId ? { accountId, balance: await balanceOf(stack, accountId) } : null };
    },
    render: (v) => renderPaymentView(v, v.account ?? undefined),
  }),
  verb<{ makes: number; cancels: number; amount: number; expireAfter?: number }, Awaited<ReturnType<typeof paymentStorm>> & { passed: boolean }>({
    path: "payment storm",
    summary: "many concurrent makes and cancels on one fresh token; checks the end state and the balance against a one-at-a-time replay",
    options: [
      { flags: "--makes <n>", description: "makePayment requests", parse: intOption("--makes", 1, 200), default: 12 },
      { flags: "--cancels <n>", description: "cancelPayment requests", parse: intOption("--cancels", 0, 200), default: 4 },
      { flags: "--amount <cents>", description: "amount of each payment in cents", default: 100, parse: amountOption },
      { flags: "--expire-after <duration>", description: "token lifetime, e.g. 1s to let expiries happen during the storm", parse: expireOption },
    ],
    examples: ["npx patterns payment storm", "npx patterns payment storm --makes 40 --cancels 10 --json", "npx patterns payment storm --expire-after 1s"],
    async run(ctx) {
      const o = ctx.opts;
      const spin = ctx.spinner(`${o.makes} makes and ${o.cancels} cancels on one payment token, all at once`);
      const r = await paymentStorm(ctx.stack(), { makes: o.makes, cancels: o.cancels, amount: o.amount, expireAfterMs: o.expireAfter });
      const ok = r.checks.every((x) => x.ok);
      if (ok) spin.succeed("consistent: linearized per token, balance agrees");
      else spin.fail("the storm's checks failed: see the checks");
      ctx.equivalent(r.calls);
      return { ...r, passed: ok };
    },
    render: renderPaymentStorm,
    exitCode: (r) => (r.passed ? 0 : 1),
  }),
];
