// The priority queue's payloads, declared once: the worker's serdes check them, `pq max` and `pq add --max-in-flight`
// check their number with the same MaxInFlight.
import { z } from "zod";

const name = (example: string) =>
  z
    .string({ error: `expected a name, ${example}` })
    .trim()
    .min(1, { error: `expected a non-empty name, ${example}` })
    .max(200, { error: "expected at most 200 characters" });
const priority = z.number({ error: "expected a number" }).min(-1e9).max(1e9);

/**
 * The most calls in flight at once. 0 is refused: no waiter would ever get a permit, so every later call would wait
 * for good while looking queued.
 */
export const MaxInFlight = z
  .number({ error: "expected a whole number from 1 to 1000" })
  .int({ error: "expected a whole number from 1 to 1000" })
  .min(1, { error: "expected a whole number from 1 to 1000 (0 would hold every call for good)" })
  .max(1000, { error: "expected a whole number from 1 to 1000" });

/** What `pq max` and `pq add --max-in-flight` accept. */
export const LimitSchema = z.object({ maxInFlight: MaxInFlight });

/**
 * What the queue's configure handler accepts: a limit as above, or 0, which pauses the queue (no permit is granted
 * until a later configure raises it; the tour holds its queue that way while calls arrive). The CLI offers no pause:
 * there, 0 would read as a limit, and every later call would wait for good.
 */
export const ConfigureSchema = z.object({ maxInFlight: z.union([z.literal(0), MaxInFlight]) });

export const PushSchema = z.object({
  awakeableId: z.string({ error: "expected the waiter's awakeable id" }).min(1),
  priority: priority.nullish(),
  invocationId: z.string().optional(),
  label: z.string().optional(),
});

export const AwakeableIdSchema = z.string({ error: "expected an awakeable id" }).min(1, { error: "expected an awakeable id" });

/** myService/expensiveMethod: the seed's {left, right, priority}, plus the playground's queue, workMs and label. */
export const ExpensiveSchema = z.object({
  left: z.number({ error: "expected a number" }),
  right: z.number({ error: "expected a number" }),
  priority: priority.optional(),
  queue: name('for example "myService-expensiveMethod"').optional(),
  workMs: z.number().int().min(0).max(600_000, { error: "expected a whole number of milliseconds from 0 to 600000" }).optional(),
  label: name('for example "job-1"').optional(),
});
