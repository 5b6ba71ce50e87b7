// `start --watch` rebuilds the worker with esbuild: one bundle of src/worker/main.ts and every pattern it serves
// (TypeScript stripped, no type check), packages left to node_modules. An incremental esbuild context keeps the parsed
// files between builds, so a rebuild after one edit takes tens of milliseconds instead of a full `tsc` of the project.
// Each build goes to a folder of its own and is never overwritten: a deployment is immutable, and an older worker that
// still finishes invocations may have to be restarted on its own code.
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "./paths.js";

export interface BuildProblem {
  /** relative to the project folder when it is inside it */
  file?: string;
  line?: number;
  column?: number;
  text: string;
  lineText?: string;
}

export type BuildResult = { ok: true; n: number; entry: string; dir: string; ms: number } | { ok: false; n: number; ms: number; errors: BuildProblem[] };

export interface WorkerBuilder {
  build(): Promise<BuildResult>;
  dispose(): Promise<void>;
}

/** The worker's entry inside a source folder laid out like the project's src/. */
export function workerSource(srcRoot: string): string {
  return path.join(srcRoot, "worker", "main.ts");
}

/** "src/services/sagas/booking.ts:12:7: Expected ";" but found "const"" — one line per problem. */
export function formatProblem(p: BuildProblem): string {
  const where = p.file ? `${p.file}${p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column + 1}` : ""}` : ""}: ` : "";
  return `${where}${p.text}`;
}

/** The part of a path worth printing: relative to the project when inside it, else as given. */
export function shortPath(file: string, root = projectRoot): string {
  const rel = path.relative(root, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/**
 * A worker that died while loading: the first stack frame in a TypeScript source (the bundle carries a source map and
 * the worker runs with --enable-source-maps) and the error line itself.
 */
export function loadFailure(logText: string, root = projectRoot): { message: string; file?: string; line?: number; column?: number } {
  const lines = logText.split("\n").map((l) => l.trimEnd());
  const errorLine = lines.find((l) => /^\s*\w*(Error|Exception)\b[^:]*:/.test(l)) ?? lines.find((l) => /error/i.test(l) && !/^\s*at /.test(l)) ?? lines.filter(Boolean).at(-1) ?? "the worker exited";
  for (const l of lines) {
    const m = /\(?((?:file:\/\/)?[^\s()]+\.ts):(\d+):(\d+)\)?/.exec(l);
    if (m) {
      const file = m[1]!.replace(/^file:\/\//, "");
      return { message: errorLine.trim(), file: shortPath(file, root), line: Number(m[2]), column: Number(m[3]) };
    }
  }
  return { message: errorLine.trim() };
}

export async function createWorkerBuilder(srcRoot: string, outRoot: string): Promise<WorkerBuilder> {
  const esbuild = await import("esbuild");
  const entry = workerSource(srcRoot);
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: --watch-src must be a folder laid out like the project's src/`);
  mkdirSync(outRoot, { recursive: true });
  // the bundles import the SDK and the other packages from the project's node_modules: a link beside the builds makes
  // Node's resolution find them wherever the state dir is
  const modules = path.join(outRoot, "node_modules");
  if (!existsSync(modules)) symlinkSync(path.join(projectRoot, "node_modules"), modules, "dir");
  writeFileSync(path.join(outRoot, "package.json"), JSON.stringify({ type: "module", private: true }));
  let n = 0;
  const ctx = await esbuild.context({
    entryPoints: [entry],
    absWorkingDir: srcRoot,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    sourcemap: "linked",
    // every build is written to a folder of the same depth as this one, so the map's relative source paths hold
    outfile: path.join(outRoot, "build-0", "worker.mjs"),
    write: false,
    logLevel: "silent",
  });
  return {
    async build(): Promise<BuildResult> {
      const t0 = performance.now();
      n += 1;
      try {
        const result = await ctx.rebuild();
        const dir = path.join(outRoot, `build-${n}`);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        for (const f of result.outputFiles ?? []) writeFileSync(path.join(dir, path.basename(f.path)), f.contents);
        return { ok: true, n, entry: path.join(dir, "worker.mjs"), dir, ms: Math.round(performance.now() - t0) };
      } catch (e) {
        const errors = ((e as { errors?: { text: string; location?: { file: string; line: number; column: number; lineText: string } | null }[] }).errors ?? []).map((m): BuildProblem => ({
          text: m.text,
          file: m.location ? shortPath(path.resolve(srcRoot, m.location.file), path.dirname(srcRoot)) : undefined,
          line: m.location?.line,
          column: m.location?.column,
          lineText: m.location?.lineText,
        }));
        return { ok: false, n, ms: Math.round(performance.now() - t0), errors: errors.length ? errors : [{ text: (e as Error).message }] };
      }
    },
    async dispose() {
      await ctx.dispose();
    },
  };
}

/** A worker that did not load: the error, and the source file and line it names when it names one. */
export class LoadError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
  }
}
