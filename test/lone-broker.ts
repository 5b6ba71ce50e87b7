// For tests of the embedded broker on its own (no Restate): the built entry point as a child process on a free
// loopback port and a temp data dir, the way the supervisor runs it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, canConnect } from "../src/runtime/ports.js";
import { asyncApiSpecPath, brokerEntry } from "../src/runtime/paths.js";
import { eventually } from "./helpers.js";

export interface LoneBroker {
  port: number;
  dataDir: string;
  /** what the broker wrote to stderr so far */
  log(): string;
  /** SIGKILL and start again over the same data dir (the same port) */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The broker with the playground's topics (kafka/asyncapi.yaml), or with those of `opts.spec` (an AsyncAPI file). */
export async function startLoneBroker(opts: { spec?: string } = {}): Promise<LoneBroker> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "broker-e2e-"));
  let logText = "";
  let proc: ChildProcess;
  const spawnIt = async () => {
    proc = spawn(process.execPath, [brokerEntry, String(port), dataDir, opts.spec ?? asyncApiSpecPath], { stdio: ["ignore", "ignore", "pipe"] });
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
  await spawnIt();
  return {
    port,
    dataDir,
    log: () => logText,
    async restart() {
      await kill("SIGKILL");
      await spawnIt();
    },
    async stop() {
      await kill("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
