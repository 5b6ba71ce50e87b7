// The two local sources beside Restate's introspection: the worker's step log (which ctx.run bodies really ran,
// in which process and attempt) and the supervisor's log (when a component died and came back).
import path from "node:path";
import { readLines, readNdjson } from "../lib/ndjson.js";
import type { ComponentEvent, StepLogLine } from "./types.js";

const ID_IN_LINE = /"invocationId":"([^"]+)"/;

/** Step-log lines, all of them or only for the given invocation ids. */
export function readStepLog(file: string, ids?: Iterable<string>): StepLogLine[] {
  const wanted = ids ? new Set(ids) : undefined;
  return readNdjson<StepLogLine>(file, {
    // cheap pre-filter before parsing
    prefilter: wanted ? (line) => wanted.has(ID_IN_LINE.exec(line)?.[1] ?? "") : undefined,
    keep: (l) => typeof l.invocationId === "string" && typeof l.at === "string" && (!wanted || wanted.has(l.invocationId)),
  });
}

// a line starts with its time and level (lib/log-line.ts); a log kept from before the levels has `[supervisor] time`
const HEAD = String.raw`^(?:\[supervisor\] )?(\S+) (?:(?:TRACE|DEBUG|INFO|WARN|ERROR) +)?`;
const EXIT = new RegExp(String.raw`${HEAD}(restate|broker|worker) \(pid (\d+)\) exited with (\S+)`);
const BACK = new RegExp(String.raw`${HEAD}(restate|broker|worker) is back \(pid (\d+)\)`);

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
