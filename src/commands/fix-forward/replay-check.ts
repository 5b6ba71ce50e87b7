// `replay-check`: before a change is trusted, replay recorded journals against the current code. The last N completed
// invocations of the services are restarted as new with their whole journal copied (all but the output), so the
// current code must take exactly the paths the journal records: if it does, every step is answered from the journal
// and the check completes ("replays cleanly"); if not, Restate stops it with a journal mismatch (570, RT0016) at the
// first step that differs. The checks run on a check deployment of the same code whose worker records any effect
// under its own ledger run (PATTERNS_LEDGER_RUN, as `compare` does), so the playground's ledger stays the playground's;
// the current deployment is put back afterwards.
import { randomBytes } from "node:crypto";
import { PlaygroundError } from "../../errors.js";
import { completedWithJournal, eventually, invocations, journal, type InvocationRow, type JournalRow } from "../../observe/index.js";
import { uiUrlFor } from "../../observe/sql.js";
import { control, type RunningStack } from "../../runtime/stack.js";
import { readState } from "../../runtime/state.js";
import type { ReloadOutcome } from "../../runtime/watch.js";
import { readLedger } from "../../services/lib/simulated.js";
import { describeMismatch, type Mismatch } from "./mismatch.js";

export type CheckVerdict = "clean" | "mismatch" | "failed" | "skipped" | "unfinished";

export interface InvocationCheck {
  original: string;
  target: string;
  verdict: CheckVerdict;
  /** the check invocation (restart-as-new of the original) */
  check?: string;
  /** entries 0…copiedUpTo were copied: everything but the output */
  copiedUpTo?: number;
  mismatch?: Mismatch;
  /** why it failed or was skipped, in words */
  reason?: string;
  uiUrl?: string;
}

export interface ReplayCheckResult {
  services: string[];
  checked: number;
  clean: number;
  problems: number;
  /** the deployment the checks ran on (same code as the current one), and the ledger run its effects went to */
  checkDeployment?: string;
  ledgerRun: string;
  effectsDuringCheck: number;
  results: InvocationCheck[];
}

/** The last entry to copy: everything but the output, so the current code must walk the whole recorded path. */
export function copyPoint(rows: Pick<JournalRow, "index" | "entry_type">[]): number | undefined {
  const output = rows.find((r) => r.entry_type === "Command: Output");
  const last = output ? output.index - 1 : Math.max(...rows.map((r) => r.index));
  const steps = rows.filter((r) => r.index <= last && r.entry_type.startsWith("Command: ") && r.entry_type !== "Command: Input");
  return steps.length ? last : undefined;
}

function reload(stack: RunningStack, env: Record<string, string>): Promise<ReloadOutcome> {
  return control<ReloadOutcome>(stack.paths, "POST", "/reload", { env }, 60_000);
}

/** Wait until a check completes, or fails at least once (a mismatch is retried forever: its first failure is enough). */
async function settle(stack: RunningStack, ids: string[], timeoutMs: number): Promise<Map<string, InvocationRow>> {
  const settled = (r?: InvocationRow) => !!r && (r.status === "completed" || (!!r.last_failure && (r.retry_count ?? 0) >= 1) || r.status === "paused");
  let rows: InvocationRow[] = [];
  await eventually(
    `${ids.length} replay checks to complete or fail`,
    async () => {
      rows = await invocations(stack.admin, { ids });
      return ids.every((id) => settled(rows.find((r) => r.id === id))) ? true : undefined;
    },
    { timeoutMs },
  ).catch(() => undefined);
  return new Map(rows.map((r) => [r.id, r]));
}

function judge(original: InvocationRow, rows: JournalRow[], check: InvocationRow | undefined): Pick<InvocationCheck, "verdict" | "mismatch" | "reason"> {
  if (!check) return { verdict: "unfinished", reason: "the check invocation was not found" };
  if (check.status === "completed" && check.completion_result === "success") return { verdict: "clean" };
  const failure = check.status === "completed" ? (check.completion_failure ?? "failed") : (check.last_failure ?? "");
  const mismatch = describeMismatch(check, rows);
  if (mismatch) return { verdict: "mismatch", mismatch };
  if (!failure) return { verdict: "unfinished", reason: `still ${check.status} when the time ran out` };
  return {
    verdict: "failed",
    reason: `the current code fails where the recorded run succeeded: ${failure.split("\n")[0]}${check.last_failure_error_code ? ` [${check.last_failure_error_code}]` : ""}`,
  };
}

/** Restart each invocation from its whole journal on the check deployment; collect verdicts; kill what still retries. */
async function runChecks(stack: RunningStack, originals: InvocationRow[], deployment: string, timeoutMs: number): Promise<InvocationCheck[]> {
  const journals = await journal(
    stack.admin,
    originals.map((o) => o.id),
    { lite: true },
  );
  const results: InvocationCheck[] = [];
  const started: { res: InvocationCheck; rows: JournalRow[]; original: InvocationRow }[] = [];
  for (const o of originals) {
    const rows = journals.filter((r) => r.id === o.id);
    const res: InvocationCheck = { original: o.id, target: o.target, verdict: "skipped" };
    results.push(res);
    const from = copyPoint(rows);
    if (from === undefined) {
      res.reason = rows.length ? "no steps recorded: nothing to replay" : "its journal is gone (purged or past retention)";
      continue;
    }
    try {
      res.check = await stack.admin.restartAsNew(o.id, { from, deployment });
      res.copiedUpTo = from;
      res.uiUrl = uiUrlFor(stack.state.adminUrl, res.check);
      started.push({ res, rows, original: o });
    } catch (e) {
      res.reason = `Restate refused the restart: ${e instanceof Error ? e.message.replace(/^admin \S+ \S+ failed with /, "") : String(e)}`;
    }
  }
  const ids = started.map((s) => s.res.check!);
  const rows = ids.length ? await settle(stack, ids, timeoutMs) : new Map<string, InvocationRow>();
  for (const s of started) Object.assign(s.res, judge(s.original, s.rows, rows.get(s.res.check!)));
  // a check that mismatched keeps retrying (and, on an object, holds its key): end it
  await Promise.all(started.filter((s) => rows.get(s.res.check!)?.status !== "completed").map((s) => stack.admin.killInvocation(s.res.check!).catch(() => {})));
  return results;
}

export async function replayCheck(stack: RunningStack, services: string[], o: { last: number; timeoutMs: number; say: (l: string) => void }): Promise<ReplayCheckResult> {
  const originals = await completedWithJournal(stack.admin, services, o.last);
  const run = `replay-check-${randomBytes(3).toString("hex")}`;
  const base: ReplayCheckResult = { services, checked: 0, clean: 0, problems: 0, ledgerRun: run, effectsDuringCheck: 0, results: [] };
  if (originals.length === 0) return base;
  const current = readState(stack.paths.stateFile)?.deployments?.find((d) => d.phase === "current");
  if (!current) throw new PlaygroundError("the supervisor reports no current deployment", "restart the stack: npx patterns stop && npx patterns start");
  const env = current.env ?? {};
  o.say(`a check deployment of the current code (${current.code}) takes the checks; its effects go to ledger run ${run}`);
  const checkDeployment = await reload(stack, { ...env, PATTERNS_LEDGER_RUN: run });
  let results: InvocationCheck[];
  try {
    o.say(`replaying ${originals.length} journal${originals.length === 1 ? "" : "s"} on ${checkDeployment.deployment}`);
    results = await runChecks(stack, originals, checkDeployment.deployment, o.timeoutMs);
  } finally {
    o.say(`putting the current code back as a new deployment (the check deployment drains)`);
    await reload(stack, env);
  }
  const effects = readLedger(stack.paths.root, { run }).length;
  const checked = results.filter((r) => r.verdict !== "skipped");
  return {
    ...base,
    checkDeployment: checkDeployment.deployment,
    checked: checked.length,
    clean: checked.filter((r) => r.verdict === "clean").length,
    problems: checked.filter((r) => r.verdict !== "clean").length,
    effectsDuringCheck: effects,
    results,
  };
}
