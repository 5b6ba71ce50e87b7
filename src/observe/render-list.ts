// `invocations`-style lists of timelines' headers: one row per invocation, fitted to the width (the target gives way,
// ids shorten on a narrow terminal).
import { c } from "../ui/palette.js";
import { humanDuration } from "../ui/output.js";
import { displayWidth, table } from "../ui/text.js";
import { clock } from "./model.js";
import type { InvocationInfo } from "./types.js";
import { defaultWidth, durationText, shortRef, statusText } from "./render-text.js";

export function renderList(items: InvocationInfo[], width = defaultWidth(), now = Date.now()): string[] {
  if (items.length === 0) return [c.dim("no invocations match")];
  const headers = ["created", "target", "status", "duration", "steps", "retries", "id"];
  const cellsOf = (i: InvocationInfo, id: string, target: string) => [
    clock(i.createdAt).slice(0, 8),
    target,
    statusText(i),
    i.dueAt && i.status !== "completed" ? durationText(i, now) : humanDuration(i.durationMs),
    String(i.steps),
    i.retries ? c.warn(String(i.retries)) : "0",
    c.id(id),
  ];
  const widthOf = (rows: string[][], col: number) => Math.max(displayWidth(headers[col]!), ...rows.map((r) => displayWidth(r[col]!)));
  const others = (rows: string[][]) => [0, 2, 3, 4, 5, 6].reduce((sum, col) => sum + widthOf(rows, col), 0) + 2 * (headers.length - 1);
  // full ids (people copy them into `timeline <id>`); the target column gives way first, and on a narrow terminal
  // the ids take the shortened form, which `timeline` accepts back
  const fullRows = items.map((i) => cellsOf(i, i.id, i.target));
  const short = others(fullRows) + 10 > width;
  const base = items.map((i) => cellsOf(i, short ? shortRef(i.id) : i.id, i.target));
  const room = Math.max(6, width - others(base));
  const cut = (t: string) => (t.length <= room ? t : `${t.slice(0, room - 1)}…`);
  const rows = items.map((i) => cellsOf(i, short ? shortRef(i.id) : i.id, cut(i.target)));
  return table(headers, rows, { width: Number.MAX_SAFE_INTEGER });
}
