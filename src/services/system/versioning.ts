// `playgroundVersion/order`: the versioning tour's handler. Its code has two versions, chosen when the worker loads by
// PATTERNS_CODE_VARIANT, so the tour can "change the code" without touching a source file: a worker started with v2
// runs different handler code, as if it had been edited and rebuilt.
//   v1: step "reserve stock", a durable sleep, step "ship"
//   v2: a new first step "check fraud", then the same
// On a new deployment, v2 only ever sees invocations that started on it. Swapped in place under an invocation that
// started on v1, v2 replays v1's journal and finds "reserve stock" where it now calls "check fraud": a journal mismatch.
import * as restate from "@restatedev/restate-sdk";
import { VERSION_SERVICE, VERSION_STEPS, type VersionInput, type VersionResult } from "./steps.js";

// Two more edits of v1, for `replay-check`: "v1-reworded" changes what the steps' bodies say (a compatible edit: a
// replay takes each step's result from the journal), "v1-swapped" swaps the two steps (incompatible: a journal written
// by v1 has "reserve stock" where the swapped code now runs "ship").
const requested = process.env.PATTERNS_CODE_VARIANT;
const edit = requested === "v1-reworded" || requested === "v1-swapped" ? requested : undefined;
const variant = requested === "v2" ? "v2" : "v1";

export const playgroundVersion = restate.service({
  name: VERSION_SERVICE,
  description: "Two versions of one handler, picked by the worker's PATTERNS_CODE_VARIANT (the versioning tour)",
  handlers: {
    order: async (ctx: restate.Context, input?: VersionInput): Promise<VersionResult> => {
      const holdMs = input?.holdMs ?? 0;
      if (typeof holdMs !== "number" || !Number.isFinite(holdMs) || holdMs < 0 || holdMs > 600_000) {
        throw new restate.TerminalError("holdMs is invalid: a number of milliseconds from 0 to 600000 is expected", { errorCode: 400 });
      }
      const steps: string[] = [];
      if (variant === "v2") steps.push(await ctx.run(VERSION_STEPS.fraud, () => `${VERSION_STEPS.fraud} by v2 in pid ${process.pid}`));
      const by = edit === "v1-reworded" ? `done by the reworded ${variant}, pid ${process.pid}` : `by ${variant} in pid ${process.pid}`;
      const [first, second] = edit === "v1-swapped" ? [VERSION_STEPS.ship, VERSION_STEPS.reserve] : [VERSION_STEPS.reserve, VERSION_STEPS.ship];
      steps.push(await ctx.run(first, () => `${first} ${by}`));
      await ctx.sleep(holdMs, VERSION_STEPS.wait);
      steps.push(await ctx.run(second, () => `${second} ${by}`));
      return { version: variant, steps, finishedBy: process.pid };
    },
  },
});
