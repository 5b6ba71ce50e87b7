// The message queue's payload, declared once: asyncTaskWorker/runTask's input (the seed's TaskOpts).
import { z } from "zod";

export const TaskOptsSchema = z.object({
  id: z.string({ error: "expected a string" }).min(1, { error: "expected a non-empty string" }),
  task: z.string({ error: "expected a string" }).min(1, { error: "expected a non-empty string" }),
});
