// `patterns machine setup|teardown|show|storm`: the stateful actors pattern's verbs.
import { UsageError } from "../../errors.js";
import { MACHINE_RUN_STEP_NAMES, machineStepName } from "../../services/stateful-actors/model.js";
import { humanDuration } from "../../ui/output.js";
import { c } from "../../ui/palette.js";
import { verb, verbGroup, type Declaration } from "../verb.js";
import { machineAction, machineStatus, machineStorm, renderChecks, renderMachineAction, renderStorm, transitionTimes } from "./run.js";
import { checkKey } from "../lib/calls.js";
import { ingressPath } from "../../ui/curl.js";
import { MACHINE_OPERATOR } from "../../services/stateful-actors/api.js";

const stepList = (names: string[]) => names.map((n) => `"${n}"`).join(", ");
const crashAfterMachine = (action: "setUp" | "tearDown") => MACHINE_RUN_STEP_NAMES.filter((n) => n.endsWith(action === "setUp" ? "UP" : "DOWN"));

function machineActionVerb(name: "setup" | "teardown", action: "setUp" | "tearDown") {
  return verb<{ failOnce?: boolean; crashAfter?: string }, Awaited<ReturnType<typeof machineAction>>>({
    path: `machine ${name}`,
    summary: `${action}: ${action === "setUp" ? "bring the machine UP" : "take the machine DOWN"} (a durable, time-scaled 5 s transition)`,
    args: [{ name: "<id>", description: "machine id (the object key)" }],
    options: [
      { flags: "--fail-once", description: "inject one retryable failure in the middle of the transition (Restate retries; the done step is replayed)" },
      { flags: "--crash-after <step>", description: `SIGKILL the worker once, right after this step: ${stepList(crashAfterMachine(action))}`, suggest: crashAfterMachine(action) },
    ],
    examples: [
      `npx patterns machine ${name} my-machine`,
      `npx patterns machine ${name} my-machine --fail-once`,
      `npx patterns machine ${name} m1 --crash-after "begin transition to ${action === "setUp" ? "UP" : "DOWN"}" --json`,
    ],
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
      ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}${ingressPath(MACHINE_OPERATOR, id, "getStatus")}` });
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
];
