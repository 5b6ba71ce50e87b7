// The stateful actors pattern's contract: the per-machine Virtual Object (the seed's machineOperator).
import type { machineOperator } from "./machine-operator.js";
import { contract } from "../lib/contract.js";
export type { MachineOptions, MachineStatus } from "./model.js";

export const MACHINE_OPERATOR = "machineOperator";

/** The typed definition callers use: ingress(url).objectClient(machineOperatorApi, id).getStatus() */
export const machineOperatorApi = contract<typeof machineOperator>(MACHINE_OPERATOR);
