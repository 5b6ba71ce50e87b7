// What a tour says about a journal, as data: each claim is the sentence the tour prints and the check computed from
// the timeline model's verdicts of the invocation it is about (src/observe/model.ts), in one declaration, so the
// words and the proof cannot drift apart. Judging is pure (a Timeline in, a Check out) so recorded or constructed
// journals test it; `journalChecks` fetches the timelines from a running stack.
import { check, type Check } from "./types.js";
import type { RunningStack } from "../runtime/stack.js";
import { eventually } from "../observe/index.js";
import { invocationTimeline, type Timeline, type TimelineEntry } from "../observe/timeline.js";
import { errorMessage } from "../errors.js";
import type { LanesView } from "../observe/lanes.js";
import { formatDuration } from "../lib/duration.js";

export interface Verdict {
  ok: boolean;
  detail: string;
}

export interface JournalClaim {
  /** the sentence the tour says, word for word; it is also the check's name */
  says: string;
  /** the invocation whose journal (children included) it is about; undefined fails the check */
  invocationId: string | undefined;
  holds(t: Timeline): Verdict;
}

export function claim(says: string, invocationId: string | undefined, holds: (t: Timeline) => Verdict): JournalClaim {
  return { says, invocationId, holds };
}

// ---- reading a timeline tree ----------------------------------------------------------------------------------

export function* walk(t: Timeline): Generator<Timeline> {
  yield t;
  for (const child of t.children) yield* walk(child);
}

export interface Located {
  owner: Timeline;
  entry: TimelineEntry;
}

/** Every ctx.run entry with that name, in this invocation and the ones it called or sent to. */
export function runsNamed(t: Timeline, step: string): Located[] {
  const found: Located[] = [];
  for (const owner of walk(t)) for (const entry of owner.entries) if (entry.kind === "run" && entry.name === step) found.push({ owner, entry });
  return found;
}

export function entriesOf(t: Timeline, kind: TimelineEntry["kind"]): Located[] {
  const found: Located[] = [];
  for (const owner of walk(t)) for (const entry of owner.entries) if (entry.kind === kind) found.push({ owner, entry });
  return found;
}

function where(l: Located): string {
  return l.owner.invocation.target;
}

function bodyText(l: Located): string {
  const x = l.entry.execution;
  if (!x) return "no body execution recorded";
  const runs = x.bodyRuns.map((r) => `attempt ${r.attempt || "?"} pid ${r.pid}${r.outcome === "ok" ? "" : ` ${r.outcome}`}`).join(", ");
  return `${x.verdict}${runs ? ` (${runs})` : ""}`;
}

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);

export function secs(n: number): string {
  return formatDuration(n);
}

// ---- the claims tours make ------------------------------------------------------------------------------------

/** The step is in the journal exactly `count` times and no body of it ran twice (live or replayed only). */
export function appearsOnce(invocationId: string | undefined, step: string, says = `"${step}" appears once in the journal and its body ran once`): JournalClaim {
  return claim(says, invocationId, (t) => {
    const found = runsNamed(t, step);
    const bad = found.filter((l) => l.entry.execution?.verdict !== "live" && l.entry.execution?.verdict !== "replayed");
    return {
      ok: found.length === 1 && bad.length === 0,
      detail: found.length ? found.map((l) => `${where(l)}: ${bodyText(l)}`).join("; ") : `no "${step}" entry in the journal of ${t.invocation.target}`,
    };
  });
}

/** After a crash: the step's result came from the journal in a later attempt; its body did not run again. */
export function replayed(invocationId: string | undefined, step: string, says = `"${step}" was replayed from the journal, not run again`): JournalClaim {
  return claim(says, invocationId, (t) => {
    const found = runsNamed(t, step);
    const ok = found.length > 0 && found.some((l) => l.entry.execution?.verdict === "replayed") && found.every((l) => l.entry.execution?.verdict !== "ran-again");
    return { ok, detail: found.length ? found.map((l) => `${where(l)}: ${bodyText(l)}`).join("; ") : `no "${step}" entry in the journal of ${t.invocation.target}` };
  });
}

/** After a crash inside the body: it ran again, because its result had never been journaled. */
export function ranAgain(invocationId: string | undefined, step: string, says = `"${step}" ran again: the worker died before its result was journaled`): JournalClaim {
  return claim(says, invocationId, (t) => {
    const found = runsNamed(t, step);
    return {
      ok: found.some((l) => l.entry.execution?.verdict === "ran-again"),
      detail: found.length ? found.map((l) => `${where(l)}: ${bodyText(l)}`).join("; ") : `no "${step}" entry in the journal of ${t.invocation.target}`,
    };
  });
}

/**
 * After a crash of the invocation `invocationId`: the step's journaled body (here or in an invocation it called) ran
 * in a worker process other than the ones that ran the attempts before the crash, and it is in the journal once. (An
 * invocation it called may resume on the new worker before the caller's own next attempt does.)
 */
export function ranAfterRestart(invocationId: string | undefined, step: string, says = `"${step}" ran once, after the restart`, o: { interruptedBefore?: boolean } = {}): JournalClaim {
  return claim(says, invocationId, (t) => {
    const restart = t.attempts.find((a) => a.cause === "crash-restart");
    const found = runsNamed(t, step);
    const detail = found.length ? found.map((l) => `${where(l)}: ${bodyText(l)}`).join("; ") : `no "${step}" entry in the journal of ${t.invocation.target}`;
    if (!restart) return { ok: false, detail: `${t.invocation.target} has no attempt after a crash; ${detail}` };
    const killed = new Set(t.attempts.filter((a) => a.n < restart.n).map((a) => a.pid));
    const late = found.filter((l) => {
      const journaled = l.entry.execution?.bodyRuns.find((r) => r.journaled);
      // interruptedBefore: the crash may have caught the body running, so a run cut short before it is allowed
      return !!journaled && !killed.has(journaled.pid) && (o.interruptedBefore || l.entry.execution?.verdict !== "ran-again");
    });
    return { ok: found.length === 1 && late.length === 1, detail: `${detail}; killed worker pid ${[...killed].join(", ")}, restarted as pid ${restart.pid}` };
  });
}

/** No ctx.run body anywhere in this journal (children included) ran twice. */
export function noBodyRanTwice(invocationId: string | undefined, says = "no step's body ran twice"): JournalClaim {
  return claim(says, invocationId, (t) => {
    const runs = [...walk(t)].flatMap((owner) => owner.entries.filter((e) => e.kind === "run").map((entry) => ({ owner, entry })));
    const twice = runs.filter((l) => l.entry.execution?.verdict === "ran-again");
    const unknown = runs.filter((l) => !l.entry.execution || l.entry.execution.verdict === "unknown");
    return {
      ok: runs.length > 0 && twice.length === 0 && unknown.length === 0,
      detail: twice.length
        ? `ran again: ${twice.map((l) => `"${l.entry.name}" in ${where(l)}`).join(", ")}`
        : unknown.length
          ? `no body record for ${unknown.map((l) => `"${l.entry.name}"`).join(", ")}`
          : `${runs.length} step(s), each body ran once`,
    };
  });
}

/** The invocation ran in one attempt: no retry, no restart. */
export function notRetried(invocationId: string | undefined, says: string): JournalClaim {
  return claim(says, invocationId, (t) => ({
    ok: t.invocation.attempts === 1 && t.invocation.retries === 0,
    detail: `${t.invocation.target}: ${t.invocation.attempts} attempt(s), ${t.invocation.retries} retr${t.invocation.retries === 1 ? "y" : "ies"}${t.invocation.result ? `, ${t.invocation.result}` : ""}`,
  }));
}

/**
 * The invocation waited on an awakeable (a signal that only another invocation resolves): the resolution arrived
 * at least `minMs` after the command before it was journaled, and it carries `valueIncludes` when given.
 */
export function waitedOnAwakeable(invocationId: string | undefined, says: string, o: { minMs?: number; valueIncludes?: string } = {}): JournalClaim {
  return claim(says, invocationId, (t) => {
    const signals = t.entries.filter((e) => e.kind === "awakeable" && !e.name?.startsWith("resolve") && !e.name?.startsWith("reject"));
    if (!signals.length) return { ok: false, detail: `no awakeable resolution in the journal of ${t.invocation.target}` };
    const s = signals[0]!;
    const before = t.entries
      .filter((e) => e.index < s.index && e.kind !== "awakeable" && e.kind !== "output")
      .map((e) => ms(e.completedAt ?? e.at))
      .filter(Number.isFinite);
    const since = before.length ? Math.max(...before) : ms(t.invocation.runningAt ?? t.invocation.createdAt);
    const waited = ms(s.at) - since;
    const valueOk = o.valueIncludes === undefined || (s.value ?? "").includes(o.valueIncludes);
    return {
      ok: waited >= (o.minMs ?? 1) && valueOk && !s.failure,
      detail: `${t.invocation.target}: resolved ${secs(Math.max(0, waited))} after it started waiting${s.value !== undefined ? `, value ${s.value}` : ""}${s.failure ? `, failure ${s.failure.message}` : ""}`,
    };
  });
}

/** The invocation waited on a durable promise (an entry "await <name>") for at least `minMs`. */
export function waitedOnPromise(invocationId: string | undefined, name: string, says: string, o: { minMs?: number } = {}): JournalClaim {
  return claim(says, invocationId, (t) => {
    const found = t.entries.filter((e) => e.kind === "promise" && e.name === `await ${name}`);
    const waited = found.filter((e) => !e.pending && (e.durationMs ?? 0) >= (o.minMs ?? 1) && !e.failure);
    return {
      ok: waited.length > 0,
      detail: found.length
        ? found.map((e) => `await ${name}: ${e.pending ? "pending" : `${secs(e.durationMs ?? 0)}${e.value ? `, value ${e.value}` : ""}`}`).join(", ") + ` in ${t.invocation.target}`
        : `no await of promise "${name}" in the journal of ${t.invocation.target}`,
    };
  });
}

/** The invocation slept on a durable timer (a sleep entry that lasted at least `minMs`). */
export function sleptOnTimer(invocationId: string | undefined, says: string, o: { minMs?: number; name?: string } = {}): JournalClaim {
  return claim(says, invocationId, (t) => {
    const sleeps = t.entries.filter((e) => e.kind === "sleep" && (o.name === undefined || e.name === o.name));
    const done = sleeps.filter((e) => !e.pending && (e.durationMs ?? 0) >= (o.minMs ?? 1));
    return {
      ok: done.length > 0,
      detail: sleeps.length
        ? sleeps.map((e) => `sleep${e.name ? ` "${e.name}"` : ""} ${e.pending ? "pending" : secs(e.durationMs ?? 0)}`).join(", ") + ` in ${t.invocation.target}`
        : `no sleep in the journal of ${t.invocation.target}`,
    };
  });
}

// ---- judging ----------------------------------------------------------------------------------------------------

/** Each claim becomes a check named by its sentence: pure, for recorded or constructed timelines. */
export function judgeClaims(claims: JournalClaim[], timelines: ReadonlyMap<string, Timeline>): Check[] {
  return claims.map((c) => {
    if (!c.invocationId) return check(c.says, false, "the scenario did not produce the invocation this is about");
    const t = timelines.get(c.invocationId);
    if (!t) return check(c.says, false, `no journal read for ${c.invocationId}`);
    try {
      const v = c.holds(t);
      return check(c.says, v.ok, v.detail);
    } catch (e) {
      return check(c.says, false, errorMessage(e));
    }
  });
}

/** Read the timelines the claims are about (once each, after the invocations completed) and judge them. */
export async function journalChecks(stack: RunningStack, claims: JournalClaim[], o: { timeoutMs?: number } = {}): Promise<Check[]> {
  const ids = [...new Set(claims.map((c) => c.invocationId).filter((x): x is string => !!x))];
  const timelines = new Map<string, Timeline>();
  for (const id of ids) {
    // children still due later (a scheduled reminder) do not hold the judgement up
    const done = (t: Timeline) => t.invocation.status === "completed" && [...walk(t)].every((x) => x.invocation.status === "completed" || x.invocation.status === "scheduled");
    const t = await eventually(
      `the journal of ${id} to be complete`,
      async () => {
        const x = await invocationTimeline(stack, id).catch(() => undefined);
        return x && done(x) ? x : undefined;
      },
      { timeoutMs: o.timeoutMs ?? 30_000, everyMs: 300 },
    ).catch(() => invocationTimeline(stack, id).catch(() => undefined));
    if (t) timelines.set(id, t);
  }
  return judgeClaims(claims, timelines);
}

// ---- what a lanes view shows (timeline --lanes) ---------------------------------------------------------------

/** One key at a time per lane (no two running spans of a lane overlap), and different lanes running side by side. */
export function lanesSerialAndParallel(v: LanesView): Verdict {
  const overlaps = (a: [number, number], b: [number, number]) => a[0] < b[1] && b[0] < a[1];
  const running = (s: LanesView["lanes"][number]["spans"][number]): [number, number] | undefined => (s.runningAt && s.completedAt ? [ms(s.runningAt), ms(s.completedAt)] : undefined);
  const clashes: string[] = [];
  const spansOf = v.lanes.map((l) => l.spans.map(running).filter((x): x is [number, number] => !!x));
  v.lanes.forEach((l, i) => {
    const s = spansOf[i]!;
    for (let a = 0; a < s.length; a++) for (let b = a + 1; b < s.length; b++) if (overlaps(s[a]!, s[b]!)) clashes.push(l.label);
  });
  let sideBySide = false;
  for (let i = 0; i < spansOf.length && !sideBySide; i++) for (let j = i + 1; j < spansOf.length && !sideBySide; j++) sideBySide = spansOf[i]!.some((a) => spansOf[j]!.some((b) => overlaps(a, b)));
  return {
    ok: v.lanes.length > 1 && clashes.length === 0 && sideBySide,
    detail: `${v.lanes.length} lanes, ${v.invocations} invocations, up to ${v.maxParallel} running at once, ${v.queued} queued behind their key${clashes.length ? `; overlapping on ${[...new Set(clashes)].join(", ")}` : ""}${sideBySide ? "" : "; no two lanes ran at the same time"}`,
  };
}
