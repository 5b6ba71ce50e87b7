// The words of a timeline: the header, each entry's and each marker's text, verdicts, statuses and offsets. Pure
// functions of the model's types; the rows and the layout are in render-rows.ts and render.ts.
import { c } from "../ui/palette.js";
import { humanDuration, shortId } from "../ui/output.js";
import { hanging, keepTogether, terminalWidth } from "../ui/text.js";
import { clock, LATE_MS } from "./model.js";
import { truncate } from "./decode.js";
import type { InvocationInfo, TimelineEntry, TimelineMarker } from "./types.js";

export const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);

/** The width a timeline is drawn in: the terminal's, COLUMNS when piped, else 160 (a file or a pager can scroll). */
export function defaultWidth(): number {
  return terminalWidth(process.stdout, 160);
}

export function offsetLabel(msFromStart: number): string {
  if (msFromStart < 1000) return `+${Math.round(msFromStart)}ms`;
  if (msFromStart < 60_000) return `+${(msFromStart / 1000).toFixed(2)}s`;
  return `+${humanDuration(msFromStart)}`;
}

export function statusText(i: Pick<InvocationInfo, "status" | "result">): string {
  if (i.status === "completed") return i.result === "failure" ? c.fail("failed") : c.ok("completed");
  if (i.status === "running") return c.info("running");
  if (i.status === "backing-off" || i.status === "paused") return c.warn(i.status);
  return c.warn(i.status);
}

/** How long it took, or, for one that has not started, when it is due: the same words in lists and timelines. */
export function durationText(i: Pick<InvocationInfo, "status" | "durationMs" | "dueAt">, now = Date.now()): string {
  if (i.dueAt && i.status !== "completed") {
    const left = ms(i.dueAt) - now;
    return left > 0 ? `due in ${humanDuration(left)}` : `due ${humanDuration(-left)} ago`;
  }
  return `${i.status === "completed" ? "in" : "for"} ${humanDuration(i.durationMs)}`;
}

export function headerLine(i: InvocationInfo, width = Number.MAX_SAFE_INTEGER, now?: number): string {
  const parts = [
    `${statusText(i)} ${durationText(i, now)}`,
    `${i.attempts} attempt${i.attempts === 1 ? "" : "s"}${i.retries ? `, ${i.retries} retr${i.retries === 1 ? "y" : "ies"}` : ""}`,
    `${i.steps} step${i.steps === 1 ? "" : "s"}`,
    i.invokedBy ? `from ${i.invokedBy}${i.parentTarget ? ` ${i.parentTarget}` : ""}` : undefined,
    `created ${clock(i.createdAt)}`,
  ].filter(Boolean) as string[];
  const lines = [...hanging("", `${c.bold(i.target)}  ${c.id(i.id)}`, width, 2)];
  // the parts break between themselves first: " · " joins are kept with the part that follows
  lines.push(...hanging("  ", parts.map(keepTogether).join(` ${c.dim("·")} `), width));
  if (i.failure) lines.push(...hanging("  ", c.fail(i.failure), width));
  for (const l of linkLines(i)) lines.push(...hanging("  ", l, width));
  return lines.join("\n");
}

/** Restart-as-new links (both ways) and the invocation's page in the Restate UI. */
function linkLines(i: InvocationInfo): string[] {
  const out: string[] = [];
  const from = i.restartedFrom;
  if (from) {
    const copied = from.copiedUpTo !== undefined ? `journal entries 0–${from.copiedUpTo} copied (answered from the journal), the rest ran live` : "only the input copied: it ran from the start";
    out.push(c.info(`restarted as new from ${from.id}: ${copied}`));
  }
  if (i.restartedAs?.length) out.push(c.info(`restarted as ${i.restartedAs.join(", ")}`));
  if (i.uiUrl) out.push(c.dim(`Restate UI: ${i.uiUrl}`));
  return out;
}

export function verdictTag(e: TimelineEntry): string {
  const x = e.execution;
  if (!x) return "";
  switch (x.verdict) {
    case "live":
      return c.ok("live");
    case "replayed":
      return c.info(c.bold("REPLAYED"));
    case "ran-again":
      return c.warn(c.bold(`RAN ${x.bodyRuns.length}×`));
    case "retried":
      return c.warn(`retried ${x.bodyRuns.length - 1}×`);
    case "running":
      return c.info("running");
    case "pending":
      return c.dim("pending");
    default:
      return c.dim("?");
  }
}

/** Values are cut shorter in the text view than in the model (the whole value is in --json). */
const SHOWN_VALUE = 60;

function shown(v: string, max = SHOWN_VALUE): string {
  return truncate(v.replace(/\s+/g, " "), Math.max(12, Math.min(SHOWN_VALUE, max)));
}

function valueText(e: TimelineEntry, max?: number): string {
  if (e.failure) return c.fail(`✗ ${e.failure.code !== undefined ? `[${e.failure.code}] ` : ""}${clip(e.failure.message, SHOWN_MESSAGE)}`);
  return e.value !== undefined ? c.dim(shown(e.value, max)) : "";
}

/** How a sleep ended: on time, or late by how much and why (from real times: due vs when the code went on). */
export function sleepOutcome(e: TimelineEntry): string {
  if (e.pending) return c.info(e.dueAt ? "sleeping" : "sleeping, due time unknown");
  if (e.lateMs === undefined) return "";
  if (e.lateMs <= LATE_MS) return c.dim("on time");
  const timerOnTime = e.firedLateMs !== undefined && e.firedLateMs <= LATE_MS;
  const why = e.lateBecause ? `${e.lateBecause}${timerOnTime ? "; the timer itself fired on time" : ""}` : "";
  return c.warn(`late by ${humanDuration(e.lateMs)}${why ? ` (${why})` : ""}`);
}

/** The text of an entry's row; values are shortened to maxValue columns (default 60). */
export function entryText(e: TimelineEntry, maxValue?: number): string {
  const dur = e.durationMs !== undefined ? humanDuration(e.durationMs) : e.pending ? c.info("…") : "";
  const join = (...parts: (string | undefined)[]) => parts.filter((p) => p !== undefined && p !== "").join("  ");
  const arrow = (v: string | undefined) => (v !== undefined ? `${c.dim("→")} ${c.dim(shown(v, maxValue))}` : "");
  switch (e.kind) {
    case "run": {
      const name = e.name ? c.bold(e.name) : c.dim(isClockValue(e.value) ? "(unnamed: ctx.date.now)" : "(unnamed)");
      const work = e.workMs !== undefined ? humanDuration(e.workMs) : dur;
      const where = e.execution?.verdict === "live" ? c.dim(`(${bodyWhere(e)})`) : "";
      return join(name, work, verdictTag(e), where, e.failure ? valueText(e, maxValue) : arrow(e.value));
    }
    case "sleep": {
      // the wake-up time was computed by the worker a moment before the entry was journaled: a planned 1 s reads 999 ms
      // from the two stamps, so it is shown to the nearest 10 ms
      const planned = e.dueAt ? Math.round((ms(e.dueAt) - ms(e.at)) / 10) * 10 : undefined;
      return join(e.name ? c.bold(e.name) : undefined, planned !== undefined ? humanDuration(planned) : undefined, e.dueAt ? c.dim(`wake-up ${clock(e.dueAt)}`) : undefined, sleepOutcome(e));
    }
    case "call":
      return join(
        c.bold(e.target ?? "?"),
        e.pending ? c.info(`waiting for it${dur ? ` ${dur}` : ""}`) : dur,
        e.failure ? valueText(e, maxValue) : arrow(e.value),
        e.childId ? c.id(shortRef(e.childId)) : undefined,
      );
    case "send":
      return join(
        c.bold(e.target ?? "?"),
        e.dueAt ? c.info(`delayed to ${clock(e.dueAt)} (+${humanDuration(ms(e.dueAt) - ms(e.at))})`) : undefined,
        e.value !== undefined ? c.dim(`with ${shown(e.value, maxValue)}`) : undefined,
        e.childId ? c.id(shortRef(e.childId)) : undefined,
      );
    case "get-state":
      return join(c.bold(e.name ?? "?"), e.value !== undefined ? arrow(e.value) : e.pending ? c.info("…") : undefined);
    case "set-state":
      return join(c.bold(e.name ?? "?"), e.value !== undefined ? `${c.dim("=")} ${c.dim(shown(e.value, maxValue))}` : undefined);
    case "clear-state":
      return c.bold(e.name === "*" ? "all keys" : (e.name ?? "?"));
    case "input":
      return e.value !== undefined ? c.dim(shown(e.value, maxValue)) : c.dim("(no input)");
    case "output":
      return e.failure ? valueText(e, maxValue) : e.value !== undefined ? c.dim(shown(e.value, maxValue)) : c.dim("(no output)");
    case "awakeable":
      if (e.waitFrom) return join(c.info(`waited ${humanDuration(e.durationMs ?? 0)}`), e.failure ? valueText(e, maxValue) : arrow(e.value) || c.dim("resolved"));
      return join(e.name ? c.bold(e.name) : undefined, valueText(e, maxValue));
    case "promise":
      return join(e.name ? c.bold(e.name) : undefined, e.pending ? c.info(`waiting${dur ? ` ${dur}` : ""}`) : dur, e.failure ? valueText(e, maxValue) : arrow(e.value));
    default:
      return join(e.name ? c.bold(e.name) : undefined, dur, valueText(e, maxValue), e.target);
  }
}

function bodyWhere(e: TimelineEntry): string {
  const r = e.execution?.bodyRuns.find((b) => b.journaled) ?? e.execution?.bodyRuns[0];
  return r ? `attempt ${r.attempt}, pid ${r.pid}` : "";
}

function isClockValue(v: string | undefined): boolean {
  if (!v || !/^\d{13}$/.test(v)) return false;
  return Math.abs(Number(v) - Date.now()) < 10 * 365 * 86_400_000;
}

/** Error messages can be long (a stack of causes): the text view keeps the start, --json has all of it. */
const SHOWN_MESSAGE = 120;

export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.lastIndexOf(" ", max - 1);
  return `${flat.slice(0, cut > max / 2 ? cut : max - 1)}…`;
}

export function markerText(m: TimelineMarker): string {
  switch (m.kind) {
    case "transient-error": {
      const codes = [m.code, m.docCode].filter((x) => x !== undefined).join(" ");
      return `${c.fail(clip(m.message ?? m.text, SHOWN_MESSAGE))}${codes ? ` ${c.dim(`[${codes}]`)}` : ""}${m.step ? c.dim(` at "${m.step}"`) : ""}`;
    }
    case "attempt": {
      const gap = [
        m.gapMs !== undefined ? `${humanDuration(m.gapMs)} after the ${m.cause === "crash-restart" ? "crash" : "last error"}` : "",
        m.sinceBackMs !== undefined ? `${humanDuration(m.sinceBackMs)} after the restart` : "",
      ].filter(Boolean);
      const gapText = gap.length ? c.dim(` — ${gap.join(", ")}`) : "";
      return `${m.cause === "crash-restart" ? c.warn(m.text) : m.cause === "first" ? c.dim(m.text) : m.text}${gapText}`;
    }
    case "worker-exit":
    case "restate-exit":
      return c.fail(m.text);
    case "worker-back":
    case "restate-back":
      return c.ok(`${m.text}${m.downMs !== undefined ? ` after ${humanDuration(m.downMs)} down` : ""}`);
    case "queued":
      return `${c.warn(m.text)}${m.durationMs !== undefined ? `  ${c.warn(`${humanDuration(m.durationMs)}${m.ongoing ? " so far" : ""}`)}` : ""}`;
    case "scheduled":
      return `${m.text}${m.durationMs !== undefined ? `  ${c.dim(m.ongoing ? "not started yet" : `waited ${humanDuration(m.durationMs)}`)}` : ""}`;
    case "completed":
      // the failure itself is in the header and on the output row
      return m.text.startsWith("failed") ? c.fail(clip(m.text, 48)) : c.ok(m.text);
    case "last-failure":
    case "paused":
      return clip(m.text, SHOWN_MESSAGE);
    default:
      return m.text;
  }
}

/** A shortened id for people ("inv_1abcdefgh…wxyz"); `timeline` accepts it back (it matches head and tail). */
export function shortRef(id: string): string {
  return shortId(id, 12);
}
