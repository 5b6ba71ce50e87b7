// The registry entry of a pattern made by `patterns new`: written between two marker comments at the end of the
// registry's pattern list, so `new --remove` takes out exactly that block (and a formatter that rewraps the entry
// keeps the markers). Pure text in, text out.
import { UsageError } from "../errors.js";

export interface RegistryTarget {
  /** the file, relative to the project (e.g. src/registry.ts) */
  file: string;
  /** the line that opens the list the entry goes into */
  listOpens: RegExp;
}

export const beginMarker = (name: string) => `  // patterns new: ${name} (take it out with \`npx patterns new --remove ${name}\`)`;
export const endMarker = (name: string) => `  // end of patterns new: ${name}`;

/**
 * Insert the block right after the line that opens the list: the entry ends with its own comma, so no other line
 * changes, and `--remove` restores the file byte for byte. (`list` and the menu order patterns by category.)
 */
export function insertEntry(text: string, target: RegistryTarget, name: string, entryLines: string[]): string {
  const lines = text.split("\n");
  const open = lines.findIndex((l) => target.listOpens.test(l));
  if (open < 0)
    throw new UsageError(`${target.file} has no line matching ${target.listOpens}: the registry is not laid out as patterns new expects`, "add the pattern by hand (CONTRIBUTING.md: Add a pattern)");
  lines.splice(open + 1, 0, beginMarker(name), ...entryLines.map((l) => `  ${l}`), endMarker(name));
  return lines.join("\n");
}

/** The block between the markers, or undefined when this file has none for the name. */
export function findEntry(text: string, name: string): { from: number; to: number } | undefined {
  const lines = text.split("\n");
  const from = lines.findIndex((l) => l.trim() === beginMarker(name).trim());
  if (from < 0) return undefined;
  const to = lines.findIndex((l, i) => i > from && l.trim() === endMarker(name).trim());
  return to < 0 ? undefined : { from, to };
}

export function removeEntry(text: string, name: string): string {
  const at = findEntry(text, name);
  if (!at) return text;
  const lines = text.split("\n");
  lines.splice(at.from, at.to - at.from + 1);
  return lines.join("\n");
}

/** Every name that has a scaffolded block in this text. */
export function scaffoldedNames(text: string): string[] {
  return [...text.matchAll(/^\s*\/\/ patterns new: ([a-z][a-z0-9-]*) \(/gm)].map((m) => m[1]!);
}

const q = JSON.stringify;

/** The worker registry's entry (src/services/registry.ts): its services and how to load its folder and its steps. */
export function registryEntry(o: { name: string; services: string[]; steps: boolean }): string[] {
  return [`{ name: ${q(o.name)}, services: ${q(o.services)}, subscriptions: [], worker: () => import("./${o.name}/index.js")${o.steps ? `, steps: () => import("./${o.name}/steps.js")` : ""} },`];
}
