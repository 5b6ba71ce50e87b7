// The story of one invocation, for the end of a tour: its journal (sys_journal), the retry events
// (sys_journal_events) and the worker's step log (which process ran which step body, which were replayed).
import { existsSync, readFileSync } from "node:fs";
import { sqlString } from "../../runtime/admin.js";
import type { RunningStack } from "../../runtime/stack.js";
import type { StepLogLine } from "../../services/lib/steplog.js";
import { humanDuration, shortId, table } from "../../ui/output.js";
import { c } from "../../ui/palette.js";
import { oneLine, paintStatus } from "./format.js";

export interface TimelineRow {
  /** ms since the invocation was created */
  atMs: number;
  kind: "entry" | "event" | "attempt";
  what: string;
  detail: string;
}

export interface InvocationTimeline {
  id: string;
  target: string;
  status: string;
  result?: string;
  failure?: string;
  createdAt: string;
  completedAt?: string;
  retries: number;
  rows: TimelineRow[];
}

interface JournalRow {
  index: number;
  entry_type?: string;
  name?: string;
  appended_at?: string;
}
interface EventRow {
  after_journal_entry_index?: number;
  appended_at?: string;
  event_type?: string;
  event_json?: string;
}
interface InvRow {
  id: string;
  target?: string;
  status?: string;
  completion_result?: string;
  completion_failure?: string;
  created_at?: string;
  completed_at?: string;
  retry_count?: number;
}

function readStepLog(file: string, id: string): StepLogLine[] {
  if (!existsSync(file)) return [];
  const out: StepLogLine[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line || !line.includes(id)) continue;
    try {
      const l = JSON.parse(line) as StepLogLine;
      if (l.invocationId === id) out.push(l);
    } catch {
      /* torn line */
    }
  }
  return out;
}

export async function fetchTimeline(stack: RunningStack, id: string): Promise<InvocationTimeline | undefined> {
  const q = sqlString(id);
  const [inv] = await stack.admin.query<InvRow>(
    `SELECT id, target, status, completion_result, completion_failure, created_at, completed_at, retry_count FROM sys_invocation WHERE id = ${q}`,
  );
  if (!inv) return undefined;
  const entries = await stack.admin.query<JournalRow>(`SELECT index, entry_type, name, appended_at FROM sys_journal WHERE id = ${q} ORDER BY index`).catch(() => []);
  const events = await stack.admin
    .query<EventRow>(`SELECT after_journal_entry_index, appended_at, event_type, event_json FROM sys_journal_events WHERE id = ${q}`)
    .catch(() => []);
  return buildTimeline(inv, entries, events, readStepLog(stack.paths.stepLog, id));
}

/** Pure: merge journal entries, events and step-log attempts into one ordered list. */
export function buildTimeline(inv: InvRow, entries: JournalRow[], events: EventRow[], steps: StepLogLine[]): InvocationTimeline {
  const created = Date.parse(inv.created_at ?? "") || Date.parse(entries[0]?.appended_at ?? "") || 0;
  const at = (iso?: string) => (iso && Number.isFinite(Date.parse(iso)) ? Date.parse(iso) - created : Number.NaN);
  const rows: TimelineRow[] = [];
  const ranBy = new Map<string, number[]>();
  for (const s of steps) if (s.kind === "run-end" && s.step) ranBy.set(s.step, [...(ranBy.get(s.step) ?? []), s.pid]);

  for (const e of entries) {
    const type = (e.entry_type ?? "").replace(/^Command: /, "");
    if ((e.entry_type ?? "").startsWith("Notification:")) {
      if (e.entry_type === "Notification: Sleep") rows.push({ atMs: at(e.appended_at), kind: "entry", what: "timer fired", detail: "" });
      continue;
    }
    let what: string;
    let detail = "";
    switch (type) {
      case "Input":
        what = "input received";
        break;
      case "Output":
        what = "output";
        break;
      case "Run": {
        what = `step "${e.name ?? ""}"`;
        const pids = ranBy.get(e.name ?? "") ?? [];
        detail = pids.length ? `body ran in pid ${[...new Set(pids)].join(", ")}${pids.length > 1 ? ` (${pids.length} times)` : ""}` : "";
        break;
      }
      case "Sleep":
        what = `durable sleep${e.name ? ` "${e.name}"` : ""}`;
        break;
      default:
        what = `${type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}${e.name ? ` "${e.name}"` : ""}`;
    }
    rows.push({ atMs: at(e.appended_at), kind: "entry", what, detail });
  }
  for (const ev of events) {
    let message = "";
    let code = "";
    try {
      const j = JSON.parse(ev.event_json ?? "{}") as { error_message?: string; restate_doc_error_code?: string; error_code?: number };
      message = j.error_message ?? "";
      code = j.restate_doc_error_code ?? (j.error_code ? String(j.error_code) : "");
    } catch {
      /* not JSON */
    }
    const kind = (ev.event_type ?? "event").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    rows.push({ atMs: at(ev.appended_at), kind: "event", what: `${kind}${code ? ` ${code}` : ""}`, detail: oneLine(message, 120) });
  }

  // attempts: each handler attempt in the step log; steps journaled before it and not run by it were replayed
  const attempts = steps.filter((s) => s.kind === "attempt");
  attempts.forEach((a, i) => {
    const start = Date.parse(a.at);
    const next = attempts[i + 1] ? Date.parse(attempts[i + 1]!.at) : Number.POSITIVE_INFINITY;
    const ranHere = new Set(steps.filter((s) => s.kind === "run-start" && s.pid === a.pid && Date.parse(s.at) >= start && Date.parse(s.at) < next).map((s) => s.step));
    const replayed = entries
      .filter((e) => e.entry_type === "Command: Run" && e.appended_at && Date.parse(e.appended_at) < start && !ranHere.has(e.name))
      .map((e) => `"${e.name ?? ""}"`);
    rows.push({
      atMs: start - created,
      kind: "attempt",
      what: `attempt ${i + 1}`,
      detail: `worker pid ${a.pid}${replayed.length ? `; replayed from the journal: ${[...new Set(replayed)].join(", ")}` : ""}`,
    });
  });

  const order = { attempt: 0, entry: 1, event: 2 } as const;
  rows.sort((x, y) => (Number.isNaN(x.atMs) ? 1 : 0) - (Number.isNaN(y.atMs) ? 1 : 0) || x.atMs - y.atMs || order[x.kind] - order[y.kind]);
  return {
    id: inv.id,
    target: inv.target ?? "?",
    status: inv.status ?? "?",
    result: inv.completion_result,
    failure: inv.completion_failure,
    createdAt: inv.created_at ?? "",
    completedAt: inv.completed_at,
    retries: inv.retry_count ?? 0,
    rows,
  };
}

export function renderTimeline(t: InvocationTimeline, width = process.stdout.columns || 120): string[] {
  const took = t.completedAt && t.createdAt ? ` in ${humanDuration(Date.parse(t.completedAt) - Date.parse(t.createdAt))}` : "";
  const head = `${c.bold("timeline")} ${c.id(shortId(t.id))}  ${t.target}  ${paintStatus(t.status, t.result)}${took}${t.failure ? ` ${c.fail(t.failure)}` : ""}`;
  const rows = t.rows.map((r) => [
    Number.isNaN(r.atMs) ? "?" : `+${humanDuration(r.atMs)}`,
    r.kind === "event" ? c.warn(r.what) : r.kind === "attempt" ? c.info(r.what) : r.what,
    c.dim(r.detail),
  ]);
  return [head, ...table(["at", "what", "detail"], rows, width - 2).map((l) => `  ${l}`)];
}
