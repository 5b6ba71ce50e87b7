// Pattern 4, sync to async: `dataUploader/{id}/run` creates a (simulated) bucket, uploads, and resolves the `url`
// durable promise. A client waits synchronously; when that takes too long it asks `resultAsEmail`, which awaits the
// same promise and e-mails the link, exactly once. Driven by `patterns upload [--slow] [--timeout 5s]`.
import * as restate from "@restatedev/restate-sdk";
import { recordEffect, simLog } from "../lib/simulated.js";
import { DATA_UPLOADER, FAST_UPLOAD_MS, SLOW_UPLOAD_MS, type EmailRequest, type EmailResult, type UploadOpts } from "./api.js";
import { validInput } from "../lib/schema.js";
import { EmailRequestSchema, UploadOptsSchema } from "./schema.js";

export const dataUploader = restate.workflow({
  name: DATA_UPLOADER,
  description: "Sync to async: an upload that e-mails its link when the caller stops waiting (seed: dataupload/)",
  handlers: {
    run: restate.handlers.workflow.workflow({ input: validInput(UploadOptsSchema) }, async (ctx: restate.WorkflowContext, input: UploadOpts): Promise<string> => {
      const slow = input.slow ?? false;
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
    }),

    resultAsEmail: restate.handlers.workflow.shared({ input: validInput(EmailRequestSchema) }, async (ctx: restate.WorkflowSharedContext, { email }: EmailRequest): Promise<EmailResult> => {
      ctx.console.info(`will e-mail the link of upload ${ctx.key} to ${email} once it is ready`);
      const url = await ctx.promise<string>("url");
      await ctx.run("send email", () => {
        simLog("email", `to ${email}: your upload ${ctx.key} is ready at ${url}`);
        recordEffect("email", "sent", ctx.key, { to: email, url });
      });
      return { sent: true, to: email, url };
    }),
  },
});

export type DataUploadService = typeof dataUploader;
