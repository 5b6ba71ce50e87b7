// The (delayed) message queue's contract: the seed's asyncTaskWorker/runTask and its input.
import type { asyncTaskWorker } from "./task-worker.js";
import { contract } from "../lib/contract.js";
export const ASYNC_TASK_WORKER = "asyncTaskWorker";

/** asyncTaskWorker/runTask input (the seed's TaskOpts) */
export interface TaskOpts {
  id: string;
  task: string;
}

/** The ledger's name for the task bodies' work. */
export const TASKS_SYSTEM = "tasks";

/** The typed definition callers use: ingress(url).serviceSendClient(taskWorkerApi).runTask(task) */
export const taskWorkerApi = contract<typeof asyncTaskWorker>(ASYNC_TASK_WORKER);
