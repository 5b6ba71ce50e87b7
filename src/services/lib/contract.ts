// A pattern's typed contract for callers: `contract<typeof definition>(NAME)` is a plain `{ name }` that
// @restatedev/restate-sdk-clients (and ctx.serviceClient in the worker) accept as the typed definition. The type comes
// from a type-only import of the Restate definition, so api.ts loads no SDK: the CLI stays cheap to start. The name
// parameter is checked against the definition's own name at compile time.
export function contract<D extends { name: string }>(name: D["name"]): D {
  return { name } as D;
}
