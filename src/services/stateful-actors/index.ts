// What the stateful-actors pattern runs in the worker.
import { machineOperator } from "./machine-operator.js";

export const services = [machineOperator];
