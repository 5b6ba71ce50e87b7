// The one way tests start the embedded broker on its own (no Restate): the built entry point as a child process (the
// way the supervisor runs it) on a free loopback port and a temp data dir, with the playground's topics or its own,
// an optional environment (its PATTERNS_BROKER_* bounds) and shell prefix (`ulimit -f` for a small file-size limit),
// and its CPU time and memory read from /proc for its pid.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, canConnect } from "../src/runtime/ports.js";
import { asyncApiSpecPath, brokerEntry } from "../src/runtime/paths.js";
import { eventually } from "./helpers.js";

export interface LoneBroker {
  port: number;
  dataDir: string;
  pid: number;
  /** what the broker wrote to stderr so far */
  log(): string;
  /** user + system CPU time of the broker process so far, ms */
  cpuMs(): number;
  /** resident memory now and its peak over the process's life (VmHWM), MB */
  memory(): { rssMb: number; peakMb: number };
  /** SIGKILL, then start again over the same data dir and port (with the environment and prefix given here, none by default) */
  restart(opts?: ProcessOptions): Promise<void>;
  /** SIGTERM (a clean stop: the broker fsyncs and checkpoints) and wait for the exit */
  stopCleanly(): Promise<void>;
  stop(): Promise<void>;
}

export interface ProcessOptions {
  env?: Record<string, string>;
  /** run before the broker in bash, e.g. `ulimit -f 64` */
  shell?: string;
}

export interface LoneBrokerOptions extends ProcessOptions {
  /** an AsyncAPI file (default: the playground's kafka/asyncapi.yaml) */
  spec?: string;
  /** a topics document's text, written to a file of the broker's own (instead of `spec`) */
  topics?: string;
}

const TICKS_PER_SECOND = 100;

export async function startLoneBroker(opts: LoneBrokerOptions = {}): Promise<LoneBroker> {
  const port = await freePort();
  const root = mkdtempSync(path.join(os.tmpdir(), "lone-broker-"));
  let specFile = opts.spec ?? asyncApiSpecPath;
  if (opts.topics !== undefined) {
    specFile = path.join(root, "asyncapi.yaml");
    writeFileSync(specFile, opts.topics);
  }
  const data = path.join(root, "data");
  let logText = "";
  let proc: ChildProcess;
  const spawnIt = async (o: ProcessOptions) => {
    const args = [brokerEntry, String(port), data, specFile];
    const env = { ...process.env, ...o.env };
    // the shell prefix `exec`s node, so the pid is the broker's own
    proc = o.shell
      ? spawn("bash", ["-c", `${o.shell}; exec "$0" "$@"`, process.execPath, ...args], { stdio: ["ignore", "ignore", "pipe"], env })
      : spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env });
    proc.stderr!.on("data", (d) => (logText += d));
    await eventually(`the broker on port ${port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`the broker exited (${proc.exitCode}): ${logText}`);
      return canConnect(port);
    });
  };
  const kill = async (signal: NodeJS.Signals) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((r) => proc.once("exit", r));
    proc.kill(signal);
    await gone;
  };
  await spawnIt(opts);
  const status = () => readFileSync(`/proc/${proc.pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status())?.[1] ?? NaN);
  return {
    port,
    dataDir: data,
    get pid() {
      return proc.pid!;
    },
    log: () => logText,
    cpuMs() {
      // /proc/<pid>/stat: fields after the command's closing parenthesis; utime and stime are the 12th and 13th
      const stat = readFileSync(`/proc/${proc.pid}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
    },
    memory: () => ({ rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 }),
    async restart(o = {}) {
      await kill("SIGKILL");
      await spawnIt(o);
    },
    async stopCleanly() {
      await kill("SIGTERM");
    },
    async stop() {
      await kill("SIGTERM");
      rmSync(root, { recursive: true, force: true });
    },
  };
}
