// Where the project, its real binaries and the state directory are.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PlaygroundError } from "../errors.js";
import { workerFiles } from "../lib/worker-files.js";

const require = createRequire(import.meta.url);

/** The package root (the folder that holds package.json), from dist/runtime or src/runtime. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function platformTag(): string {
  return `${process.platform}-${process.arch}`;
}

/** The real restate-server binary inside the platform package, never the npm wrapper (signals must reach the server). */
export function restateServerBinary(): string {
  const pkg = `@restatedev/restate-server-${platformTag()}`;
  try {
    const dir = path.dirname(require.resolve(`${pkg}/package.json`));
    const bin = path.join(dir, "bin", "restate-server");
    if (existsSync(bin)) return bin;
  } catch {
    /* fall through */
  }
  throw new PlaygroundError(`the restate-server binary for ${platformTag()} is not installed (${pkg})`, "run `npm install` in the project folder");
}

export const restateTomlPath = path.join(projectRoot, "restate.toml");
export const asyncApiSpecPath = path.join(projectRoot, "kafka", "asyncapi.yaml");
export const workerEntry = path.join(projectRoot, "dist", "worker", "main.js");
/** The embedded Kafka broker (src/broker), run by the same Node as the CLI: `main.js <port> <data-dir> <spec>`. */
export const brokerEntry = path.join(projectRoot, "dist", "broker", "main.js");
export const clientAppEntry = path.join(projectRoot, "dist", "services", "durable-rpc", "client-app-main.js");
/** The background supervisor's entry (it sits above the runtime: it hands the supervisor the readers it needs). */
export const supervisorEntry = path.join(projectRoot, "dist", "supervisor-main.js");

/**
 * The project's own state dir: `.patterns` in the project folder (the one whose package.json declares `patterns`),
 * whatever the current folder, so a second terminal in `docs/` finds the stack started in the project root.
 */
export const defaultStateDir = path.join(projectRoot, ".patterns");

/** The state dir: --state-dir, else PATTERNS_STATE_DIR, else the project's `.patterns`. */
export function resolveStateDir(flag?: string): string {
  const chosen = flag ?? (process.env.PATTERNS_STATE_DIR || undefined) ?? defaultStateDir;
  return path.resolve(chosen);
}

/** How messages name a state dir: the project's own one says which project it belongs to. */
export function describeStateDir(dir: string): string {
  return path.resolve(dir) === defaultStateDir ? `project ${projectRoot}, state dir ${dir}` : `state dir ${dir}`;
}

export interface StatePaths {
  root: string;
  stateFile: string;
  controlSocket: string;
  logsDir: string;
  restateData: string;
  /** the embedded broker's partition logs and committed group offsets */
  brokerData: string;
  /** a cluster's nodes keep their data in n1, n2, … under this folder, beside cluster.json (how many nodes) */
  clusterDir: string;
  keysDir: string;
  privateKey: string;
  stepLog: string;
  crashArm: string;
  /** a test hook: while this file exists, a starting worker throws its content at load (a crash loop, armed), or
   * waits at load when it says "hold" (a start held half way) */
  workerFailAtLoad: string;
}

export function statePaths(root: string): StatePaths {
  return {
    root,
    stateFile: path.join(root, "state.json"),
    controlSocket: path.join(root, "control.sock"),
    logsDir: path.join(root, "logs"),
    restateData: path.join(root, "restate-data"),
    brokerData: path.join(root, "broker-data"),
    clusterDir: path.join(root, "restate-nodes"),
    keysDir: path.join(root, "keys"),
    privateKey: path.join(root, "keys", "request-identity.pem"),
    ...workerFiles(root),
  };
}

/** Node k's data dir: the single node keeps restate-data (as before a cluster existed); a cluster's nodes n1…nN. */
export function nodeDataDir(paths: StatePaths, node: number, nodes: number): string {
  return nodes === 1 ? paths.restateData : path.join(paths.clusterDir, `n${node}`);
}

/** Node k's log: restate.log for node 1 (the single node's), restate-2.log… for the others. */
export function nodeLogName(node: number): string {
  return node === 1 ? "restate" : `restate-${node}`;
}
