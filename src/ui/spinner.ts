// ora on stderr, silent for --json and non-terminals (then plain lines are printed instead, still on stderr).
// A terminal that reports 0 columns (or none: `script -qc`, some CI and container setups) gets the plain lines too:
// ora divides by the width to count the lines it must clear, and with 0 it loops forever without yielding (not even
// to a SIGTERM).
// While it spins, a line is never wider than the terminal: ora counts the lines to clear from the text plus a few
// columns of its own, so a text that fills (or wraps) the last columns makes it clear one line too many on every frame,
// erasing what was printed above. The animated text is cut to fit; the line it leaves behind is printed whole.
// ora itself is loaded only when a spinner animates (a terminal): piped and --json runs never pay for it.
import type { Ora } from "ora";
import { colorEnabled, sym } from "./palette.js";
import { cut, displayWidth, hanging } from "./text.js";

export interface Step {
  succeed(text?: string): void;
  fail(text?: string): void;
  /** stop with a neutral mark: something happened, neither a success nor a failure */
  done(text?: string): void;
  update(text: string): void;
}

/** May a spinner animate on this stream? Only on a terminal that reports a usable width. Pure. */
export function canAnimate(stream: { isTTY?: boolean; columns?: number }, json = false): boolean {
  const columns = stream.columns;
  return !!stream.isTTY && !json && typeof columns === "number" && Number.isFinite(columns) && columns > 0;
}

/** Columns ora adds around the text when it counts lines (frame, space, and its own margins): kept free. */
const ORA_MARGIN = 6;

/** The text a spinner may animate on a terminal of `columns`: one line that ora counts as one line. Pure. */
export function spinnerText(text: string, columns: number): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  return displayWidth(flat) + ORA_MARGIN <= columns ? flat : cut(flat, Math.max(10, columns - ORA_MARGIN));
}

export function spinner(text: string, opts: { json?: boolean; quiet?: boolean; plain?: boolean } = {}): Step {
  if (opts.quiet) return { succeed() {}, fail() {}, done() {}, update() {} };
  const interactive = !opts.plain && canAnimate(process.stderr, opts.json);
  if (!interactive) {
    return {
      succeed: (t) => process.stderr.write(`${sym.ok} ${t ?? text}\n`),
      fail: (t) => process.stderr.write(`${sym.fail} ${t ?? text}\n`),
      done: (t) => process.stderr.write(`${sym.dot} ${t ?? text}\n`),
      update: () => {},
    };
  }
  return animated(text);
}

function animated(initial: string): Step {
  const fit = (t: string) => spinnerText(t, process.stderr.columns || 80);
  let current = initial;
  let s: Ora | undefined;
  let finished = false;
  void import("ora").then(({ default: ora }) => {
    if (finished) return;
    // without colour (NO_COLOR, --no-color) the frame is plain: ora would paint it from its first frame on
    s = ora({ text: fit(current), stream: process.stderr, color: colorEnabled() ? "cyan" : false, isEnabled: true }).start();
  });
  const stop = (symbol: string, t?: string) => {
    finished = true;
    const line = t ?? current;
    if (s) {
      // clear the (one-line) frame, then print the whole line: it may wrap, nothing clears it again
      s.stop();
    }
    // wrapped at words, continuation lines under the text
    for (const l of hanging(`${symbol} `, line, process.stderr.columns || 80, 2)) process.stderr.write(`${l}\n`);
  };
  return {
    succeed: (t) => stop(sym.ok, t),
    fail: (t) => stop(sym.fail, t),
    done: (t) => stop(sym.dot, t),
    update: (t) => {
      current = t;
      if (s) s.text = fit(t);
    },
  };
}
