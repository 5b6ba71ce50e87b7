// What became of a Kafka record's invocation: done, rejected or in flight. Pure, so it is unit-tested.
import type { InvocationRow } from "../../observe/index.js";

export type RecordOutcome = "done" | "rejected" | "in flight";

/** What became of an invocation so far: done, rejected (failed, with the handler's message) or still in flight. Pure. */
export function outcomeOf(row: (Pick<InvocationRow, "status" | "completion_result" | "completion_failure"> & { id?: string }) | undefined): {
  outcome: RecordOutcome;
  status?: string;
  error?: string;
} {
  if (!row || row.status !== "completed") return { outcome: "in flight", status: row?.status };
  if (row.completion_result === "success") return { outcome: "done", status: row.status };
  return { outcome: "rejected", status: row.status, error: row.completion_failure ?? "failed" };
}
