// `patterns promise await|resolve|reject|peek <name>`: durable promises.
import { UsageError } from "../../errors.js";
import { durationOption } from "../common.js";
import { humanDuration } from "../../ui/output.js";
import { c, sym } from "../../ui/palette.js";
import {
  awaitPromise,
  describeOutcome,
  parseJsonValue,
  peekPromise,
  promiseCall,
  rejectPromise,
  resolvePromise,
  validatePromiseName,
  type AwaitResult,
  type CompleteResult,
  type PeekResult,
} from "./run.js";
import { verb, verbGroup, type Declaration, type VerbContext } from "../verb.js";

// ---------------------------------------------------------------- durable promises

function renderComplete(r: CompleteResult): string[] {
  const asked = r.asked.error !== undefined ? `reject with ${JSON.stringify(r.asked.error)}` : `resolve with ${JSON.stringify(r.asked.value)}`;
  return r.won
    ? [`${sym.ok} promise ${c.id(r.name)} ${describeOutcome(r)}`]
    : [`${sym.warn} promise ${c.id(r.name)} was already completed: it stays ${describeOutcome(r)} ${c.dim(`(this call asked to ${asked}; the first completion wins)`)}`];
}

const PROMISE_NAME = { name: "<name>", description: "the promise's name" };

const promise = verbGroup({
  path: "promise",
  group: "patterns",
  summary: "durable promises: await in any process (across restarts), resolve or reject once — the first completion wins",
  examples: [
    "npx patterns promise await prom-1            # blocks until someone completes it",
    `npx patterns promise resolve prom-1 '{"name":"Barack","email":"b@whitehouse.gov"}'`,
    `npx patterns promise reject prom-2 "help!"`,
    "npx patterns promise peek prom-1 --json",
  ],
});

const promiseAwait = verb({
  path: "promise await",
  summary: "wait until the promise is resolved or rejected (survives restarts of Restate and the worker)",
  args: [PROMISE_NAME],
  options: [{ flags: "--timeout <duration>", description: "give up waiting after this long (the promise stays pending; await again later)", parse: durationOption("--timeout", { min: 1 }) }],
  examples: ["npx patterns promise await prom-1", "npx patterns promise await prom-1 --timeout 30s --json"],
  async run(ctx: VerbContext<{ timeout?: number }>, nameArg: string) {
    const o = ctx.opts;
    const name = validatePromiseName(nameArg);
    if (o.timeout !== undefined && o.timeout <= 0) throw new UsageError("--timeout must be longer than 0", "for example --timeout 30s");
    const stack = ctx.stack();
    const spin = ctx.spinner(`awaiting promise ${name}${o.timeout ? ` (up to ${humanDuration(o.timeout)})` : ""}…`);
    let r: AwaitResult;
    try {
      r = await awaitPromise(stack.ingressUrl, name, o.timeout);
    } catch (e) {
      spin.fail(`promise ${name} was not completed`);
      throw e;
    }
    if (r.state === "resolved") spin.succeed(`promise ${name} ${describeOutcome(r)} after ${humanDuration(r.waitedMs)}`);
    else spin.fail(`promise ${name} ${describeOutcome(r)}`);
    ctx.equivalent(promiseCall(stack.ingressUrl, "await", { promiseName: name }));
    return r;
  },
  render: (x) => (x.state === "resolved" ? JSON.stringify(x.value) : `${sym.fail} rejected: ${x.error}`),
  // a rejected promise is the awaited outcome, but a failed one: scripts see exit 1
  exitCode: (r) => (r.state === "rejected" ? 1 : 0),
});

const promiseResolve = verb({
  path: "promise resolve",
  summary: "complete the promise with a value; if it was already completed, you get the stored outcome",
  args: [PROMISE_NAME, { name: "<json>", description: "the value, as JSON (quote strings: '\"hello\"')" }],
  examples: [`npx patterns promise resolve prom-1 '{"name":"Barack"}'`, `npx patterns promise resolve prom-1 '"hello"' --json`],
  async run(ctx, nameArg: string, raw: string) {
    const name = validatePromiseName(nameArg);
    const value = parseJsonValue(raw);
    const stack = ctx.stack();
    const r = await resolvePromise(stack.ingressUrl, name, value);
    ctx.equivalent(promiseCall(stack.ingressUrl, "resolve", { promiseName: name, value }));
    return r;
  },
  render: renderComplete,
});

const promiseReject = verb({
  path: "promise reject",
  summary: "complete the promise with an error; if it was already completed, you get the stored outcome",
  args: [PROMISE_NAME, { name: "<message>", description: "the error message awaiters get" }],
  examples: [`npx patterns promise reject prom-2 "help!"`, `npx patterns promise reject prom-2 "no seats left" --json`],
  async run(ctx, nameArg: string, message: string) {
    const name = validatePromiseName(nameArg);
    if (message.trim() === "") throw new UsageError("the error message is empty", `give a reason, e.g. npx patterns promise reject ${name} "help!"`);
    const stack = ctx.stack();
    const r = await rejectPromise(stack.ingressUrl, name, message);
    ctx.equivalent(promiseCall(stack.ingressUrl, "reject", { promiseName: name, errorMessage: message }));
    return r;
  },
  render: renderComplete,
});

const promisePeek = verb({
  path: "promise peek",
  summary: "look at the promise without waiting: pending, resolved or rejected, and how many awaiters it has",
  args: [PROMISE_NAME],
  examples: ["npx patterns promise peek prom-1", "npx patterns promise peek prom-1 --json"],
  async run(ctx, nameArg: string) {
    const name = validatePromiseName(nameArg);
    const stack = ctx.stack();
    const r = await peekPromise(stack.ingressUrl, name);
    ctx.equivalent(promiseCall(stack.ingressUrl, "peek", { promiseName: name }));
    return r;
  },
  render: (x: PeekResult) => [
    `${c.bold("promise")}   ${c.id(x.name)}`,
    `state     ${x.state === "pending" ? c.warn("pending") : x.state === "resolved" ? c.ok("resolved") : c.fail("rejected")}`,
    ...(x.state === "resolved" ? [`value     ${JSON.stringify(x.value)}`] : x.state === "rejected" ? [`error     ${x.error}`] : []),
    ...(x.completedAt ? [`completed ${x.completedAt}`] : []),
    `awaiters  ${x.waiting} waiting, ${x.notified} notified`,
  ],
});

// ---------------------------------------------------------------- priority queue

export const declarations: Declaration[] = [promise, promiseAwait, promiseResolve, promiseReject, promisePeek];
