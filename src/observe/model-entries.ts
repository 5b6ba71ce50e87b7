// Journal rows → timeline entries: each command with the notification that completed it (its result, its duration),
// signals that no command consumed (awakeables), and when a sleep really went on and what an awakeable waited for.
import { callRequest, completionIds, decodeEntry, decodeResult, isObj, num, shortValue, str, targetString, type DecodedEntry } from "./decode.js";
import type { Attempt, EntryKind, JournalRow, Snapshot, StepLogLine, TimelineEntry } from "./types.js";
import { CLOCK_SLACK_MS, LATE_MS, ms } from "./model-common.js";

/** Awakeables are signals with an index from 17 on; lower indexes are built-in (1 = cancel). */
const FIRST_AWAKEABLE_SIGNAL = 17;

type Decoded = { row: JournalRow; d: DecodedEntry | undefined }[];

/** One invocation's journal rows (in index order) as entries, commands and unconsumed signals, by index. */
export function journalEntries(rows: JournalRow[], createdAt: string, offset: (iso: string) => number): TimelineEntry[] {
  const decoded: Decoded = rows.map((r) => ({ row: r, d: decodeEntry(r.entry_json) }));
  const byCompletion = new Map<number, JournalRow & { d?: DecodedEntry }>();
  for (const { row, d } of decoded) {
    if (d?.family !== "Notification") continue;
    const cid = num(d.body.completion_id);
    if (cid !== undefined) byCompletion.set(cid, { ...row, d });
  }
  const consumed = new Set<number>();
  const entries: TimelineEntry[] = [];
  for (const { row, d } of decoded) {
    if (!d || d.family !== "Command") continue;
    const at = row.appended_at ?? createdAt;
    const notes = completionIds(d)
      .map((cid) => byCompletion.get(cid))
      .filter((n): n is JournalRow & { d?: DecodedEntry } => n !== undefined);
    for (const n of notes) consumed.add(n.index);
    // the notification that carries the result: for calls, the Call one (not CallInvocationId)
    const resultNote = notes.find((n) => n.d?.type !== "CallInvocationId");
    const e = commandEntry(row, d, at, offset(at), resultNote);
    if (e) entries.push(e);
  }
  for (const { row, d } of decoded) {
    if (!d || d.family !== "Notification" || consumed.has(row.index) || d.type !== "Signal") continue;
    const at = row.appended_at ?? createdAt;
    const sid = isObj(d.body.id) ? d.body.id : {};
    const index = num(sid.Index);
    const name = str(sid.Name);
    const res = decodeResult(d.body.result);
    const kind: EntryKind = index !== undefined && index >= FIRST_AWAKEABLE_SIGNAL ? "awakeable" : "signal";
    entries.push({
      index: row.index,
      kind,
      name: name ?? (kind === "awakeable" ? `signal ${index}` : index === 1 ? "cancel" : `signal ${index ?? "?"}`),
      at,
      offsetMs: offset(at),
      pending: false,
      value: res?.value,
      failure: res?.failure,
    });
  }
  entries.sort((a, b) => a.index - b.index);
  return entries;
}

/** After the entries are judged: how late each sleep went on, and what each awakeable waited for. */
export function waits(entries: TimelineEntry[], attempts: Attempt[], steps: StepLogLine[], components: Snapshot["components"], startedAt: string): void {
  for (const e of entries) if (e.kind === "sleep") sleepLateness(e, entries, attempts, steps, components);
  for (const e of entries) if (e.kind === "awakeable" && e.index !== undefined && !e.name?.startsWith("resolve ") && !e.name?.startsWith("reject ")) awakeableWait(e, entries, startedAt);
}

/** When the code after a sleep ran, and so how late the invocation really went on (not only the timer). */
function sleepLateness(e: TimelineEntry, entries: TimelineEntry[], attempts: Attempt[], steps: StepLogLine[], components: Snapshot["components"]): void {
  if (!e.completedAt || !e.dueAt) return;
  const fired = ms(e.completedAt);
  const due = ms(e.dueAt);
  const after = (t: number) => t >= fired - CLOCK_SLACK_MS;
  const candidates = [
    ...attempts.map((a) => ms(a.startedAt)),
    ...steps.filter((s) => s.kind === "run-start").map((s) => ms(s.at)),
    ...entries.filter((x) => x.index > e.index && x.kind !== "awakeable" && x.kind !== "signal").map((x) => ms(x.at)),
  ].filter((t) => Number.isFinite(t) && after(t));
  const resumed = candidates.length ? Math.min(...candidates) : undefined;
  e.firedLateMs = fired - due;
  if (resumed !== undefined) e.resumedAt = new Date(resumed).toISOString();
  e.lateMs = Math.max(fired, resumed ?? fired) - due;
  if (e.lateMs > LATE_MS) {
    // a component that was down across the due time explains it
    const until = resumed ?? fired;
    const down = components.find((x) => {
      if (x.kind !== "exit" || ms(x.at) > due || ms(x.at) < ms(e.at) - CLOCK_SLACK_MS) return false;
      const back = components.find((y) => y.component === x.component && y.kind === "back" && ms(y.at) >= ms(x.at));
      return !back || ms(back.at) >= due - CLOCK_SLACK_MS || ms(back.at) > until;
    });
    if (down) e.lateBecause = `${down.component === "restate" ? "restate-server" : down.component} was down`;
    else if (e.firedLateMs > LATE_MS) e.lateBecause = "the timer fired late";
  }
}

/** An awakeable has no command of its own in the journal: its wait runs from the previous journal activity. */
function awakeableWait(e: TimelineEntry, entries: TimelineEntry[], startedAt: string): void {
  const at = ms(e.at);
  let from = ms(startedAt);
  for (const x of entries) {
    if (x === e || x.index > e.index) continue;
    for (const t of [ms(x.at), ms(x.completedAt)]) if (Number.isFinite(t) && t <= at && t > from) from = t;
  }
  e.waitFrom = new Date(from).toISOString();
  e.durationMs = Math.max(0, at - from);
}

function commandEntry(row: JournalRow, d: DecodedEntry, at: string, offsetMs: number, note: (JournalRow & { d?: DecodedEntry }) | undefined): TimelineEntry | undefined {
  const base = { index: row.index, at, offsetMs };
  const done = (e: TimelineEntry): TimelineEntry => {
    if (note?.appended_at) {
      e.completedAt = note.appended_at;
      e.durationMs = Math.max(0, ms(note.appended_at) - ms(at));
      e.pending = false;
      const res = note.d ? decodeResult(note.d.body.result) : undefined;
      if (res?.value !== undefined && e.value === undefined) e.value = res.value;
      if (res?.failure) e.failure = res.failure;
    }
    return e;
  };
  const b = d.body;
  switch (d.type) {
    case "Input":
      return { ...base, kind: "input", pending: false, value: shortValue(b.payload) };
    case "Output": {
      const res = decodeResult(b.result);
      return { ...base, kind: "output", pending: false, value: res?.value, failure: res?.failure };
    }
    case "Run":
      return done({ ...base, kind: "run", name: str(b.name) ?? row.name ?? "", pending: true });
    case "Sleep": {
      const due = num(b.wake_up_time);
      const e = done({ ...base, kind: "sleep", name: str(b.name) || row.name || undefined, pending: true, dueAt: due !== undefined ? new Date(due).toISOString() : undefined });
      if (due !== undefined && e.completedAt) e.lateMs = ms(e.completedAt) - due;
      return e;
    }
    case "Call":
    case "OneWayCall": {
      const req = callRequest(d);
      const target = targetString(req.invocation_target);
      const childId = str(req.invocation_id);
      if (d.type === "Call") return done({ ...base, kind: "call", target, childId, pending: true });
      const invokeTime = num(b.invoke_time);
      return {
        ...base,
        kind: "send",
        target,
        childId,
        pending: false,
        value: shortValue(req.parameter),
        dueAt: invokeTime ? new Date(invokeTime).toISOString() : undefined,
      };
    }
    case "GetEagerState":
    case "GetLazyState": {
      const res = decodeResult(b.result);
      const e: TimelineEntry = { ...base, kind: "get-state", name: str(b.key), pending: d.type === "GetLazyState", value: res?.ok && res.value === undefined ? "null" : res?.value };
      return d.type === "GetLazyState" ? done(e) : e;
    }
    case "GetEagerStateKeys":
    case "GetLazyStateKeys":
      return d.type === "GetLazyStateKeys" ? done({ ...base, kind: "state-keys", pending: true }) : { ...base, kind: "state-keys", pending: false };
    case "SetState":
      return { ...base, kind: "set-state", name: str(b.key), pending: false, value: shortValue(b.value) };
    case "ClearState":
    case "ClearAllState":
      return { ...base, kind: "clear-state", name: d.type === "ClearAllState" ? "*" : str(b.key), pending: false };
    case "GetPromise":
    case "PeekPromise":
      return done({ ...base, kind: "promise", name: `${d.type === "PeekPromise" ? "peek " : "await "}${str(b.key) ?? ""}`, pending: true });
    case "CompletePromise": {
      const res = decodeResult(b.value);
      return done({ ...base, kind: "promise", name: `${res?.ok === false ? "reject" : "resolve"} ${str(b.key) ?? ""}`, pending: true, value: res?.value, failure: res?.failure });
    }
    case "CompleteAwakeable": {
      const res = decodeResult(b.result);
      return { ...base, kind: "awakeable", name: `${res?.ok === false ? "reject" : "resolve"} ${str(b.id) ?? ""}`, pending: false, value: res?.value, failure: res?.failure };
    }
    case "SendSignal":
      return { ...base, kind: "signal", name: `send to ${str(b.target_invocation_id) ?? "?"}`, pending: false };
    case "AttachInvocation":
    case "GetInvocationOutput":
      return done({ ...base, kind: "attach", target: str(isObj(b.target) ? JSON.stringify(b.target) : b.target), pending: true });
    default:
      return { ...base, kind: "other", name: d.type, pending: false };
  }
}
