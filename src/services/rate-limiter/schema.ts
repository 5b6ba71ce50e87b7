// The rate limiter's payloads, declared once: SetRate's change, ReserveN's request, a reservation to give back, and
// LimitedTask/RunTask's optional limiter name.
import { z } from "zod";
import type { Reservation } from "./token-bucket.js";

export const SetRateSchema = z
  .object({
    limit: z
      .number({ error: "expected a number of tokens per second from 0 to 1000000" })
      .min(0, { error: "expected a number of tokens per second from 0 to 1000000" })
      .max(1_000_000, { error: "expected a number of tokens per second from 0 to 1000000" })
      .nullish(),
    burst: z
      .number({ error: "expected a whole number from 0 to 1000000" })
      .int({ error: "expected a whole number from 0 to 1000000" })
      .min(0, { error: "expected a whole number from 0 to 1000000" })
      .max(1_000_000, { error: "expected a whole number from 0 to 1000000" })
      .nullish(),
  })
  .refine((r) => (r.limit ?? undefined) !== undefined || (r.burst ?? undefined) !== undefined, {
    path: ["limit"],
    error: 'expected {"limit": 1, "burst": 1} (limit = tokens per second, burst = bucket size)',
  });

export const ReserveSchema = z
  .object({
    n: z.number().int().min(0).max(1_000_000, { error: "expected a whole number from 0 to 1000000" }).nullish(),
    maxFutureReserveMs: z.number().min(0).nullish(),
  })
  .nullish()
  .transform((r) => r ?? {});

export const ReservationSchema = z.custom<Reservation>((r) => typeof r === "object" && r !== null && typeof (r as { ok?: unknown }).ok === "boolean", {
  error: "expected the reservation ReserveN returned",
});

export const RunTaskSchema = z
  .object(
    { limiter: z.string({ error: "expected a limiter name" }).trim().min(1, { error: "expected a non-empty limiter name" }).max(200, { error: "expected at most 200 characters" }).nullish() },
    { error: 'expected nothing, or {"limiter": "name"}' },
  )
  .nullish()
  .transform((r) => r ?? {});
