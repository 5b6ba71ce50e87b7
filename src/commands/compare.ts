// `patterns compare <pattern>`: the same crash with and without Restate (src/compare/), printed side by side, and the
// offer a crash tour ends with. Exit 1 when the Restate run is not consistent (that would be a bug of the playground);
// the plain run being inconsistent is the point.
import { errorMessage, UsageError } from "../errors.js";
import { comparisons, findComparison } from "../compare/index.js";
import { runComparison, type CompareReport } from "../compare/run.js";
import { PLAIN_LABEL, RESTATE_LABEL } from "../compare/types.js";
import type { RunningStack } from "../runtime/stack.js";
import { humanDuration, note, out } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { indented, terminalWidth } from "../ui/text.js";
import { verb } from "./verb.js";

const names = () => comparisons.map((x) => x.pattern).join(", ");

/** Rows of label | Restate | plain Node, each cell word-wrapped to its column. Pure, so unit-tested. */
export function sideBySide(rows: [string, string, string][], width: number): string[] {
  const labelW = Math.max(...rows.map((r) => r[0].length), 8);
  const colW = Math.max(20, Math.floor((width - labelW - 4) / 2));
  const lines: string[] = [];
  for (const [label, left, right] of rows) {
    const l = indented(left, colW);
    const r = indented(right, colW);
    for (let i = 0; i < Math.max(l.length, r.length); i++) {
      lines.push(`${(i === 0 ? label : "").padEnd(labelW)}  ${(l[i] ?? "").padEnd(colW)}  ${r[i] ?? ""}`.trimEnd());
    }
  }
  return lines;
}

/** One left-behind effect: a ✗ and its text, wrapped under itself. */
function item(text: string, width: number): string[] {
  return indented(text, width, "    ").map((l, i) => (i === 0 ? `  ${sym.fail} ${l.trimStart()}` : l));
}

export function renderReport(r: CompareReport, width = terminalWidth()): string[] {
  const w = r.withRestate;
  const p = r.withoutRestate;
  const list = (xs: string[]) => (xs.length ? xs.join("; ") : "none");
  const verdict = (ok: boolean) => (ok ? "consistent" : "NOT consistent");
  const table = sideBySide(
    [
      ["", RESTATE_LABEL, PLAIN_LABEL],
      [
        "crash",
        `worker SIGKILLed ${w.crash.when === "after" ? `after "${w.crash.step}" (its result journaled)` : `during "${w.crash.step}" (its result not journaled yet)`}${w.crash.fired ? "" : " (did not fire)"}; Restate retried from the journal`,
        `process SIGKILLed once "${p.crash.step}" had run${p.crash.fired ? "" : " (did not fire)"}; started again once`,
      ],
      ["effects applied", list(w.effects), list(p.effects)],
      ["compensations", list(w.compensations), list(p.compensations)],
      ["final state", w.finalState, p.finalState],
      ["verdict", verdict(w.consistent), verdict(p.consistent)],
      ["why", w.why, p.why],
    ],
    Math.min(width, 140),
  ).map((l, i) => (i === 0 ? c.bold(l) : l.replace(/\bNOT consistent\b/, c.fail("NOT consistent")).replace(/^(verdict\s+)consistent\b/, `$1${c.ok("consistent")}`)));
  const lines = [`${c.bold(r.pattern)}: ${r.scenario}`, c.dim(`invariant: ${r.invariant}`), "", ...table, ""];
  if (p.leftBehind.length) {
    lines.push(`left behind by the ${PLAIN_LABEL} run ${c.dim(`(ledger run ${p.runId})`)}:`);
    for (const l of p.leftBehind) lines.push(...item(l, width));
  } else lines.push(`the ${PLAIN_LABEL} run left nothing behind this time`);
  if (w.leftBehind.length) {
    lines.push(`left behind by the ${RESTATE_LABEL} run:`);
    for (const l of w.leftBehind) lines.push(...item(l, width));
  }
  lines.push(...indented(`the naive retry: ${p.retry.what}`, width).map((l) => c.dim(l)));
  return lines;
}

export const compare = verb<Record<string, never>, CompareReport>({
  path: "compare",
  group: "play",
  summary: "the same crash with and without Restate: a pattern's scenario on Restate, then as plain Node code killed at the same step",
  args: [{ name: "<pattern>", description: `a pattern with a comparison: ${comparisons.map((x) => x.pattern).join(", ")}` }],
  examples: ["npx patterns compare sagas", "npx patterns compare payment-signals --json"],
  help: `\nThe plain run is an ordinary async function in a child process, calling the same step functions and simulated\nsystems, with no journal. Its effects go to the same ledger (simulated.ndjson) under their own run id.\n`,
  async run(ctx, name: string) {
    const cmp = findComparison(name);
    if (!cmp) throw new UsageError(`no comparison for "${name}"`, `npx patterns compare <pattern>, one of: ${names()}`);
    const report = await runComparison(cmp, ctx.stack(), ctx.say);
    ctx.say(`compared in ${humanDuration(report.withRestate.ms + report.withoutRestate.ms)}`);
    return report;
  },
  render: (r) => renderReport(r),
  exitCode: (r) => (r.withRestate.consistent ? 0 : 1),
});

/**
 * The end of a crash tour: offer its comparison. In a terminal (no --yes) it asks and runs it; otherwise it prints the
 * command, so `tour --all` stays as fast as it was. Nothing with --json.
 */
export async function offerComparison(pattern: string, o: { stack: RunningStack; json: boolean; interactive: boolean }): Promise<void> {
  const cmp = findComparison(pattern);
  if (!cmp || o.json) return;
  const command = `npx patterns compare ${pattern}`;
  if (!o.interactive) {
    note(c.dim(`the same crash without Restate: ${c.cmd(command)}`));
    return;
  }
  const { confirm } = await import("@inquirer/prompts");
  if (!(await confirm({ message: `See the same crash without Restate (${command})?`, default: true }, { output: process.stderr }))) return;
  try {
    const report = await runComparison(cmp, o.stack, (l) => note(c.dim(l)));
    out("");
    for (const l of renderReport(report)) out(l);
  } catch (e) {
    // the tour itself is done and judged; a failed comparison is reported, not turned into a failed tour
    note(`${sym.fail} compare ${pattern}: ${errorMessage(e)}`);
  }
}
