// One real stack per test run: restate-server, Mokapi and the worker on free loopback ports in a temp state dir,
// started and stopped through the CLI itself. Tests reach it through inject("stack").
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { labPorts, portArgs } from "../src/lab/stack.js";
import { runCli } from "./helpers/cli.js";

export interface StackInfo {
  stateDir: string;
  ingressUrl: string;
  adminUrl: string;
  ports: Record<string, number>;
  brokers: string[];
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

let stateDir = "";

export async function setup(project: TestProject): Promise<void> {
  stateDir = mkdtempSync(path.join(os.tmpdir(), "patterns-test-"));
  const lab = await labPorts();
  const ports: Record<string, number> = { ...lab };
  const args = ["start", "--json", "--state-dir", stateDir, ...portArgs(lab)];
  const res = await runCli(args, { timeoutMs: 120_000 });
  if (res.code !== 0) throw new Error(`could not start the test stack (exit ${res.code}):\n${res.stderr}`);
  const state = JSON.parse(res.stdout) as { ingressUrl: string; adminUrl: string; brokers: string[] };
  project.provide("stack", { stateDir, ingressUrl: state.ingressUrl, adminUrl: state.adminUrl, ports, brokers: state.brokers });
}

export async function teardown(): Promise<void> {
  if (!stateDir) return;
  const r = await runCli(["stop", "--purge", "--state-dir", stateDir], { timeoutMs: 300_000 });
  if (r.code === 0) rmSync(stateDir, { recursive: true, force: true });
  else throw new Error(`could not stop the test stack (state kept in ${stateDir}): ${r.stderr}`);
}
