// Fix forward, the pure parts: where `rerun --from` restarts, what replay-check copies, a journal mismatch in words,
// and a restarted invocation's timeline (recorded from a real `rerun --from "update feed"` of a user-feed post).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildTimeline } from "../../src/observe/model.js";
import { renderTimeline } from "../../src/observe/render.js";
import type { Snapshot } from "../../src/observe/types.js";
import { restartPoint, restartRefusal } from "../../src/commands/fix-forward/run.js";
import { copyPoint } from "../../src/commands/fix-forward/replay-check.js";
import { changedPatterns } from "../../src/commands/fix-forward/replay-check-verb.js";
import { describeMismatch, differences } from "../../src/commands/fix-forward/mismatch.js";
import { AdminError } from "../../src/runtime/admin.js";

const feedJournal = [
  { index: 0, entry_type: "Command: Input", name: "" },
  { index: 1, entry_type: "Command: Run", name: "create post" },
  { index: 2, entry_type: "Notification: Run" },
  { index: 3, entry_type: "Command: Run", name: "check moderation" },
  { index: 4, entry_type: "Notification: Run" },
  { index: 5, entry_type: "Command: Sleep", name: "moderation pending" },
  { index: 6, entry_type: "Notification: Sleep" },
  { index: 7, entry_type: "Command: Run", name: "check moderation" },
  { index: 8, entry_type: "Notification: Run" },
  { index: 9, entry_type: "Command: Run", name: "update feed" },
  { index: 10, entry_type: "Notification: Run" },
  { index: 11, entry_type: "Command: GetEagerState", name: "" },
  { index: 12, entry_type: "Command: SetState", name: "" },
  { index: 13, entry_type: "Command: Output", name: "" },
];

describe("rerun --from", () => {
  it("a step name restarts at its command: everything before it is copied", () => {
    expect(restartPoint(feedJournal, "update feed")).toEqual({ index: 9, step: "update feed", copyUpTo: 8 });
    // a repeated name: its first occurrence; the later one by index
    expect(restartPoint(feedJournal, "check moderation")).toMatchObject({ index: 3, copyUpTo: 2 });
    expect(restartPoint(feedJournal, "7")).toMatchObject({ index: 7, step: "check moderation", copyUpTo: 6 });
    expect(restartPoint(feedJournal, undefined)).toEqual({ copyUpTo: 0 });
  });
  it("an unknown step or a notification's index is a usage error listing the steps", () => {
    expect(() => restartPoint(feedJournal, "publish")).toThrow(/no step named "publish"/);
    expect(() => restartPoint(feedJournal, "8")).toThrow(/journal index 8 is not a step/);
    try {
      restartPoint(feedJournal, "nope");
    } catch (e) {
      expect((e as { fix?: string }).fix).toContain('9 "update feed"');
      expect((e as { exitCode?: number }).exitCode).toBe(2);
    }
  });
  it("Restate's refusals become one line with the fix", () => {
    const inv = { id: "inv_1", target: "BookingWorkflow/t/run", target_service_ty: "workflow", target_handler_name: "run" };
    expect(restartRefusal(new AdminError("admin PATCH x failed with 422: Restarting workflows is not supported", 422, ""), inv)?.message).toMatch(/does not restart a workflow's run handler/);
    expect(restartRefusal(new AdminError("admin PATCH x failed with 410: input is not available", 410, ""), inv)?.message).toMatch(/journal is gone/);
    expect(restartRefusal(new Error("other"), inv)).toBeUndefined();
  });
});

describe("replay-check", () => {
  it("copies the whole journal but the output", () => {
    expect(copyPoint(feedJournal)).toBe(12);
    expect(copyPoint([feedJournal[0]!, { index: 1, entry_type: "Command: Output" }])).toBeUndefined();
    expect(copyPoint([])).toBeUndefined();
  });
  it("without a pattern, checks the patterns a start --watch reload changed", () => {
    expect(changedPatterns(["services/sagas/booking.ts", "services/lib/time.ts"], ["sagas", "user-feed"])).toEqual(["sagas"]);
    expect(changedPatterns(undefined, ["sagas"])).toEqual([]);
  });
  it("reads Restate's difference lines, quoted or not", () => {
    expect(differences("- Difference:\n   name: reserve stock != ship")).toEqual([{ field: "name", recorded: "reserve stock", now: "ship" }]);
    expect(differences("- Difference:\n   value: '[1]' != '[2]'")).toEqual([{ field: "value", recorded: "[1]", now: "[2]" }]);
  });
  it("names the journal index and both steps of a swap", () => {
    const journal = [
      { index: 0, entry_type: "Command: Input", name: "" },
      { index: 1, entry_type: "Command: Run", name: "reserve stock" },
      { index: 2, entry_type: "Notification: Run" },
      { index: 3, entry_type: "Command: Sleep", name: "wait for the courier" },
      { index: 4, entry_type: "Notification: Sleep" },
      { index: 5, entry_type: "Command: Run", name: "ship" },
    ];
    const m = describeMismatch(
      {
        last_failure:
          "[570 Journal mismatch] Found a mismatch between the code paths taken during the previous execution and the paths taken during this execution.\n- The mismatch happened while executing 'run' (index '1')\n- Difference:\n   name: reserve stock != ship",
        last_failure_error_code: "RT0016",
        last_failure_related_command_index: 1,
        last_failure_related_command_type: "Run",
      },
      journal,
    )!;
    expect(m).toMatchObject({ code: "RT0016", journalIndex: 1, recorded: 'step "reserve stock"', now: 'step "ship"' });
    expect(m.explanation).toContain("journal index 1");
    // the position counts commands only: command 2 is the sleep at journal index 3
    expect(describeMismatch({ last_failure: "[570 Journal mismatch] … (index '2')", last_failure_error_code: "RT0016", last_failure_related_command_index: 2 }, journal)?.journalIndex).toBe(3);
    expect(describeMismatch({ last_failure: "[500] boom", last_failure_error_code: "RT0007" }, journal)).toBeUndefined();
    // the same command with another value: said as such
    const value = describeMismatch(
      {
        last_failure: "[570 Journal mismatch] …\n- The mismatch happened while executing 'set state' (index '1')\n- Difference:\n   value: '[1]' != '[2]'",
        last_failure_error_code: "RT0016",
        last_failure_related_command_index: 1,
        last_failure_related_command_type: "Run",
      },
      journal,
    )!;
    expect(value.now).toMatch(/with a different value$/);
    expect(value.explanation).toContain("with value [1], and the current code did it with [2]");
  });
});

describe("a restarted invocation's timeline", () => {
  const snap = JSON.parse(readFileSync(path.join(import.meta.dirname, "timeline-fixtures", "restarted.json"), "utf8")) as Snapshot;
  const [restarted, original] = snap.invocations;

  it("shows the copied steps REPLAYED and the rest live", () => {
    const t = buildTimeline(snap, restarted!.id);
    const runs = t.entries.filter((e) => e.kind === "run").map((e) => `${e.name}: ${e.execution?.verdict}`);
    expect(runs).toEqual(["create post: replayed", "check moderation: replayed", "check moderation: replayed", "update feed: live"]);
    expect(t.invocation.restartedFrom).toEqual({ id: original!.id, copiedUpTo: 8 });
  });
  it("links the two both ways and names the UI page", () => {
    const withUi = { ...snap, uiBase: "http://127.0.0.1:9070/ui" };
    expect(buildTimeline(withUi, original!.id).invocation.restartedAs).toEqual([restarted!.id]);
    const text = renderTimeline(buildTimeline(withUi, restarted!.id), { width: 200 }).join("\n");
    expect(text).toContain(`restarted as new from ${original!.id}`);
    expect(text).toContain(`Restate UI: http://127.0.0.1:9070/ui/invocations/${restarted!.id}`);
  });
  it("at 80 columns the UI address stays whole, on a line of its own", () => {
    const withUi = { ...snap, uiBase: "http://127.0.0.1:28001/ui" };
    const lines = renderTimeline(buildTimeline(withUi, restarted!.id), { width: 80 });
    expect(
      lines.filter((l) => [...l].length > 80),
      "lines wider than 80",
    ).toEqual([]);
    expect(lines).toContain(`  http://127.0.0.1:28001/ui/invocations/${restarted!.id}`);
  });
  it("without the restart, the same copied entries would not be called replayed", () => {
    const plain = { ...snap, invocations: snap.invocations.map((i) => (i.id === restarted!.id ? { ...i, restarted_from: undefined } : i)) };
    const verdicts = buildTimeline(plain, restarted!.id)
      .entries.filter((e) => e.kind === "run")
      .map((e) => e.execution?.verdict);
    expect(verdicts).not.toContain("replayed");
  });
});
