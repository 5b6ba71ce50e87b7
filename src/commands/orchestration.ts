// CLI verbs of the "orchestration" group (patterns 6–8): `saga book|show` (sagas), `machine setup|teardown|show|storm`
// (stateful actors), `payment make|cancel|show|storm` (payment state machine).
import { Option, type Command } from "commander";
import { PlaygroundError, UsageError } from "../errors.js";
import { requireStack } from "../runtime/stack.js";
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
import { emit, humanDuration } from "../ui/output.js";
import { c } from "../ui/palette.js";
import { spinner } from "../ui/spinner.js";
import { examples, globals, intOption, parseDuration } from "./common.js";
import { printEquivalent } from "./lib/curl.js";
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

function registerSaga(program: Command): void {
  const saga = program
    .command("saga")
    .description("sagas: book a trip (flight, car, payment); on a terminal failure the done steps are undone in reverse order")
    .addHelpText("after", examples("npx patterns saga book", "npx patterns saga book --fail payment", 'npx patterns saga book --fail payment --crash-after "Cancel car"', "npx patterns saga show trip-abc123 --json"));

  saga
    .command("book")
    .description("run BookingWorkflow/{trip}/run with the seed's payload and show its steps and compensations")
    .option("--trip <id>", "trip id (the workflow key; a workflow runs once per key)", (v) => checkKey("--trip", v))
    .option("--fail <step>", `this step fails terminally, so the saga compensates: ${SAGA_STEPS.join(", ")}`, sagaStepOption)
    .option("--retryable-failures <n>", "the retry step fails this many times with a retryable error first (retried, never compensated)", intOption("--retryable-failures", 0, MAX_RETRYABLE_FAILURES))
    .option("--retry-step <step>", `where the retryable failures hit: ${SAGA_STEPS.join(", ")}`, retryStepOption, "payment")
    .option("--crash-after <step>", `SIGKILL the worker once, right after this step is journaled: ${stepList(SAGA_RUN_STEP_NAMES)}`)
    .option("--chaos", "let the workflow pick the failure and the retryable failures at random")
    .addHelpText(
      "after",
      examples(
        "npx patterns saga book",
        "npx patterns saga book --fail car",
        "npx patterns saga book --fail payment --json",
        "npx patterns saga book --retryable-failures 3",
        'npx patterns saga book --crash-after "Reserve car"',
        'npx patterns saga book --fail payment --crash-after "Refund payment"',
      ),
    )
    .action(async (_o, command: Command) => {
      const o = globals<{ trip?: string; fail?: SagaStep; retryableFailures?: number; retryStep: SagaStep; crashAfter?: string; chaos?: boolean }>(command);
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
      const stack = requireStack(o.stateDir);
      const spin = spinner(`booking a trip${o.fail ? ` (the ${o.fail} step will fail)` : ""}${crashAfter ? `; the worker is killed after "${crashAfter}"` : ""}`, { json: o.json });
      let r;
      try {
        r = await bookTrip(stack, { tripId: o.trip, fail: o.fail, retryableFailures: o.retryableFailures, retryStep: o.retryStep, crashAfter, chaos: o.chaos });
      } catch (e) {
        spin.fail();
        throw e;
      }
      if (r.outcome === "booked") spin.succeed(`trip ${r.tripId} booked`);
      else if (r.outcome === "rolled-back") spin.succeed(`trip ${r.tripId} rolled back`);
      else spin.done();
      emit(o, r, renderBooking);
      printEquivalent(r.calls, o);
      if (r.outcome === "failed") throw new PlaygroundError(`the booking of ${r.tripId} failed without a rollback (HTTP ${r.httpStatus}): ${r.error ?? ""}`, "look at `npx patterns logs worker`");
    });

  saga
    .command("show")
    .argument("<trip>", "trip id")
    .description("what a booking did: status, steps, compensations (BookingWorkflow/{trip}/getStatus)")
    .addHelpText("after", examples("npx patterns saga show trip123", "npx patterns saga show trip123 --json"))
    .action(async (tripArg: string, _o, command: Command) => {
      const o = globals(command);
      const tripId = checkKey("trip", tripArg);
      const stack = requireStack(o.stateDir);
      const trip = await tripStatus(stack, tripId);
      if (trip.status === null) throw new PlaygroundError(`no booking with trip id ${tripId}`, "book one with `npx patterns saga book --trip " + tripId + "`");
      const effects = tripEffects(stack, tripId);
      emit(o, { ...trip, effects }, () => [`trip ${c.id(tripId)}  status ${trip.status}`, ...renderTrip(trip, effects)]);
      printEquivalent({ method: "POST", url: `${stack.ingressUrl}${path("BookingWorkflow", tripId, "getStatus")}` }, o);
    });
}

function registerMachine(program: Command): void {
  const machine = program
    .command("machine")
    .description("stateful actors: machineOperator/{id} moves UP/DOWN, one transition at a time per machine")
    .addHelpText("after", examples("npx patterns machine setup my-machine", "npx patterns machine teardown my-machine --fail-once", "npx patterns machine storm", "npx patterns machine show my-machine --json"));

  for (const [verb, action] of [
    ["setup", "setUp"],
    ["teardown", "tearDown"],
  ] as const) {
    machine
      .command(verb)
      .argument("<id>", "machine id (the object key)")
      .description(`${action}: ${action === "setUp" ? "bring the machine UP" : "take the machine DOWN"} (a durable, time-scaled 5 s transition)`)
      .option("--fail-once", "inject one retryable failure in the middle of the transition (Restate retries; the done step is replayed)")
      .option("--crash-after <step>", `SIGKILL the worker once, right after this step: ${stepList(MACHINE_RUN_STEP_NAMES.filter((n) => n.endsWith(action === "setUp" ? "UP" : "DOWN")))}`)
      .addHelpText("after", examples(`npx patterns machine ${verb} my-machine`, `npx patterns machine ${verb} my-machine --fail-once`, `npx patterns machine ${verb} m1 --crash-after "begin transition to ${action === "setUp" ? "UP" : "DOWN"}" --json`))
      .action(async (idArg: string, _o, command: Command) => {
        const o = globals<{ failOnce?: boolean; crashAfter?: string }>(command);
        const id = checkKey("machine id", idArg);
        let crashAfter: string | undefined;
        if (o.crashAfter !== undefined) {
          crashAfter = machineStepName(o.crashAfter);
          const mine = MACHINE_RUN_STEP_NAMES.filter((n) => n.endsWith(action === "setUp" ? "UP" : "DOWN"));
          if (!crashAfter || !mine.includes(crashAfter)) throw new UsageError(`--crash-after "${o.crashAfter}" is not a step of ${action}`, `use one of ${stepList(mine)}`);
        }
        const stack = requireStack(o.stateDir);
        const t = transitionTimes(stack);
        const spin = spinner(`${action} ${id} (a transition waits ${humanDuration(t.scaledMs)}, nominal ${humanDuration(t.nominalMs)}; queued behind any transition already running on ${id})`, { json: o.json });
        let r;
        try {
          r = await machineAction(stack, id, action, { failOnce: o.failOnce, crashAfter });
        } catch (e) {
          spin.fail();
          throw e;
        }
        spin.done();
        emit(o, r, renderMachineAction);
        printEquivalent(r.calls, o);
      });
  }

  machine
    .command("show")
    .argument("<id>", "machine id")
    .description("the machine's status (UP, DOWN, or never set)")
    .addHelpText("after", examples("npx patterns machine show my-machine", "npx patterns machine show a --json"))
    .action(async (idArg: string, _o, command: Command) => {
      const o = globals(command);
      const id = checkKey("machine id", idArg);
      const stack = requireStack(o.stateDir);
      const status = await machineStatus(stack, id);
      emit(o, { machine: id, status }, () => `machine ${c.id(id)}  status ${status ?? c.dim("never set")}`);
      printEquivalent({ method: "POST", url: `${stack.ingressUrl}${path("machineOperator", id, "getStatus")}` }, o);
    });

  machine
    .command("storm")
    .description("the seed's five concurrent requests (a: setUp, tearDown; b: setUp, setUp, tearDown) on fresh machines, checked from Restate's invocation records")
    .addHelpText("after", examples("npx patterns machine storm", "npx patterns machine storm --json"))
    .action(async (_o, command: Command) => {
      const o = globals(command);
      const stack = requireStack(o.stateDir);
      const spin = spinner("five requests on two machines, all at once", { json: o.json });
      const r = await machineStorm(stack);
      const ok = r.checks.every((x) => x.ok);
      if (ok) spin.succeed("per machine one at a time, in order; machines in parallel");
      else spin.fail();
      emit(o, { ...r, passed: ok }, () => [...renderStorm(r), ...renderChecks(r.checks)]);
      printEquivalent(r.calls, o);
      if (!ok) throw new PlaygroundError("the storm's checks failed", "see the checks above");
    });
}

function registerPayment(program: Command): void {
  const payment = program
    .command("payment")
    .description("payment state machine: payments/{token} makes, cancels (refunds) and expires payments on accounts/{id}")
    .addHelpText("after", examples("npx patterns payment make my-payment-id --account abc --amount 100", "npx patterns payment cancel my-payment-id", "npx patterns payment show my-payment-id", "npx patterns payment storm --json"));

  payment
    .command("make")
    .argument("<id>", "payment id / token (the payments key)")
    .description("makePayment: withdraw from the account once per token; the token expires after a (scaled) hour")
    .addOption(new Option("--account <id>", "account to charge (the accounts key)").default("abc").argParser((v) => checkKey("--account", v)))
    .addOption(new Option("--amount <cents>", "amount in cents").default(100).argParser(amountOption))
    .option("--expire-after <duration>", "token lifetime, e.g. 3s (default: the seed's 1 h, time-scaled, at least 30 s)", expireOption)
    .addHelpText("after", examples("npx patterns payment make my-payment-id", "npx patterns payment make p1 --account abc --amount 250 --json", "npx patterns payment make p2 --expire-after 3s"))
    .action(async (idArg: string, _o, command: Command) => {
      const o = globals<{ account: string; amount: number; expireAfter?: number }>(command);
      const id = checkKey("payment id", idArg);
      const stack = requireStack(o.stateDir);
      const r = await makePayment(stack, id, { accountId: o.account, amount: o.amount, ...(o.expireAfter ? { expireAfterMs: o.expireAfter } : {}) });
      emit(o, r, renderPaymentAction);
      printEquivalent(r.calls, o);
    });

  payment
    .command("cancel")
    .argument("<id>", "payment id / token")
    .description("cancelPayment: refund a completed payment, or block a payment that has not arrived yet")
    .addHelpText("after", examples("npx patterns payment cancel my-payment-id", "npx patterns payment cancel p1 --json"))
    .action(async (idArg: string, _o, command: Command) => {
      const o = globals(command);
      const id = checkKey("payment id", idArg);
      const stack = requireStack(o.stateDir);
      const r = await cancelPayment(stack, id);
      emit(o, r, renderPaymentAction);
      printEquivalent(r.calls, o);
    });

  payment
    .command("show")
    .argument("<id>", "payment id / token")
    .description("the payment's state (status, payment, expiry) and its account's balance")
    .option("--account <id>", "also show this account's balance (default: the payment's account)", (v) => checkKey("--account", v))
    .addHelpText("after", examples("npx patterns payment show my-payment-id", "npx patterns payment show p1 --account abc --json"))
    .action(async (idArg: string, _o, command: Command) => {
      const o = globals<{ account?: string }>(command);
      const id = checkKey("payment id", idArg);
      const stack = requireStack(o.stateDir);
      const view = await paymentView(stack, id);
      const accountId = o.account ?? view.payment?.accountId;
      const account = accountId ? { accountId, balance: await balanceOf(stack, accountId) } : undefined;
      emit(o, { ...view, account: account ?? null }, () => renderPaymentView(view, account));
      printEquivalent({ method: "POST", url: `${stack.ingressUrl}${path("payments", id, "getStatus")}` }, o);
    });

  payment
    .command("storm")
    .description("many concurrent makes and cancels on one fresh token; checks the end state and the balance against a one-at-a-time replay")
    .option("--makes <n>", "makePayment requests", intOption("--makes", 1, 200), 12)
    .option("--cancels <n>", "cancelPayment requests", intOption("--cancels", 0, 200), 4)
    .addOption(new Option("--amount <cents>", "amount of each payment in cents").default(100).argParser(amountOption))
    .option("--expire-after <duration>", "token lifetime, e.g. 1s to let expiries happen during the storm", expireOption)
    .addHelpText("after", examples("npx patterns payment storm", "npx patterns payment storm --makes 40 --cancels 10 --json", "npx patterns payment storm --expire-after 1s"))
    .action(async (_o, command: Command) => {
      const o = globals<{ makes: number; cancels: number; amount: number; expireAfter?: number }>(command);
      const stack = requireStack(o.stateDir);
      const spin = spinner(`${o.makes} makes and ${o.cancels} cancels on one payment token, all at once`, { json: o.json });
      const r = await paymentStorm(stack, { makes: o.makes, cancels: o.cancels, amount: o.amount, expireAfterMs: o.expireAfter });
      const ok = r.checks.every((x) => x.ok);
      if (ok) spin.succeed("consistent: linearized per token, balance agrees");
      else spin.fail();
      emit(o, { ...r, passed: ok }, renderPaymentStorm);
      printEquivalent(r.calls, o);
      if (!ok) throw new PlaygroundError("the storm's checks failed", "see the checks above");
    });
}

export function register(program: Command): void {
  registerSaga(program);
  registerMachine(program);
  registerPayment(program);
}
