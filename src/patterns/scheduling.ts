// Patterns of the "scheduling" group (see src/services/scheduling/): payment reminders on durable timers, and
// fan-out / fan-in. Each demo runs for real on run-unique keys and checks Restate's own records and the ledger.
import { randomBytes } from "node:crypto";
import { invocation, invocations } from "../observe/index.js";
import { scaleDuration } from "../runtime/config.js";
import { DAY } from "../services/lib/time.js";
import { MAX_REMINDERS } from "../services/scheduling/logic.js";
import { FAN_OUT_WORKER } from "../services/scheduling/logic.js";
import { ON_PAYMENT_FAILURE, PAYMENT_TRACKER } from "../services/scheduling/payment-tracker-api.js";
import { invoiceHistory, makeEvent, readTrackerState, sendFailure, sendSuccess, waitSettled } from "../commands/scheduling/reminders.js";
import { runFanOut } from "../commands/scheduling/fanout.js";
import { humanDuration } from "../ui/output.js";
import { check, type Check, type PatternEntry } from "./types.js";

const suffix = () => randomBytes(3).toString("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const paymentReminders: PatternEntry = {
  name: "payment-reminders",
  title: "Scheduling tasks: payment reminders",
  category: "scheduling",
  summary: "a failed payment sends a reminder e-mail every (scaled) day, three times, then escalates; a payment stops them",
  guarantee:
    "The next reminder is a delayed call the handler sends to itself: a durable timer kept by Restate, not by the worker, " +
    "so it fires even if the worker was down meanwhile, and it does not hold the invoice's lock while it waits. " +
    "Each e-mail is a journaled step, sent once per reminder. A success marks the invoice paid and cancels the scheduled call.",
  services: [PAYMENT_TRACKER],
  verbs: ["reminders fail <invoice>", "reminders pay <invoice>", "reminders show <invoice>"],
  tour: { crash: { step: "send reminder email", when: "after" }, look: ["reminders show <invoice>", "patterns invocations"] },
  async demo(ctx) {
    const { stack, say } = ctx;
    const scaledDay = scaleDuration(DAY, stack.state.timeScale);
    const ignored = `inv-${suffix()}`;
    const paid = `inv-${suffix()}`;
    say(`invoices ${ignored} (never paid) and ${paid} (paid after the first reminder); 1 day nominal = ${humanDuration(scaledDay)} real`);

    const first = await sendFailure(stack, ignored, makeEvent("failed"));
    const scheduledRow = first.nextReminder
      ? await invocation(stack.admin, first.nextReminder.invocationId)
      : undefined;
    const firstPaid = await sendFailure(stack, paid, makeEvent("failed"));
    say(`reminder #1 sent for both; next one scheduled as ${first.nextReminder?.invocationId}`);
    // on a slow machine the timer may already have fired: then it must have waited about a day before completing
    const heldByTimer =
      scheduledRow?.status === "scheduled" ||
      (scheduledRow?.status === "completed" && !!scheduledRow.created_at && !!scheduledRow.completed_at && Date.parse(scheduledRow.completed_at) - Date.parse(scheduledRow.created_at) >= scaledDay * 0.8);
    const success = await sendSuccess(stack, paid, makeEvent("succeeded"));
    say(`${paid} paid; cancelled ${success.cancelledReminder ?? "nothing"}`);

    const settled = await waitSettled(stack, ignored, { onProgress: (h) => say(`  ${ignored}: ${h.kind === "escalation" ? "escalated to support" : `reminder #${h.number}`}`) });
    // give the paid invoice's cancelled timer the time it would have needed to fire
    const waitMore = Math.max(0, firstPaid.nextReminder ? firstPaid.nextReminder.dueAt + 1500 - Date.now() : 0);
    if (waitMore) await sleep(waitMore);

    const hist = invoiceHistory(stack.paths.root, ignored);
    const reminders = hist.filter((h) => h.kind === "reminder");
    const escalations = hist.filter((h) => h.kind === "escalation");
    const gaps = hist.slice(1).map((h, i) => Date.parse(h.at) - Date.parse(hist[i]!.at));
    const state = await readTrackerState(stack, ignored);
    const runs = await invocations(stack.admin, { service: PAYMENT_TRACKER, key: ignored, handler: ON_PAYMENT_FAILURE });
    const selfSends = runs.filter((r) => r.invoked_by === "service");

    const paidHist = invoiceHistory(stack.paths.root, paid);
    const paidState = await readTrackerState(stack, paid);
    const cancelled = success.cancelledReminder
      ? await invocation(stack.admin, success.cancelledReminder)
      : undefined;

    const checks: Check[] = [
      check("the next reminder is a scheduled invocation in Restate", heldByTimer, `status of ${first.nextReminder?.invocationId}: ${scheduledRow?.status ?? "not found"}`),
      check(
        `exactly ${MAX_REMINDERS} reminder e-mails, numbered 1…${MAX_REMINDERS}`,
        reminders.length === MAX_REMINDERS && reminders.every((r, i) => r.number === i + 1),
        `ledger: ${reminders.map((r) => `#${r.number}`).join(", ") || "none"}`,
      ),
      check("then exactly one escalation to support, after the last reminder", escalations.length === 1 && hist.at(-1)?.kind === "escalation", `ledger: ${escalations.length} escalation(s)`),
      check(
        "the reminders are one (scaled) day apart",
        gaps.length === MAX_REMINDERS && gaps.every((g) => g >= scaledDay * 0.8),
        `gaps ${gaps.map((g) => humanDuration(g)).join(", ")} (1 day = ${humanDuration(scaledDay)} real)`,
      ),
      check("the invoice's state says escalated after 3 reminders", state.escalated === true && state.reminders_count === MAX_REMINDERS && settled.pending.length === 0, `state: reminders_count=${String(state.reminders_count)}, escalated=${String(state.escalated)}`),
      check(`the follow-ups were ${MAX_REMINDERS} self-sends`, selfSends.length === MAX_REMINDERS, `${runs.length} onPaymentFailure invocations, ${selfSends.length} invoked by the object itself`),
      check("a payment stops the reminders: one e-mail, no escalation", paidHist.filter((h) => h.kind === "reminder").length === 1 && !paidHist.some((h) => h.kind === "escalation"), `ledger for ${paid}: ${paidHist.length} entr(ies)`),
      // a cancelled scheduled invocation is either gone from Restate's invocation table or completed with the cancellation
      check(
        "the paid invoice's scheduled reminder was cancelled",
        !!success.cancelledReminder && (!cancelled || (cancelled.status === "completed" && !!cancelled.completion_failure)) && paidState.paid === true,
        `${success.cancelledReminder ?? "none"}: ${cancelled ? `${cancelled.status} ${cancelled.completion_failure ?? ""}`.trim() : "no longer in Restate's invocation table"}; state paid=${String(paidState.paid)}`,
      ),
    ];
    return { checks, data: { invoices: { ignored, paid }, scaledDayMs: scaledDay, history: hist, cancelledReminder: success.cancelledReminder } };
  },
};

const fanOut: PatternEntry = {
  name: "fan-out",
  title: "Parallelizing work: fan-out / fan-in",
  category: "scheduling",
  summary: "a task split on commas runs its subtasks as parallel child invocations; the total is about the slowest one",
  guarantee:
    "Every subtask is a durable call of its own: the parent starts them all, suspends, and gathers the results. " +
    "If the worker dies mid-way, the parent and each child resume from their journals, so the aggregate still holds every subtask once.",
  services: [FAN_OUT_WORKER],
  verbs: [`fanout "get out of bed,shower,make coffee,have breakfast"`],
  tour: { crash: { step: "finish subtask", when: "after" }, look: ["patterns invocations"] },
  async demo(ctx) {
    const { stack, say } = ctx;
    const tag = suffix();
    const parts = ["get out of bed", "shower", "make coffee", "have breakfast"].map((p) => `${p} ${tag}`);
    say(`fanning out ${parts.length} subtasks (1, 2, 3 and 4 s of work; run tag ${tag})`);
    const run = await runFanOut(stack, parts.join(","));
    say(`parent ${run.invocationId}: total ${humanDuration(run.stats.totalMs)}, slowest ${humanDuration(run.stats.slowestMs)}, sum ${humanDuration(run.stats.sumMs)}`);
    const s = run.stats;
    const checks: Check[] = [
      check("one child invocation per subtask", run.childInvocations === parts.length, `${run.childInvocations} invocations invoked by ${run.invocationId} in Restate`),
      check("every child completed", run.lanes.every((l) => l.status === "completed"), run.lanes.map((l) => l.status).join(", ")),
      check("the aggregate holds every subtask once", parts.every((p) => run.result.split(", ").filter((r) => r === `${p}: DONE`).length === 1), run.result),
      check("the subtasks ran at the same time (their lanes overlap)", s.overlapped, `all started within ${humanDuration(s.launchSpreadMs)}`),
      check(
        "total ≈ the slowest subtask, not the sum",
        run.parallel,
        `total ${humanDuration(s.totalMs)} vs slowest ${humanDuration(s.slowestMs)} (+${humanDuration(run.toleranceMs)} tolerance) and sum ${humanDuration(s.sumMs)}`,
      ),
    ];
    return { checks, data: { invocationId: run.invocationId, tag, stats: s, lanes: run.lanes.map((l) => ({ label: l.label, invocationId: l.invocationId, ms: l.end - l.start })) } };
  },
};

export const patterns: PatternEntry[] = [paymentReminders, fanOut];
