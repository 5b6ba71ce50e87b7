// The priority queue's contract: the per-queue object and the seed's myService whose expensiveMethod waits in it.
import type { ExpensiveRequest, ExpensiveResult, myService, priorityQueue, PushRequest } from "./queue.js";
import { contract } from "../lib/contract.js";
export type { ExpensiveRequest, ExpensiveResult, PushRequest };

export const PRIORITY_QUEUE = "priorityQueue";
export const MY_SERVICE = "myService";

/** The typed definitions callers use: ingress(url).objectClient(priorityQueueApi, queue).status() */
export const priorityQueueApi = contract<typeof priorityQueue>(PRIORITY_QUEUE);
export const myServiceApi = contract<typeof myService>(MY_SERVICE);
