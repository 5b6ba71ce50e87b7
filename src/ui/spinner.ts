// ora on stderr, silent for --json and non-terminals (then plain lines are printed instead, still on stderr).
// A terminal that reports 0 columns (or none: `script -qc`, some CI and container setups) gets the plain lines too:
// ora divides by the width to count the lines it must clear, and with 0 it loops forever without yielding (not even
// to a SIGTERM).
import ora, { type Ora } from "ora";
import { colorEnabled } from "./palette.js";
import { sym } from "./palette.js";

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
  const s: Ora = ora({ text, stream: process.stderr, color: "cyan", isEnabled: true }).start();
  if (!colorEnabled()) s.color = "white";
  return {
    succeed: (t) => s.stopAndPersist({ symbol: sym.ok, text: t ?? text }),
    fail: (t) => s.stopAndPersist({ symbol: sym.fail, text: t ?? text }),
    done: (t) => s.stopAndPersist({ symbol: sym.dot, text: t ?? text }),
    update: (t) => {
      s.text = t;
    },
  };
}
