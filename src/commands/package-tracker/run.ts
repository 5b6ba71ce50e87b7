// Runners behind `package …` and `delivery …`: register over RPC, move with a Kafka record, show the joined state.
import type { RunningStack } from "../../runtime/stack.js";
import { attach, calling, ingress } from "../../runtime/ingress.js";
import { deliveryTrackerApi, packageTrackerApi } from "../../services/package-tracker/api.js";
import { ingressPath } from "../../ui/curl.js";
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

/** The raw path of a tracker's handler, for the "same with curl" lines. */
export function path(t: Tracker, id: string, handler: string): string {
  return ingressPath(t.service, id, handler);
}

/** registerPackage / register through the tracker's typed client; the invocation id it ran as. */
async function register(stack: RunningStack, t: Tracker, id: string, info: PackageInfo): Promise<string> {
  const url = stack.ingressUrl;
  const sent = await calling(`${t.service}/${id}/${t.register}`, () =>
    t.noun === "package" ? ingress(url).objectSendClient(packageTrackerApi, id).registerPackage(info) : ingress(url).objectSendClient(deliveryTrackerApi, id).register(info),
  );
  await calling(`${t.service}/${id}/${t.register}`, () => attach(url, sent.invocationId));
  return sent.invocationId;
}

/** getPackageInfo / getDelivery through the tracker's typed client. */
export function readTracked(stack: RunningStack, t: Tracker, id: string): Promise<PackageInfo | null> {
  const url = stack.ingressUrl;
  return calling(`${t.service}/${id}/${t.show}`, () =>
    t.noun === "package" ? ingress(url).objectClient(packageTrackerApi, id).getPackageInfo() : ingress(url).objectClient(deliveryTrackerApi, id).getDelivery(),
  );
}

export async function registerTracked(stack: RunningStack, t: Tracker, id: string, finalDestination: string): Promise<{ id: string; finalDestination: string; invocationId?: string }> {
  checkRecordKey(id, t.noun);
  // the seed registers with the destination alone; the handler starts the location history
  const invocationId = await register(stack, t, id, { finalDestination } as PackageInfo);
  return { id, finalDestination, invocationId };
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
  const info = await readTracked(stack, t, id);
  if (!info || typeof info !== "object") {
    throw new PlaygroundError(`${t.noun} ${id} is not registered`, `register it first: npx patterns ${t.noun} register ${id} --to "Bridge 6, Amsterdam"`);
  }
  return { finalDestination: info.finalDestination, locations: info.locations ?? [] };
}
