// What the priority-queue pattern runs in the worker.
import { myService, priorityQueue } from "./queue.js";

export const services = [myService, priorityQueue];
