// Helpers every pattern's scenario shares: reading a state value or an invocation row, knowing whether the tour armed
// a crash at a step, and turning an exception into a failed check (a scenario reports, it does not throw).
import { check, type DemoContext, type DemoResult } from "./types.js";
import type { RunningStack } from "../runtime/stack.js";
import { invocation, stateRows, type InvocationRow } from "../observe/index.js";
import { errorMessage } from "../errors.js";

export async function stateValue(stack: RunningStack, service: string, key: string, name: string): Promise<string | undefined> {
  return (await stateRows(stack.admin, service, key, name))[0]?.value_utf8;
}

export function row(stack: RunningStack, id: string): Promise<InvocationRow | undefined> {
  return invocation(stack.admin, id);
}

/** The crash a tour armed for this run (tours pass it in the context), when it is at `step`. */
export function crashArmedAt(ctx: DemoContext, step: string): boolean {
  return (ctx as DemoContext & { crash?: { step: string } }).crash?.step === step;
}

/** Run a scenario; an exception becomes one failed check naming it. */
export async function guarded(name: string, fn: (ctx: DemoContext) => Promise<DemoResult>, ctx: DemoContext): Promise<DemoResult> {
  try {
    return await fn(ctx);
  } catch (e) {
    return { checks: [check(`the ${name} scenario ran`, false, errorMessage(e))] };
  }
}
