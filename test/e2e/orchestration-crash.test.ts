// Sagas killed during compensation (a targeted check of the guarantees), on a private stack: `saga book --fail payment
// --crash-after <compensation step>` SIGKILLs the worker in the middle of the rollback; the supervisor restarts it,
// the workflow resumes from its journal, and the ledger shows every compensation exactly once, newest first.
import { describe, expect, it } from "vitest";
import { privateStack } from "../helpers.js";
import { readLedger, type LedgerEntry } from "../../src/services/lib/simulated.js";
import { randomUUID } from "node:crypto";

const s = privateStack(["--no-kafka"]);

const UNDO: Record<string, string> = { "payment-provider:refund": "Refund payment", "car-rentals:cancel": "Cancel car", "flights:cancel": "Cancel flight" };

function tripLedger(tripId: string): LedgerEntry[] {
  return readLedger(s().stateDir).filter((e) => (e.detail as { tripId?: string } | undefined)?.tripId === tripId);
}

describe("sagas killed during compensation", () => {
  it.each(["Refund payment", "Cancel car"])(
    '--fail payment --crash-after "%s": the worker dies mid-rollback; each compensation ran exactly once, in reverse order',
    async (step) => {
      const trip = `trip-${randomUUID().slice(0, 8)}`;
      const r = await s().cli(["saga", "book", "--trip", trip, "--fail", "payment", "--crash-after", step, "--json"], { timeoutMs: 110_000 });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { outcome: string; crash: { step: string; fired: boolean }; invocationId: string; trip: { log: { kind: string; step: string }[] } };
      expect(out.outcome).toBe("rolled-back");
      expect(out.crash).toEqual({ step, fired: true });

      const l = tripLedger(trip);
      const undo = l.filter((e) => UNDO[`${e.system}:${e.action}`]);
      expect(undo.map((e) => UNDO[`${e.system}:${e.action}`])).toEqual(["Refund payment", "Cancel car", "Cancel flight"]);
      // no body re-committed anything: the journaled compensation was replayed, the interrupted one had not committed yet
      expect(l.filter((e) => e.action.startsWith("repeat-"))).toEqual([]);
      // the rollback straddled the crash: it began in the killed worker and finished in the restarted one
      const pids = new Set(l.map((e) => e.pid));
      expect(pids.size).toBe(2);
      expect(undo[0]!.pid).not.toBe(undo[2]!.pid);
      expect(out.trip.log.filter((e) => e.kind === "compensation").map((e) => e.step)).toEqual(["Refund payment", "Cancel car", "Cancel flight"]);

      // Restate saw the worker go away (a transient error) and the workflow still completed, once
      // (on the workflow, or on the Flights/CarRentals call it was waiting for)
      const children = await s().admin.query<{ id: string }>(`SELECT id FROM sys_invocation WHERE invoked_by_id = '${out.invocationId}'`);
      const ids = [out.invocationId, ...children.map((c) => c.id)].map((id) => `'${id}'`).join(", ");
      const events = await s().admin.query(`SELECT id FROM sys_journal_events WHERE id IN (${ids}) AND event_type = 'TransientError'`);
      expect(events.length).toBeGreaterThanOrEqual(1);
      const [row] = await s().admin.query<{ status: string; completion_result?: string }>(`SELECT status, completion_result FROM sys_invocation WHERE id = '${out.invocationId}'`);
      expect(row).toMatchObject({ status: "completed", completion_result: "failure" });
    },
    120_000,
  );
});

describe("a crash armed after a step strikes before the next journaled action", () => {
  // The saga's next action after "Refund payment" is a call to CarRentals/cancel: the crash must land before that
  // call's body runs in the doomed worker, so no step of the trip (the workflow's or its children's) runs twice.
  it.each([1, 2, 3])(
    '--fail payment --crash-after "Refund payment" (run %i): no step ran again',
    async () => {
      const trip = `trip-${randomUUID().slice(0, 8)}`;
      const r = await s().cli(["saga", "book", "--trip", trip, "--fail", "payment", "--crash-after", "Refund payment", "--json"], { timeoutMs: 110_000 });
      expect(r.code, r.stderr).toBe(0);
      const t = await s().cli(["timeline", "--key", trip, "--json"], { timeoutMs: 60_000 });
      expect(t.code, t.stderr).toBe(0);
      type Node = { invocation: { target: string }; entries: { name?: string; execution?: { verdict: string } }[]; children: Node[] };
      const all = (n: Node): Node[] => [n, ...n.children.flatMap(all)];
      const timelines = (JSON.parse(t.stdout) as { timelines: Node[] }).timelines.flatMap(all);
      const ranAgain = timelines.flatMap((n) => n.entries.filter((e) => e.execution?.verdict === "ran-again").map((e) => `${n.invocation.target}: ${e.name}`));
      expect(ranAgain).toEqual([]);
      // and the crash happened: some step was replayed from the journal after it
      expect(
        timelines
          .flatMap((n) => n.entries)
          .filter((e) => e.execution?.verdict === "replayed")
          .map((e) => e.name),
        "steps replayed",
      ).not.toEqual([]);
    },
    150_000,
  );
});
