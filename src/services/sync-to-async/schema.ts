// The sync-to-async pattern's payloads, declared once: dataUploader/{id}/run's optional options and
// resultAsEmail's request.
import { z } from "zod";

/** run: nothing (the seed's curl), or {"slow": true|false} */
export const UploadOptsSchema = z
  .object({ slow: z.boolean({ error: "expected true or false" }).nullish() }, { error: 'expected nothing, or {"slow": true|false}' })
  .nullish()
  .transform((v) => v ?? {});

export const EmailRequestSchema = z.object({
  email: z.string({ error: "expected an e-mail address" }).regex(/^[^\s@]+@[^\s@]+$/, { error: "expected an address like user@example.com" }),
});
