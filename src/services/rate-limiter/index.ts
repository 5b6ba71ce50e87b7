// What the rate-limiter pattern runs in the worker.
import { Limiter, LimitedTask } from "./limiter.js";

export const services = [Limiter, LimitedTask];
