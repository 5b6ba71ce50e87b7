// `patterns upload [--slow] [--timeout 5s]`: submit the dataUploader workflow, wait synchronously up to the
// timeout, and otherwise switch to "we will e-mail you the link" through resultAsEmail.
import { type RunningStack } from "../../runtime/stack.js";
import { callOpts, ingress, sendOpts, type Send, type WorkflowSubmission } from "../../runtime/ingress.js";
import { durationOption } from "../common.js";
import { type RawCall } from "../../ui/curl.js";
import { humanDuration } from "../../ui/output.js";
import { spinner } from "../../ui/spinner.js";
import { c, sym } from "../../ui/palette.js";
import { UsageError } from "../../errors.js";
import { DATA_UPLOADER, dataUploaderApi, type UploadOpts, FAST_UPLOAD_MS, SLOW_UPLOAD_MS, type EmailResult } from "../../services/sync-to-async/api.js";
import { callError, checkKeyArg, ingressPath, randomSuffix } from "../lib/args.js";
import { verb, type Declaration } from "../verb.js";

export const DEFAULT_EMAIL = "user@example.com";

export interface UploadResult {
  id: string;
  slow: boolean;
  /** "Accepted", or "PreviouslyAccepted" when this workflow id ran before (a workflow runs once per id) */
  submitStatus: "Accepted" | "PreviouslyAccepted";
  invocationId: string;
  timeoutMs: number;
  /** "sync": the URL came back in time; "email": the client stopped waiting and asked for an e-mail */
  path: "sync" | "email";
  url?: string;
  waitedMs: number;
  email?: string;
  emailInvocationId?: string;
  emailRequestStatus?: "Accepted" | "PreviouslyAccepted";
  /** with --wait-email: what resultAsEmail returned */
  emailResult?: EmailResult;
}

export function uploadCalls(ingressUrl: string, id: string, slow: boolean, email?: string): RawCall[] {
  const calls: RawCall[] = [
    slow ? { url: `${ingressUrl}${ingressPath(DATA_UPLOADER, id, "run", "send")}`, body: { slow: true } } : { method: "POST", url: `${ingressUrl}${ingressPath(DATA_UPLOADER, id, "run", "send")}` },
    { method: "GET", url: `${ingressUrl}/restate/workflow${ingressPath(DATA_UPLOADER, id)}/attach` },
  ];
  if (email) calls.push({ url: `${ingressUrl}${ingressPath(DATA_UPLOADER, id, "resultAsEmail", "send")}`, body: { email }, headers: { "idempotency-key": email } });
  return calls;
}

function isTimeout(e: unknown): boolean {
  const name = (e as { name?: string })?.name;
  return name === "TimeoutError" || name === "AbortError";
}

export async function upload(stack: RunningStack, opts: { id: string; slow: boolean; timeoutMs: number; email: string; waitEmail: boolean; json?: boolean; quiet?: boolean }): Promise<UploadResult> {
  const rs = ingress(stack.ingressUrl);
  const wf = rs.workflowClient(dataUploaderApi, opts.id);
  let submission: WorkflowSubmission<string>;
  try {
    // a fast upload sends no body, as the seed's curl does; the handler's schema reads "nothing" as {}
    submission = await wf.workflowSubmit(opts.slow ? { slow: true } : (undefined as unknown as UploadOpts));
  } catch (e) {
    throw callError(e, `submitting upload ${opts.id}`);
  }
  const base = { id: opts.id, slow: opts.slow, submitStatus: submission.status, invocationId: submission.invocationId, timeoutMs: opts.timeoutMs };
  const started = Date.now();
  const step = spinner(`uploading ${opts.id} (${opts.slow ? "slow" : "fast"}); waiting up to ${humanDuration(opts.timeoutMs)} for the URL`, { json: opts.json, quiet: opts.quiet });
  try {
    const url = await wf.workflowAttach(callOpts({ signal: AbortSignal.timeout(opts.timeoutMs) }));
    step.succeed(`upload ${opts.id} finished in ${humanDuration(Date.now() - started)}`);
    return { ...base, path: "sync", url, waitedMs: Date.now() - started };
  } catch (e) {
    if (!isTimeout(e)) {
      step.fail();
      throw callError(e, `waiting for upload ${opts.id}`);
    }
  }
  const waitedMs = Date.now() - started;
  step.fail(`no URL after ${humanDuration(waitedMs)}: switching to e-mail`);
  let send: Send<EmailResult>;
  try {
    // The address is the idempotency key: asking twice for the same recipient queues one e-mail.
    send = (await rs.send({ service: DATA_UPLOADER, handler: "resultAsEmail", key: opts.id, parameter: { email: opts.email }, opts: sendOpts({ idempotencyKey: opts.email }) })) as Send<EmailResult>;
  } catch (e) {
    throw callError(e, `asking upload ${opts.id} to e-mail the link`);
  }
  const result: UploadResult = { ...base, path: "email", waitedMs, email: opts.email, emailInvocationId: send.invocationId, emailRequestStatus: send.status };
  if (opts.waitEmail) {
    const s2 = spinner(`waiting until the link is e-mailed to ${opts.email}`, { json: opts.json, quiet: opts.quiet });
    try {
      result.emailResult = await rs.result(send);
      s2.succeed(`e-mail sent to ${opts.email}`);
    } catch (e) {
      s2.fail();
      throw callError(e, "waiting for the e-mail");
    }
  }
  return result;
}

export function renderUpload(r: UploadResult): string[] {
  const lines: string[] = [];
  if (r.submitStatus === "PreviouslyAccepted") lines.push(`${sym.warn} upload ${c.id(r.id)} was submitted before: a workflow runs once per id, so this attaches to that run`);
  if (r.path === "sync") {
    lines.push(`${sym.ok} fast upload: the URL is ${c.info(r.url ?? "?")} ${c.dim(`(answered synchronously in ${humanDuration(r.waitedMs)})`)}`);
  } else {
    lines.push(`${sym.warn} slow upload: no answer within ${humanDuration(r.timeoutMs)}, so we will e-mail the link to ${c.id(r.email ?? "?")} when it is ready`);
    lines.push(c.dim(`  resultAsEmail ${r.emailRequestStatus === "PreviouslyAccepted" ? "was already requested" : "requested"}: invocation ${r.emailInvocationId}`));
    if (r.emailResult) lines.push(`${sym.ok} e-mail sent to ${r.emailResult.to}: ${c.info(r.emailResult.url)}`);
    else lines.push(c.dim(`  the [SIMULATED email] line appears in \`npx patterns logs worker\``));
  }
  lines.push(c.dim(`  workflow ${DATA_UPLOADER}/${r.id}, invocation ${r.invocationId}`));
  return lines;
}

export const declarations: Declaration[] = [
  verb<{ slow?: boolean; timeout: number; id?: string; email: string; waitEmail?: boolean }, UploadResult>({
    path: "upload",
    group: "patterns",
    summary: "sync to async: wait for an upload's URL, and when it takes too long have it e-mailed instead",
    options: [
      { flags: "--slow", description: `simulate a slow upload (${humanDuration(SLOW_UPLOAD_MS)} instead of ${humanDuration(FAST_UPLOAD_MS)})` },
      { flags: "--timeout <duration>", description: "how long to wait synchronously before switching to e-mail", parse: durationOption("--timeout", { min: 100, max: 600_000 }), default: 5000 },
      { flags: "--id <id>", description: "upload (workflow) id; each id runs once (default user-<random>)" },
      { flags: "--email <address>", description: "where to e-mail the link when it gets slow", default: DEFAULT_EMAIL },
      { flags: "--wait-email", description: "after switching to e-mail, wait until the e-mail is sent" },
    ],
    examples: [
      "npx patterns upload                     # fast: the URL comes back synchronously",
      "npx patterns upload --slow              # slow: 'we will e-mail you the link'",
      "npx patterns upload --slow --timeout 2s --wait-email --json",
    ],
    async run(ctx) {
      const opts = ctx.opts;
      const id = opts.id === undefined ? `user-${randomSuffix()}` : checkKeyArg(opts.id, "--id", "--id user-1");
      const email = checkKeyArg(opts.email, "--email", `--email ${DEFAULT_EMAIL}`);
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError(`--email must be an address like ${DEFAULT_EMAIL}, got "${email}"`, `for example --email ${DEFAULT_EMAIL}`);
      const stack = ctx.stack();
      const r = await upload(stack, { id, slow: !!opts.slow, timeoutMs: opts.timeout, email, waitEmail: !!opts.waitEmail, json: ctx.json });
      ctx.equivalent(uploadCalls(stack.ingressUrl, id, !!opts.slow, r.path === "email" ? email : undefined));
      return r;
    },
    render: renderUpload,
  }),
];
