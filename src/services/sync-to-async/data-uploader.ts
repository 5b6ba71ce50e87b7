// Pattern 4, sync to async: `dataUploader/{id}/run` creates a (simulated) bucket, uploads, and resolves the `url`
// durable promise. A client waits synchronously; when that takes too long it asks `resultAsEmail`, which awaits the
// same promise and e-mails the link, exactly once. Driven by `patterns upload [--slow] [--timeout 5s]`.
import * as restate from "@restatedev/restate-sdk";
import { recordEffect, simLog } from "../lib/simulated.js";
import { DATA_UPLOADER, FAST_UPLOAD_MS, SLOW_UPLOAD_MS, type EmailRequest, type EmailResult, type UploadOpts } from "./api.js";
import { asObject, optionalBoolean, requireString } from "../lib/validate.js";

function uploadOpts(input: unknown): UploadOpts {
  if (input === undefined || input === null) return {};
  const body = asObject(input, `nothing, or {"slow": true|false}`);
  return { slow: optionalBoolean(body, "slow") };
}

export const dataUploader = restate.workflow({
  name: DATA_UPLOADER,
  description: "Sync to async: an upload that e-mails its link when the caller stops waiting (seed: dataupload/)",
  handlers: {
    run: async (ctx: restate.WorkflowContext, input?: UploadOpts): Promise<string> => {
      const { slow } = uploadOpts(input);
      const bucket = `uploads-${ctx.key}`;
      const url = await ctx.run("create bucket", () => {
        simLog("s3", `bucket ${bucket} created`);
        recordEffect("s3", "bucket created", ctx.key, { bucket });
        return `https://${bucket}.s3.simulated.example/data.bin`;
      });
      const ms = slow ? SLOW_UPLOAD_MS : FAST_UPLOAD_MS;
      await ctx.run("upload data", async () => {
        simLog("s3", `uploading to ${bucket} (${slow ? "slow" : "fast"} upload, ${ms / 1000} s)`);
        await new Promise((r) => setTimeout(r, ms));
        recordEffect("s3", "data uploaded", ctx.key, { bucket, ms });
        simLog("s3", `upload to ${bucket} done`);
      });
      await ctx.promise<string>("url").resolve(url);
      return url;
    },

    resultAsEmail: async (ctx: restate.WorkflowSharedContext, req: EmailRequest): Promise<EmailResult> => {
      const body = asObject(req, `{"email": string}`);
      const email = requireString(body, "email", "an e-mail address");
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new restate.TerminalError(`email is invalid: expected an address like user@example.com, got ${JSON.stringify(email)}`, { errorCode: 400 });
      ctx.console.info(`will e-mail the link of upload ${ctx.key} to ${email} once it is ready`);
      const url = await ctx.promise<string>("url");
      await ctx.run("send email", () => {
        simLog("email", `to ${email}: your upload ${ctx.key} is ready at ${url}`);
        recordEffect("email", "sent", ctx.key, { to: email, url });
      });
      return { sent: true, to: email, url };
    },
  },
});

export type DataUploadService = typeof dataUploader;
