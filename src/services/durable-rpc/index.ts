// What the durable-rpc pattern runs in the worker.
import { product } from "./product.js";

export const services = [product];
