// The worker's deployments in Restate: the first registration, the leftovers of an earlier run removed, superseded
// deployments drained (their worker kept until nothing pinned to them is left, brought back if it dies meanwhile, then
// retired), and the source watcher of `start --watch` that asks for a new deployment per saved change.
import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "../errors.js";
import { workerSpec, type WorkerCode } from "./component-specs.js";
import { exited, spawnLogged, terminateProc } from "./process-group.js";
import type { DeploymentState, WatchState } from "./state.js";
import type { SupervisorContext } from "./supervisor-context.js";
// the watcher (and the palette its lines use) loads only for --watch: it is not on the way to ready
import type { ReloadOutcome, Watcher } from "./watch.js";

/** A superseded deployment's worker, kept until nothing pinned to its deployment is left. */
interface DrainingWorker {
  proc: ChildProcess;
  port: number;
  code: WorkerCode;
  /** the first poll that found nothing pinned; a second one in a row retires it */
  zeroSince?: number;
  retiring?: boolean;
  respawnTimer?: NodeJS.Timeout;
}

/** A superseded deployment is retired no sooner than this: an invocation sent just before the switch gets pinned. */
const DRAIN_GRACE_MS = 2000;
/** How many retired deployments status keeps showing. */
const KEEP_DRAINED = 3;
/** A draining worker that dies comes back after this long (its pinned invocations need it). */
const DRAINING_RESPAWN_MS = 1000;

export class Deployments {
  private draining = new Map<string, DrainingWorker>();
  private drainTimer?: NodeJS.Timeout;
  private drainBusy = false;
  private watcher?: Watcher;

  constructor(
    private readonly ctx: SupervisorContext,
    private readonly reload: (entry: string, code: string, changed: string[]) => Promise<ReloadOutcome>,
  ) {}

  current(): DeploymentState | undefined {
    return this.ctx.state.deployments?.find((d) => d.phase === "current");
  }

  /** The ports of the draining workers (stop waits for them to be free). */
  drainingPorts(): number[] {
    return [...this.draining.values()].map((d) => d.port);
  }

  /** Register the worker that start spawned as the one current deployment. */
  async registerFirst(): Promise<void> {
    const { ctx } = this;
    const state = ctx.state;
    const port = state.components.worker.port;
    const uri = `http://127.0.0.1:${port}`;
    const res = await ctx.admin.registerDeployment(uri);
    state.deployments = [{ id: res.id, uri, port, pid: state.components.worker.pid, phase: "current", code: ctx.workerCode.code, registeredAt: new Date().toISOString() }];
    this.remember(res.id);
    await this.removeStale(res.id);
    ctx.save();
  }

  private get madeFile(): string {
    return path.join(this.ctx.paths.root, "deployments.json");
  }

  /** The deployments this state dir's supervisors registered (so a later start removes only its own leftovers). */
  private made(): string[] {
    try {
      return JSON.parse(readFileSync(this.madeFile, "utf8")) as string[];
    } catch {
      return [];
    }
  }

  remember(id: string): void {
    writeFileSync(this.madeFile, JSON.stringify([...new Set([...this.made(), id])]));
  }

  /**
   * A previous run stopped with reloaded deployments registered (their workers are gone with it): remove them, so the
   * one registered now is the only deployment of ours. Deployments somebody else registered are left alone.
   */
  private async removeStale(current: string): Promise<void> {
    const mine = new Set(this.made());
    if (mine.size <= 1) return;
    const { ctx } = this;
    const known = await ctx.admin.deployments().catch(() => []);
    const stale = known.filter((d) => d.id !== current && mine.has(d.id));
    if (stale.length > 0) {
      // their workers went with the previous run: whatever is still pinned to them cannot finish (its code is gone)
      const pinned = await ctx.deps.pinnedCounts(ctx.admin, 5000).catch(() => undefined);
      const stranded = stale.reduce((n, d) => n + (pinned?.get(d.id) ?? 0), 0);
      if (stranded > 0) {
        ctx.state.notes.push(
          `${stranded} invocation${stranded === 1 ? " was" : "s were"} pinned to deployments of an earlier run whose workers are gone (removed now); they cannot finish: \`npx patterns invocations --status active\`, then cancel or kill them`,
        );
      }
      for (const d of stale) {
        await ctx.admin.deleteDeployment(d.id).then(
          () => ctx.log("info", `removed deployment ${d.id} (${d.uri ?? "?"}), left by an earlier run`),
          (e: unknown) => ctx.log("warn", `could not remove deployment ${d.id}: ${errorMessage(e)}`),
        );
      }
    }
    writeFileSync(this.madeFile, JSON.stringify([current]));
  }

  /** The previous deployment stops taking new invocations; its worker stays for those pinned to it. */
  async drain(previous: DeploymentState, proc: ChildProcess, code: WorkerCode, at: string): Promise<number> {
    previous.phase = "draining";
    previous.supersededAt = at;
    this.draining.set(previous.id, { proc, port: previous.port, code });
    if (exited(proc)) this.onDrainingExit(previous.id, proc);
    else proc.once("exit", () => this.onDrainingExit(previous.id, proc));
    const inFlight = (await this.ctx.deps.pinnedCounts(this.ctx.liveAdmin()).catch(() => undefined))?.get(previous.id) ?? 0;
    previous.inFlight = inFlight;
    this.ctx.save();
    if (!this.drainTimer && !this.ctx.stopping) this.drainTimer = setInterval(() => void this.drainTick(), 1000);
    return inFlight;
  }

  /** Retire each draining deployment once two looks in a row find nothing pinned to it. */
  private async drainTick(): Promise<void> {
    if (this.drainBusy || this.ctx.stopping) return;
    if (this.draining.size === 0) {
      clearInterval(this.drainTimer);
      this.drainTimer = undefined;
      return;
    }
    this.drainBusy = true;
    try {
      const counts = await this.ctx.deps.pinnedCounts(this.ctx.liveAdmin());
      for (const [id, d] of [...this.draining]) {
        const dep = this.ctx.state.deployments?.find((x) => x.id === id);
        const n = counts.get(id) ?? 0;
        if (dep) dep.inFlight = n;
        const settled = Date.now() - Date.parse(dep?.supersededAt ?? new Date().toISOString()) >= DRAIN_GRACE_MS;
        if (n > 0 || !settled) d.zeroSince = undefined;
        else if (d.zeroSince === undefined) d.zeroSince = Date.now();
        else await this.retire(id, d);
      }
      this.ctx.save();
    } catch (e) {
      this.ctx.log("warn", `could not read what runs on the older deployments: ${errorMessage(e)}`);
    } finally {
      this.drainBusy = false;
    }
  }

  /** Stop a drained deployment's worker and remove the deployment from Restate. */
  private async retire(id: string, d: DrainingWorker): Promise<void> {
    const { ctx } = this;
    this.draining.delete(id);
    d.retiring = true;
    clearTimeout(d.respawnTimer);
    const pid = d.proc.pid;
    await terminateProc(d.proc, 5000);
    let error: string | undefined;
    await ctx
      .liveAdmin()
      .deleteDeployment(id)
      .catch((e: unknown) => (error = errorMessage(e)));
    const dep = ctx.state.deployments?.find((x) => x.id === id);
    if (dep) Object.assign(dep, { phase: "drained", stoppedAt: new Date().toISOString(), inFlight: 0 });
    const list = ctx.state.deployments ?? [];
    const drained = list.filter((x) => x.phase === "drained");
    if (drained.length > KEEP_DRAINED) ctx.state.deployments = list.filter((x) => x.phase !== "drained" || drained.indexOf(x) >= drained.length - KEEP_DRAINED);
    ctx.save();
    ctx.log(error ? "warn" : "info", `deployment ${id} drained: worker pid ${pid} stopped, ${error ? `not removed (${error})` : "deployment removed from Restate"}`);
    const { appendWatchEvent } = await import("./watch.js");
    appendWatchEvent(ctx.paths.logsDir, { type: "drained", at: new Date().toISOString(), deployment: id, pid, removed: !error, ...(error ? { error } : {}) });
  }

  /** A draining worker that dies by itself comes back on its port and code: its invocations are pinned to it. */
  private onDrainingExit(id: string, proc: ChildProcess): void {
    const d = this.draining.get(id);
    if (!d || d.proc !== proc || d.retiring || this.ctx.stopping) return;
    this.ctx.log("warn", `worker of draining deployment ${id} (pid ${proc.pid}) exited with ${proc.signalCode ?? proc.exitCode}; restarting it in ${DRAINING_RESPAWN_MS} ms`);
    d.respawnTimer = setTimeout(() => {
      if (this.ctx.stopping || d.retiring) return;
      const next = this.spawnWorkerProc(d.port, d.code);
      d.proc = next;
      const dep = this.ctx.state.deployments?.find((x) => x.id === id);
      if (dep) dep.pid = next.pid;
      this.ctx.save();
      next.once("exit", () => this.onDrainingExit(id, next));
    }, DRAINING_RESPAWN_MS);
  }

  /** A worker outside the component table (a reload's candidate, a draining worker coming back), logging to worker.log. */
  spawnWorkerProc(port: number, code: WorkerCode): ChildProcess {
    const { state, config } = this.ctx;
    const setting = { publicKey: state.publicKey, stateDir: config.stateDir, timeScale: config.timeScale, ingressUrl: state.ingressUrl };
    return spawnLogged(workerSpec(port, code, setting, state.components.worker.log));
  }

  /** Stop every draining worker (the stack is stopping). */
  async stopDraining(graceMs: number): Promise<void> {
    clearInterval(this.drainTimer);
    await Promise.all(
      [...this.draining.values()].map(async (d) => {
        d.retiring = true;
        clearTimeout(d.respawnTimer);
        await terminateProc(d.proc, graceMs);
      }),
    );
  }

  // ---- watching the sources (start --watch) ------------------------------------------------------------------------

  async startWatching(srcRoot: string): Promise<WatchState> {
    const { ctx } = this;
    if (this.watcher && ctx.state.watch) return ctx.state.watch;
    const outRoot = path.join(ctx.paths.root, "watch", String(Date.now()));
    ctx.state.watch = { srcRoot, since: new Date().toISOString(), builds: 0, failures: 0 };
    const { Watcher } = await import("./watch.js");
    const watcher = new Watcher({
      srcRoot,
      outRoot,
      logsDir: ctx.paths.logsDir,
      reload: this.reload,
      serving: () => this.current()?.id,
      onBuild: (ok, error) => this.onBuild(ok, error),
    });
    try {
      await watcher.start();
    } catch (e) {
      delete ctx.state.watch;
      ctx.save();
      await watcher.close().catch(() => {});
      throw e;
    }
    this.watcher = watcher;
    ctx.save();
    ctx.log("info", `watching ${path.join(srcRoot, "services")} for changes`);
    return ctx.state.watch;
  }

  private onBuild(ok: boolean, error?: string): void {
    const w = this.ctx.state.watch;
    if (!w) return;
    if (ok) {
      w.builds += 1;
      delete w.lastError;
    } else {
      w.failures += 1;
      w.lastError = error;
    }
    this.ctx.save();
  }

  async stopWatching(): Promise<void> {
    const w = this.watcher;
    this.watcher = undefined;
    delete this.ctx.state.watch;
    this.ctx.save();
    await w?.close().catch(() => {});
    if (w) this.ctx.log("info", "stopped watching");
  }
}
