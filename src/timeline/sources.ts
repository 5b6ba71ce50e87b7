// The two local sources beside Restate's introspection: the worker's step log (which ctx.run bodies really ran,
// in which process and attempt) and the supervisor's log (when a component died and came back).
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import path from "node:path";
import type { ComponentEvent, StepLogLine } from "./types.js";

/** Read a whole text file, tolerating a torn last line while someone appends. */
function readLines(file: string): string[] {
  if (!existsSync(file)) return [];
  const size = statSync(file).size;
  if (size === 0) return [];
  const buf = Buffer.alloc(size);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buf, 0, size, 0);
  } finally {
    closeSync(fd);
  }
  return buf.toString("utf8").split("\n");
}

const ID_IN_LINE = /"invocationId":"([^"]+)"/;

/** Step-log lines, all of them or only for the given invocation ids. */
export function readStepLog(file: string, ids?: Iterable<string>): StepLogLine[] {
  const wanted = ids ? new Set(ids) : undefined;
  const out: StepLogLine[] = [];
  for (const line of readLines(file)) {
    if (!line) continue;
    // cheap pre-filter before parsing
    if (wanted && !wanted.has(ID_IN_LINE.exec(line)?.[1] ?? "")) continue;
    try {
      const l = JSON.parse(line) as StepLogLine;
      if (typeof l.invocationId !== "string" || typeof l.at !== "string") continue;
      if (wanted && !wanted.has(l.invocationId)) continue;
      out.push(l);
    } catch {
      /* a torn line */
    }
  }
  return out;
}

const EXIT = /^\[supervisor\] (\S+) (restate|broker|worker) \(pid (\d+)\) exited with (\S+)/;
const BACK = /^\[supervisor\] (\S+) (restate|broker|worker) is back \(pid (\d+)\)/;

/** Component exits and restarts from the supervisor's log (logs/supervisor.log), oldest first. */
export function parseSupervisorLog(lines: string[]): ComponentEvent[] {
  const out: ComponentEvent[] = [];
  for (const line of lines) {
    let m = EXIT.exec(line);
    if (m) {
      out.push({ component: m[2] as ComponentEvent["component"], kind: "exit", pid: Number(m[3]), at: m[1]!, detail: m[4] });
      continue;
    }
    m = BACK.exec(line);
    if (m) out.push({ component: m[2] as ComponentEvent["component"], kind: "back", pid: Number(m[3]), at: m[1]! });
  }
  return out;
}

export function readComponentEvents(logsDir: string): ComponentEvent[] {
  return parseSupervisorLog(readLines(path.join(logsDir, "supervisor.log")));
}
