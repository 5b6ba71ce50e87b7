// A journal mismatch (Restate 570, RT0016) in words a newcomer understands: which journal entry, what the journal
// recorded there, and what the current code did instead. Restate names the command by its position among commands
// ("index '1'"); the playground shows journal indexes (commands and notifications), so the position is mapped back.
import type { InvocationRow, JournalRow } from "../../observe/index.js";

export interface Mismatch {
  /** Restate's doc code (RT0016) and HTTP-like code (570) */
  code: string;
  /** the journal index of the entry where the paths diverged (in the recorded journal) */
  journalIndex?: number;
  /** what the journal recorded there, e.g. `step "reserve stock"` */
  recorded: string;
  /** what the current code did at that point, e.g. `step "ship"` */
  now: string;
  /** one sentence for people */
  explanation: string;
  /** Restate's own lines about the difference */
  restateSays: string[];
}

const COMMAND_WORDS: Record<string, string> = {
  Run: "step",
  Sleep: "sleep",
  Call: "call",
  OneWayCall: "send",
  SetState: "set state",
  GetEagerState: "get state",
  GetLazyState: "get state",
  ClearState: "clear state",
  Output: "return",
};

/** `step "reserve stock"` for a journal row. */
export function describeEntry(r: Pick<JournalRow, "entry_type" | "name"> | undefined): string {
  if (!r) return "nothing (the journal ends before this point)";
  const type = r.entry_type.replace(/^(Command|Notification): /, "");
  const word = COMMAND_WORDS[type] ?? type;
  return r.name ? `${word} "${r.name}"` : word;
}

/** The journal row of the n-th command (0 = the input), as Restate counts commands. */
export function commandAt(rows: Pick<JournalRow, "index" | "entry_type" | "name">[], n: number): Pick<JournalRow, "index" | "entry_type" | "name"> | undefined {
  return rows.filter((r) => r.entry_type.startsWith("Command: ")).sort((a, b) => a.index - b.index)[n];
}

const unquote = (v: string) => (v.length >= 2 && v.startsWith("'") && v.endsWith("'") ? v.slice(1, -1) : v);

/** Restate's "Difference:" lines: `name: 'reserve stock' != 'ship'` → the recorded and the current value. */
export function differences(message: string): { field: string; recorded: string; now: string }[] {
  const out: { field: string; recorded: string; now: string }[] = [];
  // Restate quotes values on some lines ('[…]' != '[…]') and not on others (name: reserve stock != ship)
  for (const m of message.matchAll(/^[ \t]*([\w ]+):[ \t]*(.*?)[ \t]*!=[ \t]*(.*?)[ \t]*$/gm)) out.push({ field: m[1]!.trim(), recorded: unquote(m[2]!), now: unquote(m[3]!) });
  return out;
}

/** Pure: a failed check's row and the original's journal → the mismatch, or undefined when the failure is another. */
export function describeMismatch(
  check: Pick<
    InvocationRow,
    "last_failure" | "last_failure_error_code" | "last_failure_related_command_index" | "last_failure_related_command_name" | "last_failure_related_command_type" | "completion_failure"
  >,
  original: Pick<JournalRow, "index" | "entry_type" | "name">[],
): Mismatch | undefined {
  const message = check.last_failure ?? check.completion_failure ?? "";
  if (check.last_failure_error_code !== "RT0016" && !/journal mismatch/i.test(message)) return undefined;
  const pos = check.last_failure_related_command_index ?? Number(/\(index '(\d+)'\)/.exec(message)?.[1] ?? NaN);
  const recordedRow = Number.isFinite(pos) ? commandAt(original, pos) : undefined;
  const diffs = differences(message);
  const nameDiff = diffs.find((d) => d.field === "name");
  const recorded = describeEntry(recordedRow);
  const nowType = check.last_failure_related_command_type ?? recordedRow?.entry_type.replace(/^Command: /, "");
  const now = nameDiff
    ? `${COMMAND_WORDS[nowType ?? ""] ?? nowType ?? "command"} "${nameDiff.now}"`
    : check.last_failure_related_command_name
      ? `${COMMAND_WORDS[nowType ?? ""] ?? nowType ?? "command"} "${check.last_failure_related_command_name}"`
      : (/while executing '([^']+)'/.exec(message)?.[1] ?? "something else");
  const valueDiff = nameDiff ? undefined : diffs.find((d) => d.field !== "name");
  const clip = (v: string) => (v.length > 80 ? `${v.slice(0, 79)}…` : v);
  const explanation = valueDiff
    ? `at journal index ${recordedRow?.index ?? "?"} the journal recorded ${recorded} with ${valueDiff.field} ${clip(valueDiff.recorded)}, and the current code did it with ${clip(valueDiff.now)}: a replay must repeat exactly what was recorded (a value that depends on the invocation id, the clock or randomness outside ctx.run differs)`
    : `at journal index ${recordedRow?.index ?? "?"} the journal recorded ${recorded}, but the current code ran ${now} there: the code no longer takes the path the journal records, so Restate stops instead of guessing`;
  return {
    code: check.last_failure_error_code ?? "RT0016",
    journalIndex: recordedRow?.index,
    recorded,
    now: valueDiff ? `${now} with a different ${valueDiff.field}` : now,
    explanation,
    restateSays: message
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => /mismatch happened|Difference|!=/.test(l)),
  };
}
