// The spellings of a new pattern's name (folder, constant, type, service) and the rules a name must pass before
// `patterns new` writes anything: kebab-case, not a pattern, service, verb or folder that exists. Pure: what exists is
// passed in, so the rules are unit-tested without a project.
import { UsageError } from "../errors.js";

export type Kind = "service" | "object" | "workflow";
export const KINDS: readonly Kind[] = ["service", "object", "workflow"];

export interface Names {
  /** kebab-case: the folders, the registry's name, the verb */
  name: string;
  /** MY_THING: the service-name constant */
  constant: string;
  /** myThing: the Restate definition's variable */
  camel: string;
  /** MyThing: its type */
  pascal: string;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const MAX_NAME = 40;

export function namesOf(name: string): Names {
  const words = name.split("-");
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  return { name, constant: words.join("_").toUpperCase(), camel: pascal[0]!.toLowerCase() + pascal.slice(1), pascal };
}

/** The ctx.run steps of a generated pattern; named after it, so `kill-worker --at-step` finds no other pattern's step. */
export function stepNames(name: string): { first: string; second: string } {
  return { first: `prepare ${name}`, second: `finish ${name}` };
}

/** What already exists, as lower-case names: each kind of clash has its own fix. */
export interface Taken {
  patterns: string[];
  services: string[];
  verbs: string[];
  /** src/services/*, src/commands/*, test/e2e/<name>.test.ts that exist (relative paths) */
  paths: string[];
  /** patterns made by `patterns new` (the fix for those is --remove) */
  scaffolded?: string[];
}

/** Why a name cannot be used, with the fix; undefined when it can. Every check runs before anything is written. */
export function checkName(raw: string, taken: Taken, services: string[] = [raw]): UsageError | undefined {
  const example = "for example npx patterns new greeter";
  if (!KEBAB.test(raw)) {
    return new UsageError(`"${raw}" is not a pattern name: use lower-case letters, digits and single dashes, starting with a letter`, `${example}, or new my-pattern`);
  }
  if (raw.length > MAX_NAME) return new UsageError(`"${raw}" is too long (${raw.length} characters, at most ${MAX_NAME})`, example);
  if (taken.scaffolded?.includes(raw))
    return new UsageError(`there is already a pattern "${raw}" (made by \`patterns new\`)`, `pick another name, or take it out first: npx patterns new --remove ${raw}`);
  if (taken.patterns.includes(raw)) return new UsageError(`there is already a pattern "${raw}"`, `pick another name, or start from a copy of it: npx patterns new my-${raw} --from ${raw}`);
  const clash = taken.services.find((t) => services.some((s) => s.toLowerCase() === t.toLowerCase()));
  if (clash)
    return new UsageError(
      `the worker already serves a Restate service "${clash}"${services.includes(clash) ? "" : " (Restate names differing only in case are confusing)"}`,
      `pick a name no service uses, e.g. npx patterns new my-${raw}`,
    );
  if (taken.verbs.includes(raw)) return new UsageError(`"${raw}" is already a verb of the CLI (npx patterns ${raw})`, `pick a name that is not a verb, e.g. npx patterns new my-${raw}`);
  const existing = taken.paths.filter((p) => p === `src/services/${raw}` || p === `src/commands/${raw}` || p === `test/e2e/${raw}.test.ts`);
  if (existing.length)
    return new UsageError(`${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}`, `pick another name, or take a scaffolded pattern out first: npx patterns new --remove ${raw}`);
  return undefined;
}
