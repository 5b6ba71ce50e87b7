// Reloads: serve new invocations with other code. A new worker starts on a fresh port, is registered as a new
// deployment and adopted as the component "worker" while the previous deployment drains (the right way); or the
// current worker is restarted in place with changed code under the same URI (what the versioning tour shows going
// wrong). A candidate that fails at load is stopped and the previous deployment keeps serving.
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { errorMessage } from "../errors.js";
import { workerArgs, type WorkerCode } from "./component-specs.js";
import type { Deployments } from "./deployments.js";
import { freePort } from "./ports.js";
import { canConnect } from "./ports.js";
import { exited, logSize, readFrom, sleep, terminateProc } from "./process-group.js";
import type { Restarts } from "./restarts.js";
import type { SupervisorContext } from "./supervisor-context.js";
import type { ReloadOutcome } from "./watch.js";
import { LoadError, loadFailure } from "./watch-build.js";

export interface ReloadRequest {
  entry?: string;
  code?: string;
  env?: Record<string, string>;
  changed?: string[];
  inPlace?: boolean;
}

export class Adoption {
  private chain: Promise<unknown> = Promise.resolve();
  /** a reload's new worker until it is registered (stop must not leave it behind) */
  candidate?: ChildProcess;

  constructor(
    private readonly ctx: SupervisorContext,
    private readonly deployments: Deployments,
    private readonly restarts: Restarts,
  ) {}

  /** One reload at a time, in the order asked. */
  reload(r: ReloadRequest): Promise<ReloadOutcome> {
    const run = this.chain.then(() => (r.inPlace ? this.reloadInPlace(r) : this.reloadNew(r)));
    this.chain = run.catch(() => {});
    return run;
  }

  private async reloadNew(r: ReloadRequest): Promise<ReloadOutcome> {
    if (this.ctx.stopping) throw new Error("the stack is stopping");
    await this.restarts.whenUp("worker", 60_000, "the worker has not come back for 1 min; nothing was reloaded");
    const current = this.ctx.workerCode;
    const code: WorkerCode = { entry: r.entry ?? current.entry, code: r.code ?? current.code, env: r.env ?? current.env };
    const port = await freePort();
    const from = logSize(this.ctx.comp("worker").log);
    const proc = this.deployments.spawnWorkerProc(port, code);
    this.candidate = proc;
    try {
      await this.candidateReady(proc, port, from);
      const id = await this.registerCandidate(proc, port);
      return await this.adopt(proc, port, code, id, r.changed);
    } finally {
      this.candidate = undefined;
    }
  }

  /** The candidate listens on its port, or it failed at load: then the error names the file and line. */
  private async candidateReady(proc: ChildProcess, port: number, from: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!exited(proc) && !(await canConnect(port))) {
      if (Date.now() > deadline) break;
      await sleep(25);
    }
    if (!exited(proc) && (await canConnect(port))) return;
    await terminateProc(proc, 2000);
    await sleep(50); // the last lines of its log
    const watch = this.ctx.state.watch;
    const f = loadFailure(readFrom(this.ctx.comp("worker").log, from), watch ? path.dirname(watch.srcRoot) : undefined);
    throw new LoadError(`the new worker did not start (exit ${proc.exitCode ?? proc.signalCode ?? "timeout"}): ${f.message}`, f.file, f.line);
  }

  private async registerCandidate(proc: ChildProcess, port: number): Promise<string> {
    let id: string;
    try {
      id = (await this.ctx.liveAdmin().registerDeployment(`http://127.0.0.1:${port}`)).id;
    } catch (e) {
      await terminateProc(proc, 2000);
      throw new LoadError(`Restate refused the new deployment: ${errorMessage(e)}`);
    }
    this.deployments.remember(id);
    if (this.ctx.stopping) {
      await terminateProc(proc, 2000);
      throw new Error("the stack is stopping");
    }
    return id;
  }

  /** The swap: the new worker becomes the component "worker" and the current deployment; the previous one drains. */
  private async adopt(proc: ChildProcess, port: number, code: WorkerCode, id: string, changed: string[] | undefined): Promise<ReloadOutcome> {
    const { ctx } = this;
    const comp = ctx.comp("worker");
    const oldCode = ctx.workerCode;
    const previous = this.deployments.current();
    const now = new Date().toISOString();
    // a restart of the old worker scheduled meanwhile (kill-worker) is the draining worker's business now
    const old = this.restarts.adopt("worker", proc);
    comp.pid = proc.pid;
    comp.port = port;
    comp.startedAt = now;
    comp.phase = "up";
    comp.command = [process.execPath, ...workerArgs(code)].join(" ");
    ctx.workerCode = code;
    const deployments = ctx.state.deployments ?? [];
    deployments.push({
      id,
      uri: `http://127.0.0.1:${port}`,
      port,
      pid: proc.pid,
      phase: "current",
      code: code.code,
      ...(Object.keys(code.env).length ? { env: code.env } : {}),
      registeredAt: now,
      ...(changed?.length ? { changed } : {}),
    });
    ctx.state.deployments = deployments;
    ctx.save();
    ctx.log("info", `deployment ${id} (${code.code}, pid ${proc.pid}, port ${port}) serves new invocations${previous ? `; ${previous.id} drains` : ""}`);
    const previousInFlight = previous && old ? await this.deployments.drain(previous, old, oldCode, now) : undefined;
    return { deployment: id, port, pid: proc.pid, previous: previous?.id, previousInFlight };
  }

  private async reloadInPlace(r: ReloadRequest): Promise<ReloadOutcome> {
    const { ctx } = this;
    if (ctx.stopping) throw new Error("the stack is stopping");
    await this.restarts.whenUp("worker", 60_000, "the worker has not come back for 1 min; nothing was reloaded");
    const child = ctx.group.get("worker")!;
    child.expectedExit = true;
    await terminateProc(child.proc, 5000);
    ctx.workerCode = { ...ctx.workerCode, env: r.env ?? ctx.workerCode.env, code: r.code ?? ctx.workerCode.code };
    await ctx.spawnComponent("worker");
    const comp = ctx.comp("worker");
    const res = await ctx.liveAdmin().registerDeployment(`http://127.0.0.1:${comp.port}`);
    const dep = this.deployments.current();
    if (dep) Object.assign(dep, { replacedInPlace: true, pid: comp.pid, env: ctx.workerCode.env });
    ctx.save();
    ctx.log("info", `deployment ${res.id} re-registered at the same URI with changed code (in place, pid ${comp.pid})`);
    return { deployment: res.id, port: comp.port, pid: comp.pid, previous: res.id };
  }
}
