// The durable-promises scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { eventually, invocations } from "../../observe/index.js";
import { journalChecks, waitedOnAwakeable } from "../../tours/claims.js";
import type { RunningStack } from "../../runtime/stack.js";
import { durablePromise } from "./handle.js";
import { resolvePromise, rejectPromise, type AwaitResult } from "./run.js";
import { humanDuration } from "../../ui/output.js";
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";

const suffix = () => randomBytes(3).toString("hex");
const cliPath = fileURLToPath(new URL("../../../bin/patterns.js", import.meta.url));

/** `patterns promise await <name> --json` in a separate process, as a user in another terminal would run it. */
function awaiterProcess(stack: RunningStack, name: string): Promise<AwaitResult & { exitCode: number; childPid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, "promise", "await", name, "--json", "--timeout", "180s", "--state-dir", stack.paths.root], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      try {
        resolve({ ...(JSON.parse(out) as AwaitResult), exitCode: code ?? 1, childPid: child.pid ?? -1 });
      } catch {
        reject(new Error(`awaiter process exited ${code} without a JSON answer: ${err.trim().split("\n").at(-1) ?? ""}`));
      }
    });
  });
}

function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  return eventually(what, fn, { timeoutMs, everyMs: 250 });
}

export async function demo(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const name = `prom-${suffix()}`;
  const value = { winner: "first", token: suffix() };
  const handle = durablePromise<typeof value>(name, stack.ingressUrl);
  say(`promise ${name}: two awaiter processes start before it is resolved`);
  const before = [awaiterProcess(stack, name), awaiterProcess(stack, name)];
  const registered = await until("two awaiters to register", async () => {
    const i = await handle.info();
    return i.waiting >= 2 ? i : undefined;
  });
  const resolvedAt = Date.now();
  const first = await resolvePromise(stack.ingressUrl, name, value);
  const second = await resolvePromise(stack.ingressUrl, name, { winner: "second" });
  const rejected = await rejectPromise(stack.ingressUrl, name, "too late");
  say(`resolved with ${JSON.stringify(value)}; a second resolve and a reject got ${JSON.stringify(second.value)} and ${JSON.stringify(rejected.value)}`);
  say("one more awaiter process starts after the resolution");
  const after = awaiterProcess(stack, name);
  const results = await Promise.all([...before, after]);
  const info = await handle.info();
  const same = (v: unknown) => JSON.stringify(v) === JSON.stringify(value);
  const pids = new Set(results.map((r) => r.pid));
  // the awaiters are durablePromiseServer/await invocations; each registered through a call to the promise's object
  const registrations = await invocations(stack.admin, { service: "durablePromises", key: name, handler: "await", order: "oldest" });
  const waiter = registrations.find((r) => Date.parse(r.created_at) < resolvedAt)?.invoked_by_id;
  const waited = waitedOnAwakeable(waiter, "an awaiter started before the resolve was suspended on its awakeable until the resolve, then got the value", { minMs: 50, valueIncludes: value.token });
  say(`  journal: ${waited.says}`);
  const checks: Check[] = [
    check("the awaiters started before were registered with the promise", registered.waiting >= 2 && registered.state === "pending", `${registered.waiting} waiting while pending`),
    check("the first resolve won", first.won && same(first.value), `stored ${JSON.stringify(first.value)}`),
    check(
      "a later resolve and a reject get the stored value",
      same(second.value) && !second.won && rejected.state === "resolved" && same(rejected.value),
      `second resolve → ${JSON.stringify(second.value)}, reject → ${JSON.stringify(rejected.value)}`,
    ),
    check(
      "every awaiter, before and after, got the same value",
      results.length === 3 && results.every((r) => r.state === "resolved" && same(r.value) && r.exitCode === 0),
      results.map((r) => `pid ${r.pid}: ${JSON.stringify(r.value)} after ${humanDuration(r.waitedMs)}`).join("; "),
    ),
    check("the awaiters were three different processes", pids.size === 3 && !pids.has(process.pid), [...pids].join(", ")),
    check(
      "the object counted three awaiters notified, none left waiting",
      info.notified === 3 && info.waiting === 0 && info.state === "resolved",
      `notified ${info.notified}, waiting ${info.waiting}`,
    ),
    ...(await journalChecks(stack, [waited])),
  ];
  return { checks, data: { name, value, keyInvocation: waiter, awaiters: results.map((r) => ({ pid: r.pid, value: r.value, waitedMs: r.waitedMs })) } };
}
