// What the message-queue pattern runs in the worker.
import { asyncTaskWorker } from "./task-worker.js";

export const services = [asyncTaskWorker];
