// Runners behind `package …` and `delivery …`: register over RPC, move with a Kafka record, show the joined state.
import type { RunningStack } from "../../runtime/stack.js";
import { ingressError, ingressFetch } from "../../runtime/ingress.js";
import { PlaygroundError } from "../../errors.js";
import { checkRecordKey, sendToSink, type SentRecord } from "../lib/records.js";
import { completedOrLatest, type InvocationRow } from "../../observe/index.js";
import type { LocationUpdate, PackageInfo } from "../../services/package-tracker/trackers.js";

export interface Tracker {
  /** the CLI noun */
  noun: "package" | "delivery";
  service: string;
  register: string;
  move: string;
  show: string;
  topic: string;
}

export const TRACKERS: Record<Tracker["noun"], Tracker> = {
  package: { noun: "package", service: "package-tracker", register: "registerPackage", move: "updateLocation", show: "getPackageInfo", topic: "package-location-updates" },
  delivery: { noun: "delivery", service: "delivery-tracker", register: "register", move: "setLocation", show: "getDelivery", topic: "delivery-location-updates" },
};

/** The seed's timestamp format, "2024-10-10 13:00", in local time. Pure. */
export function seedTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function path(t: Tracker, id: string, handler: string): string {
  return `/${t.service}/${encodeURIComponent(id)}/${handler}`;
}

export async function registerTracked(stack: RunningStack, t: Tracker, id: string, finalDestination: string): Promise<{ id: string; finalDestination: string; invocationId?: string }> {
  checkRecordKey(id, t.noun);
  const res = await ingressFetch(stack.ingressUrl, path(t, id, t.register), { body: { finalDestination } });
  if (res.status >= 300) throw ingressError(res, `${t.service}/${id}/${t.register}`);
  return { id, finalDestination, invocationId: res.headers.get("x-restate-id") ?? undefined };
}

export interface MoveResult {
  sent: SentRecord;
  via: "kafka" | "ingress";
  /** the invocation's final row (or the last one seen) */
  invocation?: InvocationRow;
  outcome: "applied" | "rejected" | "unknown";
  error?: string;
}

export async function moveTracked(stack: RunningStack, t: Tracker, id: string, update: LocationUpdate, opts: { waitMs?: number } = {}): Promise<MoveResult> {
  checkRecordKey(id, t.noun);
  const res = await sendToSink(stack, t.topic, { service: t.service, handler: t.move }, [{ key: id, value: update }]);
  const sent = res.records[0]!;
  if (!sent.invocationId) return { sent, via: res.via, outcome: "unknown" };
  const rows = await completedOrLatest(stack.admin, [sent.invocationId], { timeoutMs: opts.waitMs ?? 15_000 });
  const row = rows[0];
  if (row?.status !== "completed") return { sent, via: res.via, invocation: row, outcome: "unknown" };
  if (row.completion_result === "success") return { sent, via: res.via, invocation: row, outcome: "applied" };
  return { sent, via: res.via, invocation: row, outcome: "rejected", error: row.completion_failure };
}

export async function showTracked(stack: RunningStack, t: Tracker, id: string): Promise<PackageInfo> {
  checkRecordKey(id, t.noun);
  const res = await ingressFetch<PackageInfo | null>(stack.ingressUrl, path(t, id, t.show), { method: "POST" });
  if (res.status >= 300) throw ingressError(res, `${t.service}/${id}/${t.show}`);
  if (!res.body || typeof res.body !== "object") {
    throw new PlaygroundError(`${t.noun} ${id} is not registered`, `register it first: npx patterns ${t.noun} register ${id} --to "Bridge 6, Amsterdam"`);
  }
  return { finalDestination: res.body.finalDestination, locations: res.body.locations ?? [] };
}
