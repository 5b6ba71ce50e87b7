// Writing a `patterns new` plan, and taking a scaffolded pattern out again. Both change src/ (and test/) and then
// the built CLI in dist/ the same way, so the CLI knows the pattern at once without a `npm run build`:
//
// The CLI runs from dist/, which tsc builds. A full `tsc` of the project takes tens of seconds on a loaded machine;
// the new pattern is a handful of files and the registry. So each file written or edited is compiled on its own with
// esbuild's transform (TypeScript stripped, no type check: the same trade `start --watch` makes for the worker) into
// its place in dist/, in a few milliseconds. The next `npm run build` type-checks and rewrites them like any file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FileText, ScaffoldPlan } from "./plan.js";

export interface Applied {
  created: string[];
  edited: string[];
  /** the dist/ files written for them */
  compiled: string[];
  compileMs: number;
}

/** "src/commands/x/verbs.ts" → "dist/commands/x/verbs.js"; undefined for files outside src/ (tests). */
export function distPathOf(rel: string): string | undefined {
  if (!rel.startsWith("src/") || !rel.endsWith(".ts")) return undefined;
  return `dist/${rel.slice("src/".length, -".ts".length)}.js`;
}

/** Compile each src/ file into dist/ with esbuild's transform; returns the files written. */
export async function compileToDist(root: string, files: FileText[]): Promise<string[]> {
  if (!existsSync(path.join(root, "dist"))) return [];
  const esbuild = await import("esbuild");
  const written: string[] = [];
  for (const f of files) {
    const out = distPathOf(f.path);
    if (!out) continue;
    const r = await esbuild.transform(f.text, {
      loader: "ts",
      format: "esm",
      target: "node22",
      sourcemap: "external",
      sourcefile: path.relative(path.dirname(path.join(root, out)), path.join(root, f.path)),
    });
    const file = path.join(root, out);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${r.code}//# sourceMappingURL=${path.basename(file)}.map\n`);
    writeFileSync(`${file}.map`, r.map);
    written.push(out);
  }
  return written;
}

/**
 * Write the plan: folders and files first, the registry last (a watcher that sees the registry then finds every file
 * it names). Should a write fail, what was written is taken back, so nothing is left half made.
 */
export async function applyPlan(root: string, plan: ScaffoldPlan): Promise<Applied> {
  const created: string[] = [];
  const originals = new Map<string, string>();
  try {
    for (const f of plan.create) {
      const file = path.join(root, f.path);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, f.text, { flag: "wx" });
      created.push(f.path);
    }
    for (const f of plan.edit) {
      const file = path.join(root, f.path);
      originals.set(f.path, readFileSync(file, "utf8"));
      writeFileSync(file, f.text);
    }
  } catch (e) {
    for (const p of created) rmSync(path.join(root, p), { force: true });
    for (const [p, text] of originals) writeFileSync(path.join(root, p), text);
    removeEmptyFolders(root, created);
    throw e;
  }
  const t0 = performance.now();
  const compiled = await compileToDist(root, [...plan.create, ...plan.edit]);
  return { created, edited: plan.edit.map((f) => f.path), compiled, compileMs: Math.round(performance.now() - t0) };
}

/** The pattern's folders, once their files are gone. */
export function removeEmptyFolders(root: string, files: string[]): void {
  const dirs = [...new Set(files.map((f) => path.dirname(f)))].sort((a, b) => b.length - a.length);
  for (const d of dirs) {
    try {
      rmdirSync(path.join(root, d));
    } catch {
      /* not empty or gone: leave it */
    }
  }
}

/**
 * Does the built CLI still load with the new files? A copied pattern could bring something the program refuses (a
 * verb that clashes), and a CLI that does not start could not even run `--remove`. Returns the error's last line.
 */
export function cliLoadError(root: string): string | undefined {
  const bin = path.join(root, "bin", "patterns.js");
  if (!existsSync(path.join(root, "dist")) || !existsSync(bin)) return undefined;
  const r = spawnSync(process.execPath, [bin, "--help"], { cwd: root, env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8", timeout: 120_000 });
  if (r.status === 0) return undefined;
  const lines = `${r.stderr ?? ""}`
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^\w*Error:/.test(l)) ?? lines.at(-1) ?? `exit ${r.status}`;
}
