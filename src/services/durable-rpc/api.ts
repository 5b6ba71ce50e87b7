// The durable RPC pattern's contract: the Virtual Object's name (the seed's `product`).
export const PRODUCT = "product";
