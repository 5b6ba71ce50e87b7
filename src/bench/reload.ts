// `start --watch` in the bench: from a saved file to the new deployment answering, on a private stack that watches a
// temporary copy of src/ (the repo's files are never edited). Each run appends a comment line to a pattern's source
// and times: the watcher's own figure (change seen → deployment registered), its esbuild time, and save → the first
// call through the ingress answered by the new worker.
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot, statePaths } from "../runtime/paths.js";
import { control } from "../runtime/stack.js";
import { watchEventsFile, type WatchEvent } from "../runtime/watch.js";
import { eventually } from "../observe/index.js";
import { startStack } from "../lab/stack.js";
import { median } from "./stats.js";

type Reload = Extract<WatchEvent, { type: "reload" }>;

export interface ReloadBench {
  /** save → the first ingress call answered by the new deployment's worker */
  saveToServingMs: { median: number; all: number[] };
  /** the watcher's figure: change seen → new deployment registered */
  registeredMs: { median: number; all: number[] };
  buildMs: { median: number; all: number[] };
}

function reloads(file: string): Reload[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as WatchEvent)
    .filter((e): e is Reload => e.type === "reload");
}

export async function reloadBench(o: { runs: number; log: (line: string) => void }): Promise<ReloadBench> {
  const work = mkdtempSync(path.join(os.tmpdir(), "patterns-bench-reload-"));
  const src = path.join(work, "src");
  cpSync(path.join(projectRoot, "src"), src, { recursive: true });
  const edited = path.join(src, "services", "durable-rpc", "api.ts");
  const stack = await startStack({ prefix: "bench-reload", args: ["--no-kafka"] });
  try {
    const paths = statePaths(stack.stateDir);
    const file = watchEventsFile(paths.logsDir);
    await control(paths, "POST", "/watch", { srcRoot: src });
    await eventually("the watcher's first build", async () => readFileSync(file, "utf8").includes('"type":"watching"') || undefined, { timeoutMs: 60_000, everyMs: 100 });
    const serving: number[] = [];
    const registered: number[] = [];
    const build: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const seen = reloads(file).length;
      const t0 = performance.now();
      appendFileSync(edited, `\n// bench reload ${i + 1}\n`);
      const r = await eventually(`reload ${i + 1} registered`, async () => reloads(file)[seen], { timeoutMs: 60_000, everyMs: 20 });
      await eventually(
        `reload ${i + 1} serving`,
        async () => {
          const res = await fetch(`${stack.ingressUrl}/playground/ping`, { method: "POST" }).catch(() => undefined);
          const body = res && res.ok ? ((await res.json()) as { workerPid?: number }) : undefined;
          return body?.workerPid === r.pid || undefined;
        },
        { timeoutMs: 60_000, everyMs: 20 },
      );
      serving.push(Math.round(performance.now() - t0));
      registered.push(r.ms);
      build.push(r.buildMs);
    }
    await control(paths, "POST", "/watch", { on: false }, 10_000).catch(() => undefined);
    const stat = (xs: number[]) => ({ median: median(xs), all: xs });
    return { saveToServingMs: stat(serving), registeredMs: stat(registered), buildMs: stat(build) };
  } finally {
    await stack.stop().catch((e) => o.log(`reload bench: stopping its stack failed: ${e instanceof Error ? e.message : String(e)}`));
    rmSync(work, { recursive: true, force: true });
  }
}
