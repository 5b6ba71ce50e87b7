// The package-tracker scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import { randomBytes } from "node:crypto";
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { sendToSink } from "../lib/records.js";
import { completedOrLatest } from "../../observe/index.js";
import { readTracked, registerTracked, showTracked, TRACKERS } from "./run.js";
import { journalChecks, notRetried } from "../../tours/claims.js";

function runId(): string {
  return randomBytes(3).toString("hex");
}

// ---- user-feed -------------------------------------------------------------------------------------------------

// ---- package-tracker -------------------------------------------------------------------------------------------

export async function demo(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const t = TRACKERS.package;
  const run = runId();
  const id = `package-${run}`;
  const ghost = `package-${run}-unregistered`;
  const destination = "Bridge 6, Amsterdam";
  say(`package ${id}: register over RPC (${t.service}/${id}/${t.register}), final destination ${destination}`);
  await registerTracked(stack, t, id, destination);
  const updates = [
    { timestamp: "2024-10-10 13:00", location: "Pinetree Road 5, Paris" },
    { timestamp: "2024-10-10 14:00", location: "Mountain Road 155, Brussels" },
  ];
  say(`records on ${t.topic}: one for ${ghost} (never registered), then the seed's two updates for ${id}`);
  const sent = await sendToSink(stack, t.topic, { service: t.service, handler: t.move }, [
    { key: ghost, value: { timestamp: "2024-10-10 12:00", location: "Nowhere 1" } },
    ...updates.map((u) => ({ key: id, value: u })),
  ]);
  const ids = sent.records.map((r) => r.invocationId).filter((x): x is string => !!x);
  const checks: Check[] = [check("each record was ingested as an invocation", ids.length === 3, `${ids.length} of 3 found in Restate (via ${sent.via})`)];
  if (ids.length < 3) return { checks, data: { run, id, records: sent.records } };
  const rows = await completedOrLatest(stack.admin, ids, { timeoutMs: 60_000, everyMs: 200 });
  const [bad, ...good] = ids.map((x) => rows.find((r) => r.id === x));

  const info = await showTracked(stack, t, id);
  checks.push(
    check(
      "the state joins the RPC registration with every Kafka update, in order",
      info.finalDestination === destination && JSON.stringify(info.locations) === JSON.stringify(updates),
      `${info.finalDestination}; ${(info.locations ?? []).map((l) => `${l.timestamp} ${l.location}`).join(" → ")}`,
    ),
  );
  checks.push(
    check(
      "the update for an unregistered package failed terminally with a clear message",
      bad?.status === "completed" && bad.completion_result === "failure" && /not found/i.test(bad.completion_failure ?? ""),
      bad?.completion_failure ?? `status ${bad?.status ?? "?"}`,
    ),
  );
  const once = notRetried(bad?.id, "its journal shows one attempt: a terminal error is not retried");
  say(`  journal: ${once.says}`);
  checks.push(...(await journalChecks(stack, [once])));
  checks.push(
    check(
      "the records behind it still flowed",
      good.every((r) => r?.completion_result === "success"),
      sent.via === "kafka"
        ? `offsets ${sent.records
            .slice(1)
            .map((r) => r.offset)
            .join(", ")} applied after the rejected offset ${sent.records[0]!.offset}`
        : "applied",
    ),
  );
  const ghostInfo = await readTracked(stack, t, ghost).catch((e: Error) => e.message);
  checks.push(check("the unregistered package has no state", ghostInfo === null || ghostInfo === undefined, `getPackageInfo → ${ghostInfo === undefined ? "(empty)" : JSON.stringify(ghostInfo)}`));
  return { checks, data: { run, id, unregistered: ghost, keyInvocation: ids[1], records: sent.records, info, rejected: { invocationId: bad?.id, failure: bad?.completion_failure } } };
}
