// The sync-to-async scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique keys;
// the checks come from Restate's records (src/observe), the worker's step log and the simulated-systems ledger.
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { ingress, sendOpts, type Send } from "../../runtime/ingress.js";
import { readLedger } from "../../services/lib/simulated.js";
import { DATA_UPLOADER, type EmailResult } from "../../services/sync-to-async/api.js";
import { executions, randomSuffix } from "../lib/args.js";
import { invocations, workflowPromise } from "../../observe/index.js";
import { DEFAULT_EMAIL, upload } from "./verbs.js";
import { crashArmedAt, guarded } from "../../tours/scenario.js";
import { appearsOnce, journalChecks, ranAfterRestart, waitedOnPromise, type JournalClaim } from "../../tours/claims.js";
import { humanDuration } from "../../ui/output.js";

async function syncToAsync(ctx: DemoContext): Promise<DemoResult> {
  const { stack } = ctx;
  const fastId = `user-${randomSuffix()}`;
  const slowId = `user-${randomSuffix()}`;
  const email = DEFAULT_EMAIL;
  ctx.say(`slow upload ${slowId}: wait up to 2 s, then ask for the link by e-mail (${email}) and wait until it is sent`);
  const slow = await upload(stack, { id: slowId, slow: true, timeoutMs: 2000, email, waitEmail: true, quiet: true });
  ctx.say(`  ${slow.path === "email" ? `e-mail requested (${slow.emailInvocationId}) and sent` : "it answered in time"}`);
  ctx.say(`fast upload ${fastId}: wait up to 20 s for the URL (the upload takes about 1.5 s)`);
  const fast = await upload(stack, { id: fastId, slow: false, timeoutMs: 20_000, email, waitEmail: false, quiet: true });
  ctx.say(`  ${fast.path === "sync" ? `answered synchronously: ${fast.url}` : "switched to e-mail"}`);
  ctx.say("ask for the e-mail a second time (same recipient = same idempotency key)");
  const rs = ingress(stack.ingressUrl);
  const again = (await rs.send({ service: DATA_UPLOADER, handler: "resultAsEmail", key: slowId, parameter: { email }, opts: sendOpts({ idempotencyKey: email }) })) as Send<EmailResult>;
  const againResult = await rs.result(again);

  const emailsSlow = readLedger(stack.paths.root, { system: "email", action: "sent", key: slowId });
  const emailsFast = readLedger(stack.paths.root, { system: "email", action: "sent", key: fastId });
  const promise = [await workflowPromise(stack.admin, DATA_UPLOADER, slowId, "url")];
  const emailRows = await invocations(stack.admin, { service: DATA_UPLOADER, handler: "resultAsEmail", key: slowId });
  const buckets = readLedger(stack.paths.root, { system: "s3", action: "bucket created", key: slowId });
  const sendSteps = slow.emailInvocationId ? (executions(stack, slow.emailInvocationId).steps["send email"] ?? 0) : 0;
  const claims: JournalClaim[] = [
    waitedOnPromise(slow.emailInvocationId, "url", "the e-mail request waited on the workflow's url promise until the upload resolved it", { minMs: 50 }),
    appearsOnce(slow.emailInvocationId, "send email", `"send email" appears once in the e-mail request's journal, its body ran once`),
  ];
  if (crashArmedAt(ctx, "create bucket")) {
    claims.push(ranAfterRestart(slow.invocationId, "upload data", `"upload data" finished in the restarted worker and is in the journal once`, { interruptedBefore: true }));
  }
  for (const cl of claims) ctx.say(`  journal: ${cl.says}`);
  const checks: Check[] = [
    ...(await journalChecks(stack, claims)),
    check("the fast upload answers synchronously", fast.path === "sync" && !!fast.url, `path ${fast.path} after ${humanDuration(fast.waitedMs)}`),
    check("the fast upload sends no e-mail", emailsFast.length === 0, `ledger e-mails for ${fastId}: ${emailsFast.length}`),
    check("the slow upload switches to e-mail", slow.path === "email", `path ${slow.path} after ${humanDuration(slow.waitedMs)}`),
    check("its bucket was created once", buckets.length === 1, `[SIMULATED s3] "bucket created" entries for ${slowId}: ${buckets.length}`),
    check(
      "the run resolved the url durable promise",
      promise[0]?.completed === true && (promise[0]?.completion_success_value_utf8 ?? "").includes(slowId),
      `sys_promise ${DATA_UPLOADER}/${slowId}/url: ${promise[0]?.completion_success_value_utf8 ?? "not completed"}`,
    ),
    check(
      "a second e-mail request is the same invocation",
      again.status === "PreviouslyAccepted" && again.invocationId === slow.emailInvocationId && emailRows.length === 1,
      `${again.status}, invocation ${again.invocationId}; resultAsEmail invocations: ${emailRows.length}`,
    ),
    check(
      "the e-mail with the link is sent exactly once",
      emailsSlow.length === 1 && sendSteps === 1 && (emailsSlow[0]?.detail as { url?: string })?.url === againResult.url,
      `[SIMULATED email] ledger entries for ${slowId}: ${emailsSlow.length}; step "send email" ran ${sendSteps}×`,
    ),
  ];
  return { checks, data: { fastId, slowId, keyInvocation: slow.invocationId, runInvocationId: slow.invocationId, emailInvocationId: slow.emailInvocationId, url: againResult.url } };
}

export const demo = (ctx: DemoContext): Promise<DemoResult> => guarded("sync-to-async", syncToAsync, ctx);
