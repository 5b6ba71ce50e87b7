// The durable RPC pattern's contract: the Virtual Object's name (the seed's `product`).
import type { product } from "./product.js";
import { contract } from "../lib/contract.js";
export const PRODUCT = "product";

/** The typed definition callers use: ingress(url).objectClient(productApi, key).reserve() */
export const productApi = contract<typeof product>(PRODUCT);
