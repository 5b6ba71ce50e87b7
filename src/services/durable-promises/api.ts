// The durable promises pattern's contract: the service any process calls and the per-name object behind it.
import type { durablePromiseServer, durablePromises, PromiseInfo, PromiseRequest, ValueOrError } from "./promises.js";
import { contract } from "../lib/contract.js";
export type { PromiseInfo, PromiseRequest, ValueOrError };

export const DURABLE_PROMISE_SERVER = "durablePromiseServer";
export const DURABLE_PROMISES = "durablePromises";

/** The typed definitions callers use: ingress(url).serviceClient(promiseServerApi).await({ request }) */
export const promiseServerApi = contract<typeof durablePromiseServer>(DURABLE_PROMISE_SERVER);
export const promiseObjectApi = contract<typeof durablePromises>(DURABLE_PROMISES);
