// What the durable-promises pattern runs in the worker.
import { durablePromiseServer, durablePromises } from "./promises.js";

export const services = [durablePromiseServer, durablePromises];
