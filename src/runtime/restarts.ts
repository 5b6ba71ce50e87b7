// Restarts: a component that dies on its own comes back after a capped exponential backoff (backoff.ts), reset once
// it has stayed up; one that keeps dying is a crash loop, with its last error and log lines in the state file for
// `status` and `doctor`. Also the deliberate kills of the fault verbs (kill-worker, kill-restate, kill-broker), which
// choose their own downtime and are not failures.
import type { ChildProcess } from "node:child_process";
import { errorMessage } from "../errors.js";
import { BACKOFF, isCrashLoop, restartDelay } from "./backoff.js";
import type { KafkaWiring } from "./kafka-wiring.js";
import { exited, readFrom, type Child, type ChildName } from "./process-group.js";
import type { SupervisorContext } from "./supervisor-context.js";
import { loadFailure } from "./watch-build.js";

/** How many restart delays the state keeps (status shows them growing). */
const KEEP_DELAYS = 8;

export interface KillRequest {
  signal?: NodeJS.Signals;
  downMs: number;
  wait: boolean;
}

export class Restarts {
  /** children with a restart attempt under way: its outcome, not their exit event, decides what comes next */
  private attempting = new Set<ChildName>();

  constructor(
    private readonly ctx: SupervisorContext,
    private readonly kafka: KafkaWiring,
  ) {}

  /** Every child's exit comes here; a death we did not cause restarts it after the backoff. */
  onExit(name: ChildName, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const child = this.ctx.group.get(name);
    if (!child || child.proc !== proc) return;
    const expected = this.ctx.stopping || child.expectedExit;
    // an exit we asked for is lifecycle; any other is a death the supervisor answers with a restart
    this.ctx.log(expected ? "info" : "warn", `${name} (pid ${proc.pid}) exited with ${signal ?? code}`);
    clearTimeout(child.stableTimer);
    if (expected) return;
    const comp = this.ctx.comp(name);
    comp.phase = "down";
    child.downSince = Date.now();
    this.ctx.save();
    if (this.ctx.state.readyAt === undefined) return; // during start a death fails the start instead
    if (this.attempting.has(name)) return; // the attempt's own failure handling follows
    this.failed(name, `${name} exited with ${signal ?? code}`);
  }

  /** One more failure in a row: record what it said, report a crash loop, restart after the grown delay. */
  private failed(name: ChildName, fallback: string): void {
    const comp = this.ctx.comp(name);
    const child = this.ctx.group.entry(name);
    const failures = (comp.failures ?? 0) + 1;
    comp.failures = failures;
    const delay = restartDelay(failures);
    comp.backoff = [...(comp.backoff ?? []), delay].slice(-KEEP_DELAYS);
    if (isCrashLoop(failures)) {
      const own = readFrom(comp.log, child.logFrom ?? 0);
      const lines = own.split("\n").filter((l) => l.trim() !== "");
      const lastError = lines.length ? loadFailure(own).message : fallback;
      comp.crashLoop = { since: comp.crashLoop?.since ?? new Date().toISOString(), failures, lastError, lastLines: lines.slice(-10) };
      this.ctx.log("error", `${name} is in a crash loop (${failures} failures in a row): ${lastError}`);
    }
    this.schedule(name, delay);
  }

  private schedule(name: ChildName, delayMs: number): void {
    const child = this.ctx.group.entry(name);
    const comp = this.ctx.comp(name);
    clearTimeout(child.restartTimer);
    comp.nextRestartAt = new Date(Date.now() + delayMs).toISOString();
    this.ctx.save();
    this.ctx.log("warn", `restarting ${name} in ${delayMs} ms`);
    child.restartTimer = setTimeout(() => void this.attempt(name), delayMs);
  }

  private async attempt(name: ChildName): Promise<void> {
    if (this.ctx.stopping) return;
    const child = this.ctx.group.entry(name);
    const comp = this.ctx.comp(name);
    delete comp.nextRestartAt;
    // counted before the spawn saves the new pid, so `status` never shows the new process with the old count
    comp.restarts += 1;
    this.attempting.add(name);
    try {
      const wiped = name === "broker" && (await this.kafka.beforeBrokerRestart());
      await this.ctx.spawnComponent(name);
      if (wiped) await this.kafka.afterBrokerRestart(true);
      comp.phase = "up";
      child.downSince = undefined;
      this.ctx.save();
      this.ctx.log("info", `${name} is back (pid ${comp.pid})`);
      if (name === "worker") void this.retryNow(comp.port);
      this.armStable(name, child);
      for (const w of child.waiters.splice(0)) w();
    } catch (e) {
      comp.restarts -= 1;
      comp.phase = "down";
      this.ctx.log("warn", `${name} failed to come back: ${errorMessage(e)}`);
      if (!this.ctx.stopping) this.failed(name, errorMessage(e));
    } finally {
      this.attempting.delete(name);
    }
  }

  /**
   * The worker is back: the invocations that failed to reach it wait out Restate's retry backoff (up to a second);
   * resuming them makes Restate retry them now. Only those whose last failure was a call to this worker's address.
   */
  private async retryNow(port: number): Promise<void> {
    const admin = this.ctx.liveAdmin();
    try {
      const waiting = (await this.ctx.deps.backingOff(admin)).filter((i) => i.lastFailure?.includes(`127.0.0.1:${port}`));
      await Promise.all(waiting.map((i) => admin.resumeInvocation(i.id).catch(() => undefined)));
      if (waiting.length) this.ctx.log("info", `retried ${waiting.length} invocation${waiting.length === 1 ? "" : "s"} that had failed on the worker, without waiting out their backoff`);
    } catch (e) {
      this.ctx.log("warn", `could not retry the invocations waiting for the worker: ${errorMessage(e)}`);
    }
  }

  /** Once it has stayed up for the stable time, its next death starts the backoff over and the crash loop is over. */
  private armStable(name: ChildName, child: Child): void {
    clearTimeout(child.stableTimer);
    const proc = child.proc;
    child.stableTimer = setTimeout(() => {
      if (this.ctx.stopping || child.proc !== proc || !proc || exited(proc)) return;
      const comp = this.ctx.comp(name);
      if (!comp.failures && !comp.crashLoop && !comp.backoff?.length) return;
      this.ctx.log("info", `${name} stayed up ${BACKOFF.stableMs / 1000} s: its restart backoff starts over`);
      comp.failures = 0;
      comp.backoff = [];
      delete comp.crashLoop;
      this.ctx.save();
    }, BACKOFF.stableMs);
    child.stableTimer.unref();
  }

  /** A new process takes over the component (a reload's worker); returns the one it replaces. */
  adopt(name: ChildName, proc: ChildProcess): ChildProcess | undefined {
    const child = this.ctx.group.entry(name);
    const old = child.proc;
    clearTimeout(child.restartTimer);
    child.proc = proc;
    child.expectedExit = false;
    proc.once("exit", (c, sig) => this.onExit(name, proc, c, sig));
    const comp = this.ctx.comp(name);
    delete comp.nextRestartAt;
    this.armStable(name, child);
    for (const w of child.waiters.splice(0)) w();
    return old;
  }

  /** Resolves once the component is up (at once if it is); rejects with `message` after timeoutMs. */
  async whenUp(name: ChildName, timeoutMs: number, message: string): Promise<void> {
    const child = this.ctx.group.get(name);
    if (!child) throw new Error(`${name} is not running under this supervisor`);
    if (this.ctx.comp(name).phase === "up" && child.proc && !exited(child.proc)) return;
    const up = new Promise<void>((resolve) => child.waiters.push(resolve));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const outcome = await Promise.race([up, timeout]);
    clearTimeout(timer);
    if (outcome === "timeout") throw new Error(message);
  }

  /** Kill a component with a signal and bring it back after downMs; resolves when it is up again (or at once). */
  async kill(name: ChildName, opts: KillRequest): Promise<{ pid?: number; newPid?: number; downMs: number }> {
    const child = this.ctx.group.get(name);
    if (!child?.proc?.pid) throw new Error(`${name} is not running under this supervisor`);
    // it is being restarted (after a crash or an earlier kill): wait until it is back before killing it again
    await this.whenUp(name, 120_000, `${name} has not come back for 2 min; nothing was killed`);
    const proc = child.proc;
    const pid = proc.pid!;
    const back = new Promise<void>((resolve) => child.waiters.push(resolve));
    const gone = new Promise<void>((resolve) => (exited(proc) ? resolve() : proc.once("exit", () => resolve())));
    const t0 = Date.now();
    child.expectedExit = true;
    clearTimeout(child.stableTimer);
    try {
      process.kill(pid, opts.signal ?? "SIGKILL");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e; // it died by itself a moment ago: same outcome
    }
    await gone;
    const comp = this.ctx.comp(name);
    comp.phase = "down";
    child.downSince = t0;
    // a deliberate kill chooses its own downtime and is not a failure
    this.schedule(name, opts.downMs);
    if (!opts.wait) return { pid, downMs: opts.downMs };
    await back;
    return { pid, newPid: comp.pid, downMs: Date.now() - t0 };
  }

  /** No restart is due any more (the stack is stopping). */
  cancelAll(): void {
    for (const child of this.ctx.group.all()) {
      clearTimeout(child.restartTimer);
      clearTimeout(child.stableTimer);
    }
  }
}
