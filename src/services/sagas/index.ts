// What the sagas pattern runs in the worker.
import { bookingWorkflow, flights, carRentals } from "./booking.js";

export const services = [bookingWorkflow, flights, carRentals];
