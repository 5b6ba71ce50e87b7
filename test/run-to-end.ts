// For the tests that run a program other than through runCli (kcat, a copy of the project's CLI, npx, an old node):
// run it to its end with its output collected, killed at a deadline. The caller decides what a deadline reached
// means: a hang of the test (throw) or an outcome (a consumer that loops).
import { spawn } from "node:child_process";

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** killed at the deadline: it had not finished */
  timedOut: boolean;
}

export interface RunOptions {
  deadlineMs: number;
  cwd?: string;
  /** the whole environment of the child (default: this process's) */
  env?: NodeJS.ProcessEnv;
  /** written to its stdin, which is then closed; without it stdin is /dev/null */
  input?: string;
  /** keep no more of stderr than about this many characters (a program that loops on an error line) */
  stderrLimit?: number;
}

export function runToEnd(cmd: string, args: string[], opts: RunOptions): Promise<Ended> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr.length < (opts.stderrLimit ?? Infinity) ? (stderr += d) : undefined));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.deadlineMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, timedOut });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}
