// The files of the state dir the worker itself writes or reads: its step log, the one-shot crash arm and a test hook. Shared by
// the CLI's state-dir layout (src/runtime/paths.ts) and the worker's entry, which must not load the runtime.
import path from "node:path";

export interface WorkerFiles {
  /** one JSON line per ctx.run step the worker ran (src/services/lib/steplog.ts) */
  stepLog: string;
  /** the crash armed at a named step (src/services/lib/crash.ts) */
  crashArm: string;
  /** a test hook: while this file exists, a starting worker throws its content at load (a crash loop, armed), or
   * waits at load when it says "hold" (a start held half way) */
  workerFailAtLoad: string;
}

export function workerFiles(stateDir: string): WorkerFiles {
  return {
    stepLog: path.join(stateDir, "steps.ndjson"),
    crashArm: path.join(stateDir, "crash-arm.json"),
    workerFailAtLoad: path.join(stateDir, "worker-fail-at-load"),
  };
}
