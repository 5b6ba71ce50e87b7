// The fan-out pattern's contract: the worker that splits a task, runs the subtasks in parallel and aggregates them.
import type { fanOutWorker, FanOutResult, FanOutTask } from "./fan-out-worker.js";
import { FAN_OUT_WORKER } from "./logic.js";
import { contract } from "../lib/contract.js";
export type { FanOutResult, FanOutTask };
export { FAN_OUT_WORKER };

/** The typed definition callers use: ingress(url).serviceClient(fanOutWorkerApi).run(task) */
export const fanOutWorkerApi = contract<typeof fanOutWorker>(FAN_OUT_WORKER);
