// ora on stderr, silent for --json and non-terminals (then plain lines are printed instead, still on stderr).
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

export function spinner(text: string, opts: { json?: boolean; quiet?: boolean } = {}): Step {
  if (opts.quiet) return { succeed() {}, fail() {}, done() {}, update() {} };
  const interactive = process.stderr.isTTY && !opts.json;
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
