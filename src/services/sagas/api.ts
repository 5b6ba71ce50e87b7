// The saga pattern's contract: the BookingWorkflow and the two booking services it calls (seed: sagas/).
import type { bookingWorkflow, carRentals, flights } from "./booking.js";
import { contract } from "../lib/contract.js";
export type { BookingRequest, TripView } from "./model.js";

export const BOOKING_WORKFLOW = "BookingWorkflow";
export const FLIGHTS = "Flights";
export const CAR_RENTALS = "CarRentals";

/** The typed definitions callers use: ingress(url).workflowClient(bookingWorkflowApi, tripId).getStatus() */
export const bookingWorkflowApi = contract<typeof bookingWorkflow>(BOOKING_WORKFLOW);
export const flightsServiceApi = contract<typeof flights>(FLIGHTS);
export const carRentalsServiceApi = contract<typeof carRentals>(CAR_RENTALS);
