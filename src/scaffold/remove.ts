// `patterns new --remove <name>`: take a scaffolded pattern out again, exactly what `new` made: its two folders, its
// registry block, its test, and their compiled files in dist/. A pattern `new` did not make is refused, whatever its
// name: the built-in ones are the playground's.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { REGISTRY_TARGETS, type FileText } from "./plan.js";
import { findEntry, removeEntry, scaffoldedNames } from "./registry-edit.js";
import { SCAFFOLD_MARK } from "./worker-templates.js";
import { compileToDist } from "./apply.js";

export interface RemovalPlan {
  name: string;
  /** files under the folders and the test, relative to the project */
  files: string[];
  folders: string[];
  edit: FileText[];
}

export interface Removed {
  name: string;
  removed: string[];
  edited: string[];
  /** dist/ files removed or rewritten */
  dist: string[];
}

function filesUnder(root: string, rel: string): string[] {
  const dir = path.join(root, rel);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? filesUnder(root, `${rel}/${f}`) : [`${rel}/${f}`]));
}

const marked = (root: string, rel: string) => existsSync(path.join(root, rel)) && readFileSync(path.join(root, rel), "utf8").split("\n", 3).join("\n").includes(SCAFFOLD_MARK);

/** What removing the pattern takes out; refuses (UsageError) a name `new` did not make. */
export function planRemoval(root: string, name: string, builtIn: (name: string) => boolean): RemovalPlan {
  const texts = REGISTRY_TARGETS.map((t) => ({ t, text: readFileSync(path.join(root, t.file), "utf8") }));
  const blocks = texts.filter((x) => findEntry(x.text, name));
  if (blocks.length === 0) {
    const made = [...new Set(texts.flatMap((x) => scaffoldedNames(x.text)))];
    if (builtIn(name))
      throw new UsageError(
        `"${name}" is one of the playground's own patterns, not one made by \`patterns new\`: it is not removed`,
        made.length ? `remove one you made: ${made.join(", ")}` : "nothing to remove",
      );
    throw new UsageError(`there is no pattern "${name}" made by \`patterns new\``, made.length ? `the ones made by it: ${made.join(", ")}` : "nothing made by `patterns new` is registered");
  }
  const folders = [`src/services/${name}`, `src/commands/${name}`].filter((d) => existsSync(path.join(root, d)));
  const unmarked = folders.filter((d) => !marked(root, `${d}/index.ts`));
  if (unmarked.length)
    throw new UsageError(
      `${unmarked.join(" and ")} ${unmarked.length === 1 ? "was" : "were"} not made by \`patterns new\` (no mark in index.ts): nothing removed`,
      "remove the pattern by hand (CONTRIBUTING.md: Add a pattern, backwards)",
    );
  const test = `test/e2e/${name}.test.ts`;
  const files = [...folders.flatMap((d) => filesUnder(root, d)), ...(marked(root, test) ? [test] : [])];
  return { name, files, folders, edit: blocks.map((x) => ({ path: x.t.file, text: removeEntry(x.text, name) })) };
}

/** The registry first (so nothing names the folders any more), then the files, then dist/. */
export async function applyRemoval(root: string, plan: RemovalPlan): Promise<Removed> {
  for (const f of plan.edit) writeFileSync(path.join(root, f.path), f.text);
  for (const f of plan.files) rmSync(path.join(root, f), { force: true });
  for (const d of plan.folders) rmSync(path.join(root, d), { recursive: true, force: true });
  const dist: string[] = [];
  for (const d of plan.folders.map((f) => f.replace(/^src\//, "dist/"))) {
    if (existsSync(path.join(root, d))) {
      rmSync(path.join(root, d), { recursive: true, force: true });
      dist.push(d);
    }
  }
  dist.push(...(await compileToDist(root, plan.edit)));
  return { name: plan.name, removed: [...plan.files, ...plan.folders], edited: plan.edit.map((f) => f.path), dist };
}
