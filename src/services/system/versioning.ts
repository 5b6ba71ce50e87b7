// `playgroundVersion/order`: the versioning tour's handler. Its code has two versions, chosen when the worker loads by
// PATTERNS_CODE_VARIANT, so the tour can "change the code" without touching a source file: a worker started with v2
// runs different handler code, as if it had been edited and rebuilt.
//   v1: step "reserve stock", a durable sleep, step "ship"
//   v2: a new first step "check fraud", then the same
// On a new deployment, v2 only ever sees invocations that started on it. Swapped in place under an invocation that
// started on v1, v2 replays v1's journal and finds "reserve stock" where it now calls "check fraud": a journal mismatch.
import * as restate from "@restatedev/restate-sdk";
import { VERSION_SERVICE, VERSION_STEPS, type VersionInput, type VersionResult } from "./steps.js";

const variant = process.env.PATTERNS_CODE_VARIANT === "v2" ? "v2" : "v1";

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
      steps.push(await ctx.run(VERSION_STEPS.reserve, () => `${VERSION_STEPS.reserve} by ${variant} in pid ${process.pid}`));
      await ctx.sleep(holdMs, VERSION_STEPS.wait);
      steps.push(await ctx.run(VERSION_STEPS.ship, () => `${VERSION_STEPS.ship} by ${variant} in pid ${process.pid}`));
      return { version: variant, steps, finishedBy: process.pid };
    },
  },
});
