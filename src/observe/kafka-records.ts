// Which Restate invocation did a Kafka record become? Restate's invocation table has no offset column, but the invocation's
// first journal entry (Command: Input) keeps the headers the subscription attached: kafka.topic, kafka.partition,
// kafka.offset and restate.subscription.id. Offsets restart at 0 only with a wiped broker data dir, and then the
// supervisor makes fresh subscriptions: so a match also requires a subscription that exists now.
// The Input entry is written when the record is ingested, even while the invocation waits in its key's inbox.
import type { AdminClient } from "../runtime/admin.js";
import { subscriptionInputs } from "./index.js";
import type { ProducedRecord } from "../kafka/producer.js";

export interface RecordInvocation {
  record: ProducedRecord;
  invocationId?: string;
  subscriptionId?: string;
  createdAt?: string;
}

export interface Sink {
  service: string;
  handler: string;
}

/** Parse the headers of a journal Input entry (entry_json). Pure. */
export function inputHeaders(entryJson: string | undefined): Record<string, string> {
  if (!entryJson) return {};
  try {
    const parsed = JSON.parse(entryJson) as { Command?: { Input?: { headers?: { name: string; value: string }[] } } };
    const out: Record<string, string> = {};
    for (const h of parsed.Command?.Input?.headers ?? []) out[h.name] = h.value;
    return out;
  } catch {
    return {};
  }
}

/** The payload of a journal Input entry as text (entry_json carries it as an array of byte values). Pure. */
export function inputPayload(entryJson: string | undefined): string | undefined {
  if (!entryJson) return undefined;
  try {
    const parsed = JSON.parse(entryJson) as { Command?: { Input?: { payload?: number[] } } };
    const bytes = parsed.Command?.Input?.payload;
    return bytes ? Buffer.from(bytes).toString("utf8") : undefined;
  } catch {
    return undefined;
  }
}

/** Ids of the subscriptions that feed topic → sink right now. */
export async function subscriptionIds(admin: AdminClient, topic: string, sink: Sink): Promise<string[]> {
  const subs = await admin.subscriptions();
  return subs.filter((s) => s.source.endsWith(`/${topic}`) && s.sink === `service://${sink.service}/${sink.handler}`).map((s) => s.id);
}

/** One lookup round: the records that already have an invocation get its id. */
export async function matchRecords(admin: AdminClient, records: ProducedRecord[], sink: Sink, subs: string[]): Promise<RecordInvocation[]> {
  if (records.length === 0) return [];
  const keys = [...new Set(records.map((r) => r.key))];
  if (subs.length === 0) return records.map((record) => ({ record }));
  const rows = await subscriptionInputs(admin, sink, keys, subs);
  const byRecord = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const h = inputHeaders(row.entry_json);
    if (h["kafka.offset"] === undefined) continue;
    byRecord.set(`${h["kafka.topic"]}/${h["kafka.partition"]}/${h["kafka.offset"]}/${row.target_service_key ?? ""}`, row);
  }
  return records.map((record) => {
    const row = byRecord.get(`${record.topic}/${record.partition}/${record.offset}/${record.key}`);
    return { record, invocationId: row?.id, subscriptionId: row?.invoked_by_subscription_id, createdAt: row?.created_at };
  });
}

/** Poll until every record has its invocation, or the time is up (then the missing ones have no invocationId). */
export async function findRecordInvocations(admin: AdminClient, records: ProducedRecord[], sink: Sink, opts: { timeoutMs?: number; everyMs?: number } = {}): Promise<RecordInvocation[]> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let subs = await subscriptionIds(admin, records[0]?.topic ?? "", sink);
  const found = new Map<ProducedRecord, RecordInvocation>();
  for (;;) {
    const pending = records.filter((r) => !found.get(r)?.invocationId);
    if (pending.length === 0) break;
    // without a subscription nothing is consumed, and matching offsets alone could hit an older broker's records
    if (subs.length > 0) for (const m of await matchRecords(admin, pending, sink, subs)) if (m.invocationId) found.set(m.record, m);
    if (records.every((r) => found.get(r)?.invocationId) || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 100));
    if (subs.length === 0) subs = await subscriptionIds(admin, records[0]?.topic ?? "", sink);
  }
  return records.map((r) => found.get(r) ?? { record: r });
}
