// Runners of the fix-forward verbs (`rerun`, `pause`, `resume`): Restate's admin API for fixing forward
// (PATCH /invocations/{id}/restart-as-new | pause | resume), with Restate's refusals turned into one line and the fix.
// They return data; ./verbs.ts renders it. Reads of Restate's tables go through src/observe.
import { PlaygroundError, UsageError } from "../../errors.js";
import { AdminError } from "../../runtime/admin.js";
import type { RunningStack } from "../../runtime/stack.js";
import { eventually, invocation, journal, resolveInvocationId, type InvocationRow, type JournalRow } from "../../observe/index.js";
import { pinnedDeployments } from "../../observe/deployments.js";
import type { RawCall } from "../../ui/curl.js";

/** Where `--from` points: the journal index where live execution starts again (entries before it are copied). */
export interface RestartPoint {
  /** the command the new invocation runs live first (absent: from the beginning) */
  index?: number;
  step?: string;
  /** what Restate's `from` parameter gets: the last index copied (0 = only the input) */
  copyUpTo: number;
}

/** The commands of a journal that a person can name: steps, not the input, output or notifications. */
export function namedCommands(rows: Pick<JournalRow, "index" | "entry_type" | "name">[]): { index: number; type: string; name: string }[] {
  return rows
    .filter((r) => r.entry_type.startsWith("Command: ") && r.entry_type !== "Command: Input" && r.entry_type !== "Command: Output")
    .map((r) => ({ index: r.index, type: r.entry_type.slice("Command: ".length), name: r.name ?? "" }));
}

/** `--from "update feed"` or `--from 9` → the restart point; a name picks its first occurrence. Pure (unit-tested). */
export function restartPoint(rows: Pick<JournalRow, "index" | "entry_type" | "name">[], from: string | undefined): RestartPoint {
  if (from === undefined) return { copyUpTo: 0 };
  const cmds = namedCommands(rows);
  const list = cmds.map((c) => (c.name ? `${c.index} "${c.name}"` : `${c.index} (${c.type})`)).join(", ");
  const fix = cmds.length ? `its steps by journal index: ${list}` : "this journal has no steps after its input: rerun it without --from";
  const raw = from.trim();
  const hit = /^\d+$/.test(raw) ? cmds.find((c) => c.index === Number(raw)) : cmds.find((c) => c.name === raw);
  if (!hit) throw new UsageError(/^\d+$/.test(raw) ? `journal index ${raw} is not a step of this invocation` : `this invocation has no step named "${raw}"`, fix);
  return { index: hit.index, step: hit.name || hit.type, copyUpTo: hit.index - 1 };
}

export type Placement = "current" | "original";

/** Restate's refusals of a restart, in words, with the fix. */
export function restartRefusal(e: unknown, inv: Pick<InvocationRow, "id" | "target" | "target_service_ty" | "target_handler_name">): PlaygroundError | undefined {
  if (!(e instanceof AdminError)) return undefined;
  const said = `(Restate: ${e.status} ${e.message.replace(/^admin \S+ \S+ failed with \d+: /, "")})`;
  switch (e.status) {
    case 410:
      return new PlaygroundError(
        `${inv.id} cannot be rerun: its journal is gone (purged, or past its journal retention), so Restate no longer has its input ${said}`,
        "rerun an invocation that still has its journal (kept for the handler's journalRetention, 1 day by default), or call the handler again",
      );
    case 422:
      return new PlaygroundError(
        `${inv.id} cannot be rerun: Restate does not restart a workflow's ${inv.target_handler_name} handler (a workflow runs once per key) ${said}`,
        `start the workflow again under a new key (the pattern's own verb), or purge this one first: curl -X PATCH …/invocations/${inv.id}/purge`,
      );
    case 409:
    case 425:
      return new PlaygroundError(
        `${inv.id} cannot be rerun yet: it has not completed ${said}`,
        `wait for it, or fix it in place: npx patterns pause ${inv.id}, then npx patterns resume ${inv.id} --on latest`,
      );
    default:
      return undefined;
  }
}

export interface RestartResult {
  original: { id: string; target: string; status: string };
  from: RestartPoint;
  on: Placement;
  newInvocationId: string;
}

/** Restart a completed invocation as a new one from a step (Restate's restart-as-new). */
export async function restart(stack: RunningStack, rawId: string, o: { from?: string; on?: Placement }, report: (c: RawCall) => void): Promise<RestartResult> {
  const id = await resolveInvocationId(stack.admin, rawId);
  const inv = (await invocation(stack.admin, id))!;
  if (inv.status !== "completed") {
    throw new PlaygroundError(
      `${id} (${inv.target}) is ${inv.status}: a rerun restarts a completed invocation`,
      inv.status === "backing-off" || inv.status === "paused"
        ? `fix it in place instead: npx patterns pause ${id}, deploy the fix, npx patterns resume ${id} --on latest`
        : "wait until it completes, then rerun it",
    );
  }
  const on = o.on ?? "current";
  const rows = await journal(stack.admin, [id], { lite: true });
  if (rows.length === 0) {
    throw restartRefusal(new AdminError("journal gone", 410, ""), inv)!;
  }
  const point = restartPoint(rows, o.from);
  if (on === "original" && point.copyUpTo === 0)
    throw new UsageError("--on original needs --from: a rerun from the beginning always runs on the current deployment", "add --from <step>, or drop --on");
  if (on === "original") await originalDeploymentKept(stack, id);
  const deployment = point.copyUpTo > 0 ? (on === "original" ? "keep" : "latest") : undefined;
  const qs = [point.copyUpTo ? `from=${point.copyUpTo}` : "", deployment ? `deployment=${deployment}` : ""].filter(Boolean).join("&");
  report({ method: "PATCH", url: `${stack.state.adminUrl}/invocations/${id}/restart-as-new${qs ? `?${qs}` : ""}` });
  let newId: string;
  try {
    newId = await stack.admin.restartAsNew(id, { from: point.copyUpTo || undefined, deployment });
  } catch (e) {
    throw restartRefusal(e, inv) ?? e;
  }
  return { original: { id, target: inv.target, status: inv.status }, from: point, on, newInvocationId: newId };
}

/** `--on original` needs the deployment it ran on: once drained and removed, Restate would retry the rerun forever. */
async function originalDeploymentKept(stack: RunningStack, id: string): Promise<void> {
  const pinned = (await pinnedDeployments(stack.admin, [id])).get(id)?.deployment;
  if (!pinned) throw new PlaygroundError(`${id} is not pinned to a deployment Restate still knows`, "rerun it on the current code: drop --on original");
  const registered = (await stack.admin.deployments()).some((d) => d.id === pinned);
  if (!registered) {
    throw new PlaygroundError(
      `the deployment ${id} ran on (${pinned}) is gone: it drained and was removed, so a rerun kept on it could never run (Restate: RT0011)`,
      "rerun it on the current code: drop --on original",
    );
  }
}

export interface PauseResult {
  id: string;
  target: string;
  before: string;
  status: string;
  attempts?: number;
  lastFailure?: string;
}

/** Pause an invocation that is running or retrying: it stays where it is (journal and pinned deployment) until resumed. */
export async function pause(stack: RunningStack, rawId: string, report: (c: RawCall) => void): Promise<PauseResult> {
  const id = await resolveInvocationId(stack.admin, rawId);
  const inv = (await invocation(stack.admin, id))!;
  if (inv.status === "completed")
    throw new PlaygroundError(`${id} (${inv.target}) has already completed: there is nothing to pause`, `rerun it from a step instead: npx patterns rerun ${id} --from <step>`);
  report({ method: "PATCH", url: `${stack.state.adminUrl}/invocations/${id}/pause` });
  try {
    await stack.admin.pauseInvocation(id);
  } catch (e) {
    if (e instanceof AdminError && e.status === 409) {
      throw new PlaygroundError(
        `${id} is ${inv.status}, not running: Restate pauses only a running or retrying invocation`,
        inv.status === "suspended" ? "a suspended invocation waits already; resume it to run it now" : "check it with `npx patterns timeline`",
      );
    }
    throw e;
  }
  const now = await eventually(
    `${id} paused`,
    async () => {
      const r = await invocation(stack.admin, id);
      return r?.status === "paused" || r?.status === "completed" ? r : undefined;
    },
    { timeoutMs: 30_000 },
  );
  if (now.status !== "paused") throw new PlaygroundError(`${id} completed before it could be paused (${now.completion_result ?? "?"})`, "nothing to resume: look at it with `npx patterns timeline`");
  return { id, target: inv.target, before: inv.status, status: now.status, attempts: now.retry_count, lastFailure: now.last_failure?.split("\n")[0] };
}

export interface ResumeResult {
  id: string;
  target: string;
  before: string;
  /** the deployment it was pinned to before, and after */
  pinnedBefore?: string;
  on: string;
}

/** Resume a paused (or suspended) invocation, on its pinned deployment or another one ("latest", a deployment id). */
export async function resume(stack: RunningStack, rawId: string, on: string | undefined, report: (c: RawCall) => void): Promise<ResumeResult> {
  const id = await resolveInvocationId(stack.admin, rawId);
  const inv = (await invocation(stack.admin, id))!;
  if (inv.status === "completed")
    throw new PlaygroundError(`${id} (${inv.target}) has already completed: there is nothing to resume`, `rerun it from a step instead: npx patterns rerun ${id} --from <step>`);
  const pinned = (await pinnedDeployments(stack.admin, [id])).get(id)?.deployment;
  report({ method: "PATCH", url: `${stack.state.adminUrl}/invocations/${id}/resume${on ? `?deployment=${on}` : ""}` });
  try {
    await stack.admin.resumeInvocation(id, on);
  } catch (e) {
    if (e instanceof AdminError && e.status === 409) {
      throw new PlaygroundError(`${id} is ${inv.status}: Restate moves an invocation to another deployment only while it is paused or suspended`, `pause it first: npx patterns pause ${id}`);
    }
    if (e instanceof AdminError && e.status === 425) throw new PlaygroundError(`${id} is ${inv.status} (queued or scheduled): there is nothing to resume yet`, "wait until it runs");
    if (e instanceof AdminError && e.status === 400)
      throw new PlaygroundError(`Restate refused --on ${on}: ${e.message.replace(/^admin \S+ \S+ failed with \d+: /, "")}`, "use --on latest, or a deployment id from `npx patterns status`");
    throw e;
  }
  return { id, target: inv.target, before: inv.status, pinnedBefore: pinned, on: on ?? "its pinned deployment" };
}
