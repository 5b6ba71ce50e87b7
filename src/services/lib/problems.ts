// The one-line problems of a value against a zod schema: "amount is invalid: expected a positive number",
// "data.object.id is missing". Shared by the worker's input serde (./schema.ts) and the CLI's argument checks; it
// imports nothing at run time (zod's types only), so the CLI pays nothing for it until a schema is loaded.
import type { z } from "zod";

/** Read a path out of a parsed body; undefined where a step is missing. */
function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let cur = value;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

/** The object schema a path leads to (unwrapping optional/nullable/default), to name a missing object's first field. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let cur: z.ZodType | undefined = schema;
  for (const part of [...path, undefined]) {
    while (cur && ["optional", "nullable", "default", "pipe"].includes(cur.def.type)) {
      const def = cur.def as { innerType?: z.ZodType; in?: z.ZodType };
      cur = def.innerType ?? def.in;
    }
    if (part === undefined || !cur) return cur;
    if (cur.def.type !== "object") return undefined;
    cur = (cur as z.ZodObject).shape[part as string];
  }
  return cur;
}

/** "data.object.id" for the first required leaf under a missing object, so the message names what to add. */
function firstRequiredLeaf(schema: z.ZodType, path: PropertyKey[]): PropertyKey[] {
  const here = schemaAt(schema, path);
  if (!here || here.def.type !== "object") return path;
  const first = Object.entries((here as z.ZodObject).shape).find(([, s]) => !(s as z.ZodType).safeParse(undefined).success);
  return first ? firstRequiredLeaf(schema, [...path, first[0]]) : path;
}

/** ": expected {accountId, amount}" for an object schema, nothing otherwise. */
function shapeOf(schema: z.ZodType): string {
  const here = schemaAt(schema, []);
  return here?.def.type === "object" ? `: expected {${Object.keys((here as z.ZodObject).shape).join(", ")}}` : "";
}

const dotted = (path: readonly PropertyKey[]) => path.map(String).join(".");

/**
 * The problems of a value against a schema, one short sentence each: "amount is invalid: expected a positive
 * number", "data.object.id is missing". An empty list means the value is valid.
 */
export function problemsOf(schema: z.ZodType, value: unknown, root = "the request body"): string[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const path = issue.path as PropertyKey[];
    const got = at(value, path);
    const missing = got === undefined || got === null;
    if (missing && (issue.code === "invalid_type" || issue.code === "custom")) {
      if (path.length === 0) return `${root} is missing${shapeOf(schema)}`;
      const leaf = firstRequiredLeaf(schema, path);
      if (leaf.length > path.length) return `${dotted(leaf)} is missing: ${dotted(path)} is missing`;
      return `${dotted(path)} is missing`;
    }
    const message = issue.message.replace(/^Invalid input: /, "");
    return `${path.length ? dotted(path) : root} is invalid: ${message}`;
  });
}
