// The (delayed) message queue's contract: the seed's asyncTaskWorker/runTask and its input.
export const ASYNC_TASK_WORKER = "asyncTaskWorker";

/** asyncTaskWorker/runTask input (the seed's TaskOpts) */
export interface TaskOpts {
  id: string;
  task: string;
}

/** The ledger's name for the task bodies' work. */
export const TASKS_SYSTEM = "tasks";
