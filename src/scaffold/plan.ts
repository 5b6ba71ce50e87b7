// `patterns new` as a plan: every file it will create and every file it will edit, with their full text, computed
// before anything is written. A bad or taken name throws here (a UsageError with the fix), so a refused `new`
// writes nothing. Apply writes the plan (./apply.ts).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { checkName, namesOf, stepNames, type Kind, type Taken } from "./names.js";
import { apiTs, handlerTs, schemaTs, stepsTs, workerIndexTs } from "./worker-templates.js";
import { cliIndexTs, tourTs, verbsTs } from "./cli-templates.js";
import { testTs } from "./test-template.js";
import { insertEntry, registryEntry, type RegistryTarget } from "./registry-edit.js";
import { copyPlan, fromTestTs, type FromPattern } from "./from.js";

export interface FileText {
  /** relative to the project folder, "/"-separated */
  path: string;
  text: string;
}

export interface ScaffoldPlan {
  name: string;
  kind: Kind;
  from?: string;
  services: string[];
  steps: string[];
  verb: string;
  create: FileText[];
  /** files changed in place (the registry): their new text */
  edit: FileText[];
}

/** Where the pattern's registry entry goes. */
export const REGISTRY_TARGETS: RegistryTarget[] = [{ file: "src/services/registry.ts", listOpens: /^export const patternWorkers: WorkerFolder\[\] = \[\s*$/ }];

export interface PlanInput {
  root: string;
  name: string;
  kind: Kind;
  /** the pattern to copy (--from), with its registry data and its services */
  from?: FromPattern;
  /** patterns, services and verbs that exist (the running program's) */
  taken: Omit<Taken, "paths">;
}

/** The project's pattern folders and tests that exist, as relative paths (what a name must not collide with). */
export function existingPaths(root: string): string[] {
  const list = (rel: string, keep: (f: string) => boolean) => {
    const dir = path.join(root, rel);
    return existsSync(dir)
      ? readdirSync(dir)
          .filter(keep)
          .map((f) => `${rel}/${f}`)
      : [];
  };
  const isDir = (rel: string) => (f: string) => statSync(path.join(root, rel, f)).isDirectory();
  return [...list("src/services", isDir("src/services")), ...list("src/commands", isDir("src/commands")), ...list("test/e2e", (f) => f.endsWith(".test.ts"))];
}

/** Names a pattern may not have: its own files would collide with the folder's (api.ts, index.ts). */
const RESERVED = ["api", "index", "lib", "new"];

export function planNew(input: PlanInput): ScaffoldPlan {
  const { root, name, kind } = input;
  const services = input.from ? input.from.services.map((s) => `${name}-${s}`) : [name];
  if (RESERVED.includes(name)) throw new UsageError(`"${name}" is reserved (the playground uses it for its own files)`, `pick another name, e.g. npx patterns new my-${name}`);
  const refused = checkName(name, { ...input.taken, paths: existingPaths(root) }, services);
  if (refused) throw refused;
  const n = namesOf(name);
  const first = stepNames(name).first;
  const create: FileText[] = input.from
    ? [...copyPlan(root, input.from, name), { path: `test/e2e/${name}.test.ts`, text: fromTestTs(name, input.from.name) }]
    : [
        { path: `src/services/${name}/api.ts`, text: apiTs(n, kind) },
        { path: `src/services/${name}/schema.ts`, text: schemaTs(n, kind) },
        { path: `src/services/${name}/steps.ts`, text: stepsTs(n) },
        { path: `src/services/${name}/${name}.ts`, text: handlerTs(n, kind) },
        { path: `src/services/${name}/index.ts`, text: workerIndexTs(n) },
        { path: `src/commands/${name}/verbs.ts`, text: verbsTs(n, kind) },
        { path: `src/commands/${name}/tour.ts`, text: tourTs(n, kind) },
        {
          path: `src/commands/${name}/index.ts`,
          text: cliIndexTs(n, {
            title: `${name} (your pattern)`,
            summary: `a Restate ${kind} made by \`patterns new\`: two durable steps around a durable sleep`,
            guarantee: `Each ctx.run step's result is journaled before the handler goes on, so a worker killed after "${first}" resumes on the restarted worker with that result replayed from the journal, not run again; the sleep is a timer kept by Restate.`,
            verbs: [`${name} [who]`],
            crashStep: first,
          }),
        },
        { path: `test/e2e/${name}.test.ts`, text: testTs(n, kind) },
      ];
  const steps = input.from ? input.from.steps : Object.values(stepNames(name));
  const entry = registryEntry({ name, services, steps: create.some((f) => f.path === `src/services/${name}/steps.ts`) });
  const edit = REGISTRY_TARGETS.map((t) => {
    const file = path.join(root, t.file);
    if (!existsSync(file)) throw new UsageError(`${t.file} does not exist: run patterns new in the project folder`, "cd into the project and try again");
    return { path: t.file, text: insertEntry(readFileSync(file, "utf8"), t, name, entry) };
  });
  return { name, kind, from: input.from?.name, services, steps, verb: name, create, edit };
}
