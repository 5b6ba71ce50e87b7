// The state file: what runs, where, since when. Every verb finds the stack through it.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { KafkaMode, Ports } from "./config.js";

export type ComponentName = "restate" | "broker" | "worker" | "client-app";

/** Start order; stops go the other way. */
export const COMPONENT_NAMES: readonly ComponentName[] = ["restate", "broker", "worker", "client-app"];

export interface ComponentState {
  pid?: number;
  port: number;
  log: string;
  startedAt?: string;
  restarts: number;
  /** what the component is doing: starting, up, down (being restarted), stopped, external */
  phase: "starting" | "up" | "down" | "stopped" | "external" | "disabled";
  command?: string;
}

export interface StackState {
  version: 1;
  supervisorPid: number;
  startedAt: string;
  readyAt?: string;
  stateDir: string;
  ports: Ports;
  kafka: KafkaMode;
  timeScale: number;
  publicKey: string;
  ingressUrl: string;
  adminUrl: string;
  brokers: string[];
  components: Record<ComponentName, ComponentState>;
  subscriptions: { id: string; source: string; sink: string }[];
  notes: string[];
}

export function readState(stateFile: string): StackState | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(stateFile, "utf8")) as StackState;
    return parsed.version === 1 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Atomic write: readers never see half a file. */
export function writeState(stateFile: string, state: StackState): void {
  mkdirSync(path.dirname(stateFile), { recursive: true });
  const tmp = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, stateFile);
}

export function removeState(stateFile: string): void {
  rmSync(stateFile, { force: true });
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Running = a state file whose supervisor is alive. A file without one is stale. */
export function liveState(stateFile: string): { state?: StackState; stale: boolean } {
  const state = readState(stateFile);
  if (!state) return { stale: false };
  if (isAlive(state.supervisorPid)) return { state, stale: false };
  return { state, stale: true };
}
