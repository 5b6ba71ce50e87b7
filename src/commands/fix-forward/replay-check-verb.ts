// `replay-check [<pattern>] [--last N]`: the verb of ./replay-check.ts. One line per invocation: "replays cleanly",
// or where the current code leaves the recorded path (journal index, what the journal recorded, what the code did,
// Restate's code). Exit 1 on any mismatch or failure.
import { UsageError } from "../../errors.js";
import { c } from "../../ui/palette.js";
import { durationOption, intOption } from "../common.js";
import { verb } from "../verb.js";
import { readState } from "../../runtime/state.js";
import type { RunningStack } from "../../runtime/stack.js";
import { replayCheck, type InvocationCheck, type ReplayCheckResult } from "./replay-check.js";

/** The patterns whose worker folder a `start --watch` reload changed (`services/<pattern>/…`). Pure. */
export function changedPatterns(changed: string[] | undefined, names: string[]): string[] {
  const folders = new Set((changed ?? []).map((f) => /^services\/([^/]+)\//.exec(f)?.[1]).filter((x): x is string => !!x));
  return names.filter((n) => folders.has(n));
}

/**
 * The services to check: the pattern's; without one, those of the patterns the current deployment changed (under
 * `start --watch`), else every pattern's. The CLI registry is read when the verb runs: it loads this folder while it
 * is built.
 */
async function servicesOf(stack: RunningStack, pattern: string | undefined, say: (l: string) => void): Promise<string[]> {
  const { registry, findPattern } = await import("../../registry.js");
  if (pattern === undefined) {
    const changed = readState(stack.paths.stateFile)?.deployments?.find((d) => d.phase === "current")?.changed;
    const names = changedPatterns(
      changed,
      registry.map((p) => p.name),
    );
    if (names.length) {
      say(`the current deployment changed ${names.join(", ")}: checking ${names.length === 1 ? "its" : "their"} services`);
      return [...new Set(names.flatMap((n) => findPattern(n)!.services))];
    }
    return [...new Set(registry.flatMap((p) => p.services))];
  }
  const p = findPattern(pattern);
  if (!p) throw new UsageError(`no pattern "${pattern}"`, `one of: ${registry.map((x) => x.name).join(", ")}`);
  return p.services;
}

function checkLines(r: InvocationCheck): string[] {
  const head = `${c.id(r.original)} ${c.dim(r.target)}`;
  switch (r.verdict) {
    case "clean":
      return [`${c.ok("✓")} ${head} replays cleanly ${c.dim(`(entries 0–${r.copiedUpTo} answered from the journal by the current code)`)}`];
    case "mismatch": {
      const m = r.mismatch!;
      return [
        `${c.fail("✗")} ${head} journal mismatch [${m.code}] at journal index ${m.journalIndex ?? "?"}: recorded ${m.recorded}, the current code ran ${m.now}`,
        `    ${m.explanation}`,
        ...m.restateSays.map((l) => c.dim(`    Restate: ${l}`)),
        ...(r.uiUrl ? [c.dim(`    the check invocation ${r.check} (killed): ${r.uiUrl}`)] : []),
      ];
    }
    case "skipped":
      return [`${c.dim("-")} ${head} skipped: ${r.reason}`];
    default:
      return [`${c.fail("✗")} ${head} ${r.verdict}: ${r.reason ?? ""}`];
  }
}

export const replayCheckVerb = verb<{ last: number; timeout?: number }, ReplayCheckResult>({
  path: "replay-check",
  group: "faults",
  summary: "replay the last completed invocations' journals against the current code: each replays cleanly, or the journal index where the code no longer matches (RT0016)",
  args: [{ name: "[pattern]", description: "only this pattern's services (default: the patterns the last start --watch reload changed, else every pattern's)" }],
  options: [
    { flags: "--last <n>", description: "how many of the newest completed invocations (default 5)", parse: intOption("--last", 1, 100), default: 5 },
    { flags: "--timeout <duration>", description: "how long to wait for the checks (default 30s)", parse: durationOption("--timeout") },
  ],
  examples: ["npx patterns replay-check versioning --last 3", "npx patterns replay-check user-feed --json"],
  help: "\nEach invocation is restarted as new with its whole journal copied (all but the output), on a check deployment of the\ncurrent code whose effects go to a ledger run of their own. New invocations meanwhile run on that deployment too.\n",
  async run(ctx, pattern: string | undefined) {
    const stack = ctx.stack();
    const say = (l: string) => ctx.say(c.dim(l));
    const r = await replayCheck(stack, await servicesOf(stack, pattern, say), { last: ctx.opts.last, timeoutMs: ctx.opts.timeout ?? 30_000, say });
    const first = r.results.find((x) => x.copiedUpTo !== undefined);
    if (first) ctx.equivalent({ method: "PATCH", url: `${stack.state.adminUrl}/invocations/${first.original}/restart-as-new?from=${first.copiedUpTo}&deployment=${r.checkDeployment}` });
    return r;
  },
  render: (d) => (d.results.length ? d.results.flatMap(checkLines) : [c.dim(`no completed invocation of ${d.services.join(", ")} with its journal kept: nothing to replay`)]),
  notes: (d) => [
    d.problems
      ? c.fail(`${d.problems} of ${d.checked} do not replay on the current code: invocations in flight on the old code would hit this on their next replay`)
      : c.ok(`${d.clean} of ${d.checked} replay cleanly`),
    c.dim(`effects during the check: ${d.effectsDuringCheck} (ledger run ${d.ledgerRun}, kept apart from the playground's)`),
  ],
  exitCode: (d) => (d.problems ? 1 : 0),
});
