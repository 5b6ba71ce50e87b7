// What the fan-out pattern runs in the worker.
import { fanOutWorker } from "./fan-out-worker.js";

export const services = [fanOutWorker];
