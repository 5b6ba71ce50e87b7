// The versioning tour: why a deployment is immutable. A long invocation is in flight on the current deployment when
// the code changes; the change is served by a new worker registered as a new deployment (what `start --watch` does on
// every save), new calls run the new code, and the invocation in flight finishes on the code it started with. Then the
// wrong way: the same URI re-registered with `force` and different code under an invocation's journal, which Restate
// answers with a journal mismatch (570, RT0016) on every retry until the invocation is killed.
//
// The code change is an environment switch (PATTERNS_CODE_VARIANT, read by playgroundVersion when the worker loads),
// so the tour never edits a source file; the supervisor starts the worker with it, as it does for a --watch rebuild.
// The tour leaves the stack on a fresh deployment of the default code, and no invocation of its own running.
import { randomBytes } from "node:crypto";
import { check, type Check, type DemoContext, type DemoResult, type PatternEntry } from "../../tours/types.js";
import { pinnedDeployments } from "../../observe/deployments.js";
import { eventually, invocation, journal, type InvocationRow } from "../../observe/index.js";
import { control, type RunningStack } from "../../runtime/stack.js";
import { readState, type DeploymentState } from "../../runtime/state.js";
import { attach, calling, ingress } from "../../runtime/ingress.js";
import { versionServiceApi } from "../../services/system/api.js";
import type { ReloadOutcome } from "../../runtime/watch.js";
import { CODE_VARIANT_ENV, VERSION_SERVICE, VERSION_STEPS, type VersionResult } from "../../services/system/steps.js";
import { curlFor } from "../../ui/curl.js";
import { errorMessage } from "../../errors.js";

const HOLD_MS = 4000;

function deployments(stack: RunningStack): DeploymentState[] {
  return readState(stack.paths.stateFile)?.deployments ?? [];
}

function reload(stack: RunningStack, body: { env: Record<string, string>; inPlace?: boolean }): Promise<ReloadOutcome> {
  return control<ReloadOutcome>(stack.paths, "POST", "/reload", body, 60_000);
}

async function sendOrder(stack: RunningStack, holdMs: number, say: (l: string) => void): Promise<string> {
  const body = { holdMs };
  say(`  same with curl: ${curlFor({ url: `${stack.ingressUrl}/${VERSION_SERVICE}/order/send`, body })}`);
  return (await calling(`sending ${VERSION_SERVICE}/order`, () => ingress(stack.ingressUrl).serviceSendClient(versionServiceApi).order(body))).invocationId;
}

/** Wait for an invocation's result (attach), as the caller would get it. */
async function result(stack: RunningStack, id: string): Promise<VersionResult> {
  return calling(`attaching to ${id}`, () => attach<VersionResult>(stack.ingressUrl, id));
}

/** The deployment an invocation got pinned to (its first attempt picks one). */
function pinnedTo(stack: RunningStack, id: string, timeoutMs = 15_000): Promise<string> {
  return eventually(`${id} pinned to a deployment`, async () => (await pinnedDeployments(stack.admin, [id])).get(id)?.deployment, { timeoutMs });
}

async function runSteps(stack: RunningStack, id: string): Promise<string[]> {
  return (await journal(stack.admin, [id], { lite: true, entryType: "Command: Run" })).map((r) => r.name ?? "?");
}

/** The current deployment, running the default code (an interrupted earlier run is put back first). */
async function defaultDeployment(stack: RunningStack, say: (l: string) => void): Promise<DeploymentState> {
  let d0 = deployments(stack).find((d) => d.phase === "current");
  if (!d0) throw new Error("the supervisor reports no current deployment (a stack started before deployments were tracked: restart it)");
  if (d0.replacedInPlace || Object.keys(d0.env ?? {}).length > 0) {
    say(`the current deployment ${d0.id} does not run the default code (an earlier run was interrupted): deploying the default code first`);
    await reload(stack, { env: {} });
    d0 = deployments(stack).find((d) => d.phase === "current")!;
  }
  return d0;
}

/** The right way: new code as a new deployment while an invocation is in flight on the old one, which then drains. */
async function newDeployment(ctx: DemoContext, d0: DeploymentState, tag: string) {
  const { stack, say } = ctx;
  const checks: Check[] = [];
  // 1. an invocation in flight on the current deployment
  say(`send a long order (${HOLD_MS / 1000} s sleep between its steps) [${tag}]`);
  const a = await sendOrder(stack, HOLD_MS, say);
  const aPinned = await pinnedTo(stack, a);
  say(`${a} is running, pinned to ${aPinned}`);

  // 2. the code changes: v2 adds a first step. Served by a new worker, registered as a new deployment.
  say(
    `change the code: v2 adds a first step "${VERSION_STEPS.fraud}". The supervisor starts a worker with it on a fresh port and registers it as a NEW deployment (what start --watch does on every save)`,
  );
  const r1 = await reload(stack, { env: { [CODE_VARIANT_ENV]: "v2" } });
  say(`deployment ${r1.deployment} (127.0.0.1:${r1.port}) now takes new invocations; ${r1.previousInFlight ?? "?"} still run on ${r1.previous ?? "?"}`);

  // 3. a new call runs the new code, while the old invocation is still going
  say("call the order again, now");
  const b = await sendOrder(stack, 0, say);
  const bResult = await result(stack, b);
  const bPinned = (await pinnedDeployments(stack.admin, [b])).get(b)?.deployment;
  const aMidway = await invocation(stack.admin, a);
  say(`${b} answered by ${bResult.version} on ${bPinned ?? "?"}: ${bResult.steps.join(", ")}; meanwhile ${a} is ${aMidway?.status ?? "?"}`);

  // 4. the old invocation finishes on its own deployment with its own code
  const aResult = await result(stack, a);
  const aSteps = await runSteps(stack, a);
  const bSteps = await runSteps(stack, b);
  say(`${a} finished with ${aResult.version} on ${aPinned}: ${aResult.steps.join(", ")}`);
  checks.push(
    check("the invocation in flight stayed pinned to the deployment it started on", aPinned === d0.id, `${a} pinned to ${aPinned}, the deployment before the change was ${d0.id}`),
    check("the new call went to the new deployment", !!bPinned && bPinned === r1.deployment && bPinned !== d0.id, `${b} pinned to ${bPinned ?? "none"}, new deployment ${r1.deployment}`),
    check("the new call ran the new code (v2)", bResult.version === "v2" && bSteps[0] === VERSION_STEPS.fraud, `${b}: ${bResult.version}, journal steps ${bSteps.join(", ")}`),
    check(
      "the invocation in flight finished on the old code (v1), after the change",
      aResult.version === "v1" && !aSteps.includes(VERSION_STEPS.fraud) && aMidway?.status !== "completed",
      `${a}: ${aResult.version}, journal steps ${aSteps.join(", ")}; still ${aMidway?.status ?? "?"} when the new call had answered`,
    ),
  );

  // 5. nothing left on the old deployment: its worker stops, the deployment is removed
  say(`the supervisor stops ${d0.id}'s worker once nothing pinned to it is left`);
  const drained = await eventually(`${d0.id} drained`, () => deployments(stack).find((d) => d.id === d0.id && d.phase === "drained"), { timeoutMs: 30_000 }).catch(() => undefined);
  const stillListed = (await stack.admin.deployments()).some((d) => d.id === d0.id);
  checks.push(
    check(
      "the old deployment drained: its worker stopped and Restate no longer lists it",
      !!drained && !stillListed,
      drained ? `${d0.id} drained at ${drained.stoppedAt}${stillListed ? ", but still registered" : ", removed"}` : `${d0.id} not drained within 30 s`,
    ),
  );

  return { checks, a, b, r1 };
}

/** The wrong way: changed code under the same deployment id, under an invocation's journal. */
async function changedInPlace(ctx: DemoContext, r1: ReloadOutcome) {
  const { stack, say } = ctx;
  const checks: Check[] = [];
  // 6. the wrong way: changed code under the same deployment id
  say(`now the wrong way. Send another long order: it runs v2 on ${r1.deployment}`);
  const c = await sendOrder(stack, HOLD_MS, say);
  await pinnedTo(stack, c);
  await eventually(`${c} past its first step`, async () => ((await runSteps(stack, c)).length >= 2 ? true : undefined), { timeoutMs: 15_000 });
  say(`while it sleeps, restart the worker at the SAME URI with v1 code and re-register it with force: the deployment id stays ${r1.deployment}, the code under ${c}'s journal changes`);
  const r2 = await reload(stack, { env: { [CODE_VARIANT_ENV]: "v1" }, inPlace: true });
  let failed: InvocationRow | undefined;
  try {
    failed = await eventually(
      `${c} failing with a journal mismatch`,
      async () => {
        const row = await invocation(stack.admin, c);
        return row?.last_failure_error_code === "RT0016" || /journal mismatch/i.test(row?.last_failure ?? "") ? row : undefined;
      },
      { timeoutMs: 30_000 },
    );
    say(
      `${c} is ${failed.status} after ${failed.retry_count ?? "?"} attempts: ${(failed.last_failure ?? "")
        .split("\n")
        .filter((l) => /mismatch|Difference|!=/.test(l))
        .map((l) => l.trim())
        .join(" | ")}`,
    );
  } finally {
    // clean up whatever happened: no invocation of the tour may stay retrying (nor, on a keyed service, hold its key)
    await stack.admin.killInvocation(c).catch(() => {});
  }
  checks.push(
    check("re-registering the same URI kept the deployment id", r2.deployment === r1.deployment, `${r1.deployment} → ${r2.deployment}`),
    check(
      "the swapped code hit Restate's journal mismatch on replay (570, RT0016)",
      !!failed,
      failed
        ? `${c}: [${failed.last_failure_error_code}] ${(failed.last_failure ?? "").split("\n")[0]}; at ${failed.last_failure_related_command_type ?? "?"} "${failed.last_failure_related_command_name ?? "?"}"`
        : "no journal mismatch seen within 30 s",
    ),
  );
  const killed = await eventually(
    `${c} killed`,
    async () => {
      const row = await invocation(stack.admin, c);
      return row?.status === "completed" ? row : undefined;
    },
    { timeoutMs: 15_000 },
  ).catch(() => undefined);
  checks.push(
    check(
      "the broken invocation was killed (nothing of the tour keeps retrying)",
      !!killed,
      killed ? `${c}: ${killed.completion_failure ?? killed.completion_result}` : `${c} not completed within 15 s`,
    ),
  );

  return { checks, c };
}

async function scenario(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const tag = randomBytes(2).toString("hex");
  const d0 = await defaultDeployment(stack, say);
  say(`the worker serves deployment ${d0.id} (${d0.code}, ${d0.uri}); ${VERSION_SERVICE}/order runs v1 there: "${VERSION_STEPS.reserve}", a durable sleep, "${VERSION_STEPS.ship}"`);
  const right = await newDeployment(ctx, d0, tag);
  const { a, b, r1 } = right;
  const wrong = await changedInPlace(ctx, r1);
  const { c } = wrong;
  const checks = [...right.checks, ...wrong.checks];

  // 7. back to the default code, the right way: a new deployment; the in-place one drains
  say("put the default code back the right way: a new deployment; the one changed in place drains and is removed");
  const r3 = await reload(stack, { env: {} });
  const gone = await eventually(`${r1.deployment} drained`, () => deployments(stack).find((d) => d.id === r1.deployment && d.phase === "drained"), { timeoutMs: 30_000 }).catch(() => undefined);
  checks.push(
    check(
      "the stack serves a fresh deployment of the default code, nothing left on the others",
      !!gone,
      `current ${r3.deployment}; ${r1.deployment} ${gone ? "drained and removed" : "still draining after 30 s"}`,
    ),
  );
  return { checks, data: { keyInvocation: c, inFlight: a, newCall: b, swappedInPlace: c, deployments: { before: d0.id, after: r1.deployment, final: r3.deployment } } };
}

async function demo(ctx: DemoContext): Promise<DemoResult> {
  try {
    return await scenario(ctx);
  } catch (e) {
    return { checks: [check("the versioning scenario ran", false, errorMessage(e))] };
  }
}

/** Not a pattern of its own: a tour that joins the registry's entries (after them) for `list`, the menu and `tour`. */
export const versioningTour: PatternEntry = {
  name: "versioning",
  title: "Versioning: immutable deployments",
  category: "custom",
  summary: "the code changes while an invocation is in flight: new calls run the new deployment, the old one finishes on its own; swapped in place, the journal no longer matches",
  guarantee:
    "Restate pins every invocation to the deployment its first attempt ran on and sends every retry and every replay " +
    "there. New code is registered as a new deployment (a new URI); new invocations go to it, and the old deployment " +
    "keeps serving the invocations pinned to it until they finish, so a journal is only ever replayed by the code that " +
    "wrote it. Changing the code behind a registered URI breaks that: the replay takes other paths than the journal " +
    "records, and Restate stops the invocation with a journal mismatch (570) instead of guessing.",
  subscriptions: [],
  services: [VERSION_SERVICE],
  verbs: ["start --watch", "status", "doctor"],
  demo,
  tour: {
    look: [
      "`npx patterns status` lists the deployments: which one is current, what still runs on the older ones",
      "`npx patterns start --watch`: save a pattern's file and watch a new deployment take over while the old one drains",
    ],
  },
};
