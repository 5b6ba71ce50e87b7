// The Go seed's saga payload (snake_case) mapped onto the playground's (the TypeScript and Kotlin seeds' camelCase),
// and BookingWorkflow/{trip}/Run, the Go seed's spelling of the workflow's run handler. Pure, except goRunOf's handler.
import * as restate from "@restatedev/restate-sdk";

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Rename the keys present under their snake_case names; camelCase keys pass through, nothing else changes. */
function renamed(v: unknown, names: Record<string, string>): unknown {
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, value] of Object.entries(v)) out[names[k] ?? k] = value;
  return out;
}

/**
 * The Go seed's booking ({flights: {flight_id, passenger_name}, car: {pickup_location, rental_date}, payment_info:
 * {card_number, amount}}) as the camelCase booking the workflow validates. A camelCase booking comes out unchanged.
 */
export function fromGoBooking(input: unknown): unknown {
  if (!isObject(input)) return input;
  const out: Json = {};
  for (const [k, v] of Object.entries(input)) {
    if (k === "flights") out.flights = renamed(v, { flight_id: "flightId", passenger_name: "passengerName" });
    else if (k === "car") out.car = renamed(v, { pickup_location: "pickupLocation", rental_date: "rentalDate" });
    else if (k === "payment_info" || k === "paymentInfo") out.paymentInfo = renamed(v, { card_number: "cardNumber" });
    else out[k] = v;
  }
  return out;
}

/**
 * BookingWorkflow/{trip}/Run (Go seed): a shared handler of the same workflow that starts its `run` with the payload
 * translated and answers what `run` answers. Same workflow, same key: one trip, one saga, whichever spelling called.
 * The workflow names itself (its BOOKING_WORKFLOW constant), so a copy made by `patterns new --from sagas` starts its
 * own `run`, not the original's.
 */
export function goRunOf(workflow: string): (ctx: restate.WorkflowSharedContext, input: unknown) => Promise<unknown> {
  return (ctx, input) =>
    ctx.genericCall<unknown, unknown>({
      service: workflow,
      method: "run",
      key: ctx.key,
      parameter: fromGoBooking(input),
      inputSerde: restate.serde.json,
      outputSerde: restate.serde.json,
    });
}
