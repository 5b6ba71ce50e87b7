// `patterns tour <pattern>` / `tour --all`: present a tour (src/tours/tours.ts) to a person: the guarantee, each
// step with a spinner, pauses where to look (skipped with --yes or without a terminal), the journal of the key
// invocation, and the checks.
import type { RunningStack } from "../../runtime/stack.js";
import { runTour, type Tour, type TourReport } from "../../tours/tours.js";
import { humanDuration, note, out, shortId } from "../../ui/output.js";
import { c, sym } from "../../ui/palette.js";
import { spinner, type Step } from "../../ui/spinner.js";
import { errorMessage } from "../../errors.js";
import { invocationTimeline, renderTimeline, type Timeline } from "../../observe/timeline.js";
import { displayWidth, hanging, indented, keepTogether, proseWidth, table, terminalWidth, wrap } from "../../ui/text.js";
import { offerComparison } from "../compare.js";
import { invocations, StackGoneError } from "../../observe/index.js";
import { buildLanes, renderLanes } from "../../observe/lanes.js";

export interface PresentOptions {
  stack: RunningStack;
  json: boolean;
  /** skip the pauses */
  yes: boolean;
  crash: boolean;
  /** whether a verb exists (to point at `timeline <id>` only when it is there) */
  hasVerb?: (name: string) => boolean;
}

export interface PresentedTour extends TourReport {
  timeline?: Timeline;
  stopped?: boolean;
}

/** The user answered "no" at a pause. */
export class TourStopped extends Error {
  constructor() {
    super("tour stopped");
    this.name = "TourStopped";
  }
}

/** Narration lines become steps with a spinner; indented lines are details printed under the current step. */
export class StepView {
  private current?: Step;
  private details: string[] = [];
  constructor(private readonly json: boolean) {}

  say = (text: string): void => {
    if (this.json) return;
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      if (/^\s/.test(line)) {
        if (this.current) this.details.push(line);
        else for (const l of hanging(/^ */.exec(line)![0], line.trimStart(), proseWidth(process.stderr, 120), /^ */.exec(line)![0].length + 2)) note(c.dim(l));
        continue;
      }
      this.finish(true);
      this.current = spinner(line);
    }
  };

  finish(ok: boolean): void {
    if (this.current) {
      if (ok) this.current.done();
      else this.current.fail();
      this.current = undefined;
    }
    for (const d of this.details) for (const l of hanging(/^ */.exec(d)![0], d.trimStart(), proseWidth(process.stderr, 120), /^ */.exec(d)![0].length + 2)) note(c.dim(l));
    this.details = [];
  }
}

export function interactiveTerminal(): boolean {
  return !!process.stdin.isTTY && !!process.stderr.isTTY;
}

export function introLines(t: Tour, crash: boolean, width = proseWidth()): string[] {
  const lines = [
    "",
    ...hanging("", `${c.bold(`━━ ${t.title}`)} ${c.dim(`(${t.category}${t.builtIn ? "" : ` · npx patterns tour ${t.name}`})`)}`, width, 3),
    ...indented(t.summary, width, "  ").map((l) => c.info(l)),
    "",
    c.bold("  The guarantee"),
    ...indented(t.guarantee, width, "    "),
    "",
    ...hanging(`  ${c.dim("services")}  `, t.services.join(", ") || "-", width),
  ];
  // one command per piece: a command is never split across lines, unless it is longer than a line (then between its
  // words, never inside one)
  const room = width - 12;
  const command = (v: string) => (displayWidth(`npx patterns ${v},`) <= room ? keepTogether(`npx patterns ${v}`) : `npx patterns ${v}`);
  if (t.verbs.length) lines.push(...hanging(`  ${c.dim("verbs")}     `, t.verbs.map((v) => c.cmd(command(v))).join(c.dim(", ")), width));
  if (t.crash && crash) {
    lines.push(
      "",
      ...indented(
        `${sym.warn} This tour kills the worker process (SIGKILL) ${t.crash.when === "after" ? "right after" : "during"} the step "${t.crash.step}" and watches the invocation resume. Follow it live in another terminal with \`npx patterns logs worker -f\`.`,
        width,
        "  ",
      ),
    );
  }
  return lines;
}

/** Ask a yes/no question in a terminal (yes without one). */
async function ask(message: string, interactive: boolean): Promise<boolean> {
  if (!interactive) return true;
  const { confirm } = await import("@inquirer/prompts");
  return confirm({ message, default: true }, { output: process.stderr });
}

/** A question whose "no" ends the tour (before anything ran). */
async function pause(message: string, interactive: boolean): Promise<void> {
  if (!(await ask(message, interactive))) throw new TourStopped();
}

/** One check per item, wrapped at word boundaries to the width (continuation lines indented under the sentence). */
export function checkLines(report: TourReport, width = terminalWidth()): string[] {
  const lines = report.checks.flatMap((x) => wrap(`${x.ok ? sym.ok : sym.fail} ${x.name}${x.detail ? c.dim(` — ${x.detail}`) : ""}`, width - 2).map((l, i) => (i === 0 ? l : `  ${l}`)));
  const failed = report.checks.filter((x) => !x.ok).length;
  lines.push(
    report.passed
      ? c.ok(`${report.title}: all ${report.checks.length} checks passed`) + c.dim(` (${humanDuration(report.ms)})`)
      : c.fail(`${report.title}: ${failed} of ${report.checks.length} checks failed`) + c.dim(` (${humanDuration(report.ms)})`),
  );
  return lines;
}

export async function presentTour(tour: Tour, o: PresentOptions): Promise<PresentedTour> {
  const interactive = !o.yes && !o.json && interactiveTerminal();
  const crash = o.crash && !!tour.crash;
  if (!o.json) for (const l of introLines(tour, crash)) note(l);
  if (!o.json) note("");
  await pause("Run the scenario for real now?", interactive);

  const view = new StepView(o.json);
  let report: TourReport | undefined;
  try {
    report = await runTour(tour, { stack: o.stack, json: o.json, crash: o.crash, hooks: { say: view.say } });
  } finally {
    view.finish(!!report && !report.error);
  }

  if (!o.json && tour.look.length) {
    note("");
    note(c.bold("  Look at"));
    for (const l of tour.look) indented(l, proseWidth(), "    ").forEach((w, i) => note(i === 0 ? w.replace(/^ {4}/, "  • ") : w));
  }
  let timeline: Timeline | undefined;
  // the optional views below come after every check was computed (runTour): declining them skips a view, never a check
  const laneIds = Array.isArray(report.data?.lanes) ? (report.data.lanes as unknown[]).filter((x): x is string => typeof x === "string") : [];
  if (!o.json && laneIds.length && (await ask("Show the lanes of those invocations (timeline --lanes)?", interactive))) {
    const rows = await invocations(o.stack.admin, { ids: laneIds }).catch(() => []);
    out("");
    out(c.bold(`The lanes of the ${rows.length} invocations the tour talks about`) + c.dim(" (like npx patterns timeline --lanes)"));
    for (const l of renderLanes(buildLanes(rows, new Date()), Math.max(20, Math.min(60, (process.stdout.columns || 100) - 60)))) out(l);
  }
  if (report.keyInvocation && (await ask(`Show the journal of ${shortId(report.keyInvocation)}?`, interactive))) {
    timeline = await invocationTimeline(o.stack, report.keyInvocation).catch(() => undefined);
    if (timeline && !o.json) {
      out("");
      for (const l of renderTimeline(timeline)) out(l);
    }
  }
  if (!o.json) {
    out("");
    for (const l of checkLines(report)) out(l);
    const next: string[] = [];
    if (report.keyInvocation && o.hasVerb?.("timeline")) next.push(`npx patterns timeline ${report.keyInvocation}`);
    if (tour.services[0]) next.push(`npx patterns invocations --service ${tour.services[0]}`);
    if (next.length) note(c.dim(`next: ${next.map((n) => c.cmd(n)).join(c.dim(", "))}`));
  }
  if (crash) await offerComparison(tour.name, { stack: o.stack, json: o.json, interactive });
  return { ...report, timeline };
}

export interface TourAllResult {
  passed: boolean;
  tours: PresentedTour[];
}

/** Every tour in turn, non-interactively; one failing tour does not stop the others. */
export async function presentAll(tours: Tour[], o: PresentOptions): Promise<TourAllResult> {
  const results: PresentedTour[] = [];
  for (const t of tours) {
    try {
      results.push(await presentTour(t, { ...o, yes: true }));
    } catch (e) {
      // the stack is gone: every tour after this one would fail the same way
      if (e instanceof StackGoneError) throw e;
      const error = errorMessage(e);
      if (!o.json) note(`${sym.fail} ${t.name}: ${error}`);
      results.push({ name: t.name, title: t.title, passed: false, checks: [{ name: "the tour ran", ok: false, detail: error }], ms: 0, error });
    }
  }
  return { passed: results.length > 0 && results.every((r) => r.passed), tours: results };
}

export function summaryLines(r: TourAllResult, width = process.stdout.columns || 120): string[] {
  const rows = r.tours.map((t) => {
    const failed = t.checks.filter((x) => !x.ok);
    return [
      t.name,
      t.passed ? c.ok("pass") : c.fail("FAIL"),
      `${t.checks.length - failed.length}/${t.checks.length}`,
      humanDuration(t.ms),
      failed.length ? c.dim(failed.map((x) => x.name).join("; ")) : t.crash ? c.dim(`crashed at "${t.crash.step}" and resumed`) : "",
    ];
  });
  const failedCount = r.tours.filter((t) => !t.passed).length;
  return [...table(["tour", "result", "checks", "took", "notes"], rows, { width }), r.passed ? c.ok(`all ${r.tours.length} tours passed`) : c.fail(`${failedCount} of ${r.tours.length} tours failed`)];
}
