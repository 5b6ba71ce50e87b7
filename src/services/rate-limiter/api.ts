// The rate limiter's contract: the token-bucket Limiter object and the seed's LimitedTask that waits on it.
import type { Limiter, LimitedTask, LimiterView, RunTaskResult } from "./limiter.js";
import { contract } from "../lib/contract.js";
export type { LimiterView, RunTaskResult };
export type { LimiterState, Reservation } from "./token-bucket.js";

export const LIMITER = "Limiter";
export const LIMITED_TASK = "LimitedTask";

/** The typed definitions callers use: ingress(url).objectClient(limiterApi, name).State() */
export const limiterApi = contract<typeof Limiter>(LIMITER);
export const limitedTaskApi = contract<typeof LimitedTask>(LIMITED_TASK);
