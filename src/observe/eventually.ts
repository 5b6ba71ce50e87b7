// The one way the playground waits for something: poll a check until it yields a value, or fail with an error that
// names what was awaited (and the last error seen), never a bare timeout.
import { PlaygroundError } from "../errors.js";
import { formatDuration } from "../lib/duration.js";

export class TimedOutError extends PlaygroundError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    lastError?: unknown,
  ) {
    super(
      `timed out after ${formatMs(timeoutMs)} waiting for ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})` : ""}`,
      "check the stack with `npx patterns status` and the invocations with `npx patterns invocations`; then try again",
    );
    this.name = "TimedOutError";
  }
}

function formatMs(ms: number): string {
  return formatDuration(ms);
}

/** The stack a wait depends on was stopped (from another terminal, or it died): waiting longer cannot help. */
export class StackGoneError extends PlaygroundError {
  constructor(why: string) {
    super(`the playground was stopped while waiting (${why})`, "start it again with `npx patterns start`, then run this again");
    this.name = "StackGoneError";
  }
}

let stackGone: (() => string | undefined) | undefined;
let lastLook = 0;

/**
 * What every wait checks between polls: a function that says why the stack is gone (undefined while it runs). The
 * verbs register it when they find the running stack, so a tour or a --wait ends at once when it is stopped.
 */
export function stopWaitingWhen(check: (() => string | undefined) | undefined): void {
  stackGone = check;
}

/**
 * Throws StackGoneError when the registered stack is gone (looked at most once a second: it reads a file); `now`
 * looks at once, for a caller that just saw a call fail and must tell a stopped stack from a failed scenario.
 */
export function throwIfStackGone(now = false): void {
  if (!stackGone || (!now && Date.now() - lastLook < 1000)) return;
  lastLook = Date.now();
  const why = stackGone();
  if (why) throw new StackGoneError(why);
}

export interface EventuallyOptions {
  timeoutMs?: number;
  everyMs?: number;
}

/** Poll `check` until it returns a truthy value; throws TimedOutError naming `what` after timeoutMs (default 30 s). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const everyMs = opts.everyMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = undefined;
    } catch (e) {
      // a check that throws a playground error with a fix (bad input, not running) will not get better by waiting
      if (e instanceof PlaygroundError && !(e instanceof TimedOutError) && e.exitCode === 2) throw e;
      last = e;
    }
    throwIfStackGone();
    if (Date.now() >= deadline) throw new TimedOutError(what, timeoutMs, last);
    await new Promise((r) => setTimeout(r, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
  }
}
