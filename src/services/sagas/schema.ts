// The saga's payloads, declared once: BookingWorkflow/{trip}/run's booking (the seed's payload, plus the optional
// failure injection), and what the workflow sends the Flights and CarRentals services.
import { z } from "zod";
import { MAX_RETRYABLE_FAILURES, SAGA_STEPS, type SagaStep } from "./model.js";

const text = (max = 200) =>
  z
    .string({ error: "expected a string" })
    .min(1, { error: "expected a non-empty string" })
    .max(max, { error: `expected at most ${max} characters` });
const step = z.enum(SAGA_STEPS as [SagaStep, ...SagaStep[]], { error: `expected one of ${SAGA_STEPS.join(", ")}` });

const flight = { flightId: text(), passengerName: text() };
const car = { pickupLocation: text(), rentalDate: text() };

export const SimulationSchema = z.object(
  {
    fail: step.optional(),
    retryableFailures: z
      .number({ error: `expected a whole number from 0 to ${MAX_RETRYABLE_FAILURES}` })
      .int({ error: `expected a whole number from 0 to ${MAX_RETRYABLE_FAILURES}` })
      .min(0)
      .max(MAX_RETRYABLE_FAILURES, { error: `expected a whole number from 0 to ${MAX_RETRYABLE_FAILURES}` })
      .optional(),
    retryStep: step.optional(),
    chaos: z.boolean({ error: "expected true or false" }).optional(),
  },
  { error: 'expected an object like {"fail":"car"}' },
);

export const BookingSchema = z.object({
  flights: z.object(flight, { error: "expected an object" }),
  car: z.object(car, { error: "expected an object" }),
  paymentInfo: z.object(
    {
      cardNumber: z.string({ error: "expected 12 to 19 digits" }).regex(/^\d{12,19}$/, { error: "expected 12 to 19 digits" }),
      amount: z.number({ error: "expected a positive number" }).positive({ error: "expected a positive number" }).max(1e9, { error: "expected at most 1000000000" }),
    },
    { error: "expected an object" },
  ),
  simulate: SimulationSchema.optional(),
});

/** Flights/reserve and CarRentals/reserve: the booking's section, plus the trip id and the simulation the saga passes on. */
const extras = { tripId: z.string().optional(), simulate: z.unknown().optional() };
export const FlightReserveSchema = z.object({ ...flight, ...extras });
export const CarReserveSchema = z.object({ ...car, ...extras });

/** confirm / cancel: the booking id reserve returned. */
export const BookingRefSchema = z.object({ bookingId: text(), tripId: z.string().optional() });
