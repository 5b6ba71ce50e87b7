// The watcher behind `start --watch`. It lives in the supervisor, the process that owns every worker, so `stop`,
// `kill-worker`, `status` and `logs worker` see the rebuilt workers like the first one and nothing outlives the stack.
// It watches <src>/services (the patterns' worker code), waits for a burst of saves to settle, rebuilds with esbuild
// and hands the bundle to the supervisor, which starts it on a fresh port and registers it as a new deployment.
// Every outcome is one JSON line in logs/watch.ndjson; `start --watch` prints them as they come.
import { appendFileSync, mkdirSync, readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { createWorkerBuilder, formatProblem, type BuildProblem, type WorkerBuilder } from "./watch-build.js";
import { c, sym } from "../ui/palette.js";

export type WatchEvent =
  | { type: "watching"; at: string; srcRoot: string; deployment?: string; warmupMs?: number }
  | {
      type: "reload";
      at: string;
      changed: string[];
      buildMs: number;
      /** from the change seen to the new deployment registered */
      ms: number;
      deployment: string;
      port: number;
      pid?: number;
      code: string;
      previous?: string;
      /** invocations pinned to the previous deployment that had not completed when it was superseded */
      previousInFlight?: number;
    }
  | { type: "build-failed"; at: string; changed: string[]; ms: number; errors: BuildProblem[]; serving?: string }
  | { type: "load-failed"; at: string; changed: string[]; ms: number; error: string; file?: string; line?: number; serving?: string }
  | { type: "drained"; at: string; deployment: string; pid?: number; removed: boolean; error?: string }
  | { type: "stopped-watching"; at: string };

export function watchEventsFile(logsDir: string): string {
  return path.join(logsDir, "watch.ndjson");
}

export function appendWatchEvent(logsDir: string, e: WatchEvent): void {
  mkdirSync(logsDir, { recursive: true });
  appendFileSync(watchEventsFile(logsDir), `${JSON.stringify(e)}\n`);
}

/** Which changed paths matter: TypeScript sources, not editor swap files or folders. Pure. */
export function relevantChanges(files: Iterable<string>): string[] {
  return [...new Set([...files].filter((f) => /\.(ts|mts|json)$/.test(f) && !/(^|\/)\.|~$|\.swp$/.test(f)))].sort();
}

/** One line's worth of build errors. Pure. */
export function buildErrorText(errors: BuildProblem[]): string {
  return errors.map(formatProblem).join("; ");
}

export interface ReloadOutcome {
  deployment: string;
  port: number;
  pid?: number;
  previous?: string;
  previousInFlight?: number;
}

import { LoadError } from "./watch-build.js";

export { LoadError };

export interface WatcherOptions {
  srcRoot: string;
  /** where the builds go (a folder of the state dir) */
  outRoot: string;
  logsDir: string;
  /** start a worker on the bundle and register it; throws LoadError when the worker does not come up */
  reload(entry: string, code: string, changed: string[]): Promise<ReloadOutcome>;
  /** the deployment serving now, for the lines that say it keeps serving */
  serving(): string | undefined;
  onBuild?(ok: boolean, error?: string): void;
  /** how long a burst of saves must be quiet before a build (default 120 ms) */
  settleMs?: number;
}

/** Every file under a folder (a folder that just appeared: a few files). */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesIn(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * One inotify watch per folder, not Node's recursive watch: on Linux that one loses a file for good once an editor
 * (or sed -i) saves by writing a temp file and renaming it over the original. A folder's own watch sees the rename.
 */
export class TreeWatcher {
  private watchers = new Map<string, FSWatcher>();

  constructor(
    private readonly root: string,
    private readonly onChange: (relPath: string) => void,
  ) {
    this.add(root);
  }

  private add(dir: string): void {
    if (this.watchers.has(dir)) return;
    let w: FSWatcher;
    try {
      w = watch(dir, (_event, name) => {
        if (!name) return;
        const full = path.join(dir, name.toString());
        try {
          if (statSync(full).isDirectory()) {
            // a new folder (`patterns new`, a copied pattern) may hold files written before its own watch began:
            // they count as changed, or the first build would wait for the next save
            const known = this.watchers.has(full);
            this.add(full);
            if (!known) for (const f of filesIn(full)) this.onChange(path.relative(this.root, f));
          }
        } catch {
          // gone: a temp file, or a folder removed (`patterns new --remove`); a folder's watch follows its inode, so
          // it is dropped here, or a folder made again under the same name would never be watched
          this.drop(full);
        }
        this.onChange(path.relative(this.root, full));
      });
    } catch {
      return;
    }
    w.on("error", () => {
      w.close();
      this.watchers.delete(dir);
    });
    this.watchers.set(dir, w);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules") this.add(path.join(dir, e.name));
    }
  }

  private drop(dir: string): void {
    for (const [d, w] of this.watchers) {
      if (d === dir || d.startsWith(dir + path.sep)) {
        w.close();
        this.watchers.delete(d);
      }
    }
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

export class Watcher {
  private builder?: WorkerBuilder;
  private fsWatcher?: TreeWatcher;
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private firstSeen = 0;
  private closed = false;

  constructor(private readonly o: WatcherOptions) {}

  /** Warm the incremental build (the first one parses everything) and start watching. */
  async start(): Promise<void> {
    const t0 = performance.now();
    this.builder = await createWorkerBuilder(this.o.srcRoot, this.o.outRoot);
    const warm = await this.builder.build();
    const services = path.join(this.o.srcRoot, "services");
    this.fsWatcher = new TreeWatcher(services, (file) => {
      this.pending.add(path.join("services", file));
      if (!this.firstSeen) this.firstSeen = performance.now();
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.kick(), this.o.settleMs ?? 120);
    });
    appendWatchEvent(this.o.logsDir, {
      type: "watching",
      at: new Date().toISOString(),
      srcRoot: this.o.srcRoot,
      deployment: this.o.serving(),
      warmupMs: Math.round(performance.now() - t0),
    });
    if (!warm.ok) this.o.onBuild?.(false, buildErrorText(warm.errors));
  }

  /** One build at a time; changes seen meanwhile make the next one. */
  private kick(): void {
    if (this.running || this.closed) return;
    this.running = this.cycle().finally(() => {
      this.running = undefined;
      if (this.pending.size > 0) this.kick();
    });
  }

  private async cycle(): Promise<void> {
    const changed = relevantChanges([...this.pending].map((f) => f.split(path.sep).join("/")));
    this.pending.clear();
    const t0 = this.firstSeen || performance.now();
    this.firstSeen = 0;
    if (changed.length === 0 || !this.builder) return;
    const at = () => new Date().toISOString();
    const built = await this.builder.build();
    if (this.closed) return;
    if (!built.ok) {
      this.o.onBuild?.(false, buildErrorText(built.errors));
      appendWatchEvent(this.o.logsDir, { type: "build-failed", at: at(), changed, ms: built.ms, errors: built.errors, serving: this.o.serving() });
      return;
    }
    try {
      const r = await this.o.reload(built.entry, `build ${built.n}`, changed);
      this.o.onBuild?.(true);
      appendWatchEvent(this.o.logsDir, {
        type: "reload",
        at: at(),
        changed,
        buildMs: built.ms,
        ms: Math.round(performance.now() - t0),
        deployment: r.deployment,
        port: r.port,
        pid: r.pid,
        code: `build ${built.n}`,
        previous: r.previous,
        previousInFlight: r.previousInFlight,
      });
    } catch (e) {
      const err = e as Error;
      const le = e instanceof LoadError ? e : undefined;
      this.o.onBuild?.(false, `${le?.file ? `${le.file}:${le.line}: ` : ""}${err.message}`);
      appendWatchEvent(this.o.logsDir, {
        type: "load-failed",
        at: at(),
        changed,
        ms: Math.round(performance.now() - t0),
        error: err.message,
        ...(le?.file ? { file: le.file, line: le.line } : {}),
        serving: this.o.serving(),
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.fsWatcher?.close();
    await this.running?.catch(() => {});
    await this.builder?.dispose().catch(() => {});
    appendWatchEvent(this.o.logsDir, { type: "stopped-watching", at: new Date().toISOString() });
  }
}

/** One line per event, for `start --watch`. Pure (colour aside). */
export function watchEventLine(e: WatchEvent): string {
  const what = (changed: string[]) => (changed.length === 1 ? `${changed[0]} changed` : `${changed.length} files changed (${changed.slice(0, 3).join(", ")}${changed.length > 3 ? ", …" : ""})`);
  switch (e.type) {
    case "watching":
      return `${sym.dot} watching ${c.info(path.join(e.srcRoot, "services"))}${e.warmupMs !== undefined ? c.dim(` (build warmed up in ${e.warmupMs} ms)`) : ""}; serving ${c.id(e.deployment ?? "?")}. Save a pattern's file: it becomes a new deployment`;
    case "reload": {
      const prev = e.previous
        ? e.previousInFlight
          ? `; ${e.previousInFlight} invocation${e.previousInFlight === 1 ? "" : "s"} in flight finish${e.previousInFlight === 1 ? "es" : ""} on ${c.id(e.previous)}, the deployment ${e.previousInFlight === 1 ? "it" : "they"} started on (Restate pins each invocation to one), whose worker stops once nothing runs there`
          : `; nothing was running on ${c.id(e.previous)}: its worker stops`
        : "";
      return `${sym.ok} ${what(e.changed)}: built in ${e.buildMs} ms, deployment ${c.id(e.deployment)} (${e.code}, 127.0.0.1:${e.port}, pid ${e.pid ?? "?"}) takes new invocations ${c.dim(`[${e.ms} ms]`)}${prev}`;
    }
    case "build-failed":
      return `${sym.fail} ${what(e.changed)}: the build failed, ${c.id(e.serving ?? "the previous deployment")} keeps serving\n${e.errors.map((p) => `    ${formatProblem(p)}${p.lineText ? `\n      ${c.dim(p.lineText.trim())}` : ""}`).join("\n")}`;
    case "load-failed":
      return `${sym.fail} ${what(e.changed)}: built, but the new worker failed at load, ${c.id(e.serving ?? "the previous deployment")} keeps serving\n    ${e.file ? `${e.file}:${e.line}: ` : ""}${e.error}`;
    case "drained":
      return `${sym.dot} ${c.id(e.deployment)} drained: nothing runs on it any more; worker pid ${e.pid ?? "?"} stopped${e.removed ? ", deployment removed from Restate" : `, the deployment could not be removed (${e.error ?? "?"})`}`;
    case "stopped-watching":
      return `${sym.dot} stopped watching`;
  }
}
