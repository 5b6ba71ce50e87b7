// The machine operator's payloads, declared once: the worker's serde checks them, the CLI builds them.
import { z } from "zod";

/** setUp / tearDown input: nothing (the seed's curls), or {"failOnce": true} to fail once mid-transition. */
export const MachineOptionsSchema = z.object({ failOnce: z.boolean({ error: "expected true or false" }).nullish() }, { error: 'expected nothing, or an object like {"failOnce":true}' }).nullish();
export type MachineInput = z.output<typeof MachineOptionsSchema>;
