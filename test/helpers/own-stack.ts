// A private stack for destructive tests (killing restate-server, the broker or the worker): free ports, its own
// temp state dir, started and stopped through the CLI. Non-destructive tests share the global stack instead.
import { mkdtempSync, rmSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import os from "node:os";
import path from "node:path";
import { labPorts, portArgs } from "../../src/lab/stack.js";
import { AdminClient } from "../../src/runtime/admin.js";
import { runCli, type CliResult } from "./cli.js";

export interface OwnStack {
  stateDir: string;
  ingressUrl: string;
  adminUrl: string;
  ports: Record<string, number>;
  admin: AdminClient;
  cli(args: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  stop(): Promise<void>;
}

export async function startOwnStack(extraArgs: string[] = []): Promise<OwnStack> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "patterns-own-"));
  let lab = await labPorts();
  let res = await runCli(["start", "--json", "--state-dir", stateDir, ...portArgs(lab), ...extraArgs], { timeoutMs: 120_000 });
  // another file's stack may take a port between our check and our start: once more on fresh ports
  if (res.code !== 0 && /already in use/.test(res.stderr)) {
    lab = await labPorts();
    res = await runCli(["start", "--json", "--state-dir", stateDir, ...portArgs(lab), ...extraArgs], { timeoutMs: 120_000 });
  }
  if (res.code !== 0) throw new Error(`could not start a private stack (exit ${res.code}):\n${res.stderr}`);
  const ports: Record<string, number> = { ...lab };
  const state = JSON.parse(res.stdout) as { ingressUrl: string; adminUrl: string };
  return {
    stateDir,
    ports,
    ingressUrl: state.ingressUrl,
    adminUrl: state.adminUrl,
    admin: new AdminClient(state.adminUrl),
    cli: (args, opts) => runCli([...args, "--state-dir", stateDir], opts),
    async stop() {
      // keep the dir when stop fails: without it nothing could reach the processes to stop them later
      const r = await runCli(["stop", "--purge", "--state-dir", stateDir], { timeoutMs: 300_000 });
      if (r.code !== 0) throw new Error(`stop failed (exit ${r.code}); state kept in ${stateDir}: ${r.stderr}`);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** One private stack for a whole test file: started before its tests, stopped after them. Call at the file's top. */
export function privateStack(extraArgs: string[] = []): () => OwnStack {
  let s: OwnStack | undefined;
  beforeAll(async () => {
    s = await startOwnStack(extraArgs);
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
  }, 300_000);
  return () => {
    if (!s) throw new Error("the private stack did not start (see beforeAll)");
    return s;
  };
}
