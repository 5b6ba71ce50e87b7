// The semantic palette: commands never use raw colours. Off with NO_COLOR, --json, --no-color, or a non-terminal.
import { Chalk, type ChalkInstance } from "chalk";

let chalk: ChalkInstance = new Chalk({ level: 0 });

export function configureColor(opts: { json?: boolean; color?: boolean; stream?: NodeJS.WriteStream }): void {
  const stream = opts.stream ?? process.stdout;
  const off = opts.json || opts.color === false || ("NO_COLOR" in process.env && process.env.NO_COLOR !== "") || !stream.isTTY;
  chalk = new Chalk({ level: off ? 0 : 2 });
}

export function colorEnabled(): boolean {
  return chalk.level > 0;
}

export const c = {
  ok: (s: string) => chalk.green(s),
  fail: (s: string) => chalk.red(s),
  warn: (s: string) => chalk.yellow(s),
  info: (s: string) => chalk.cyan(s),
  dim: (s: string) => chalk.dim(s),
  bold: (s: string) => chalk.bold(s),
  /** identifiers the user may copy: invocation ids, keys */
  id: (s: string) => chalk.magenta(s),
  /** commands the user may type */
  cmd: (s: string) => chalk.cyan(s),
};

export const sym = {
  get ok() {
    return c.ok("✓");
  },
  get fail() {
    return c.fail("✗");
  },
  get dot() {
    return c.info("•");
  },
  get warn() {
    return c.warn("!");
  },
  get arrow() {
    return c.dim("→");
  },
};
