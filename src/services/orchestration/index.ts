// Services of the "orchestration" group, served by the one worker: sagas (6), stateful actors (7) and the
// payment state machine (8) of the catalogue.
import type { PatternGroup } from "../group.js";
import { bookingWorkflow, carRentals, flights } from "./saga.js";
import { machineOperator } from "./machine.js";
import { accounts, payments } from "./payments.js";

export const group: PatternGroup = {
  services: [bookingWorkflow, flights, carRentals, machineOperator, payments, accounts],
  subscriptions: [],
};
