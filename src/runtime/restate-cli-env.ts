// The restate CLI (`npx restate …`) reads a `.env` file in its current folder or a parent folder. While the
// project's own stack runs, the supervisor keeps one in the project folder that points it at the playground's admin
// port, so the seeds' `restate kv get …` / `restate inv list` reach it whatever port it runs on. restatectl cannot be
// pointed the same way: it loads `.env` only after it has parsed its options (RESTATECTL_ADDRESS from `.env` is never
// seen; checked with restatectl 1.7.12 -vvv), so on a fabric port other than its default 5122 the start prints the
// command to use instead of letting it silently show another stack's node, and `patterns restatectl` runs it with the
// address set.
// A `.env` that is not ours is never touched.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Ports } from "./config.js";
import type { NodeState, StackState } from "./state.js";
import { defaultStateDir, projectRoot } from "./paths.js";

export const CLI_ENV_MARKER = "# written by `npx patterns start`";

export function cliEnvPath(root = projectRoot): string {
  return path.join(root, ".env");
}

/** The file's text for these ports. Pure. */
export function cliEnvText(ports: Pick<Ports, "admin">): string {
  return [`${CLI_ENV_MARKER} for the restate CLI (npx restate …); \`npx patterns stop\` removes it`, `RESTATE_ADMIN_URL=http://127.0.0.1:${ports.admin}`, ""].join("\n");
}

/** restatectl's own default address: the fabric port of a playground on default ports. */
export const RESTATECTL_DEFAULT_PORT = 5122;

/** How to point restatectl at this playground, when its default address is not the playground's fabric port. Pure. */
export function restatectlNote(fabricPort: number): string | undefined {
  if (fabricPort === RESTATECTL_DEFAULT_PORT) return undefined;
  const url = `http://127.0.0.1:${fabricPort}`;
  return `restatectl asks port ${RESTATECTL_DEFAULT_PORT}, not this fabric port ${fabricPort} (and does not read it from .env): \`npx patterns restatectl -- status\`, or \`npx restatectl -s ${url} status\``;
}

/**
 * restatectl's address list for a running stack: node 1's fabric port, or every node of a cluster with the ones that
 * are up first (restatectl tries them in order and finds the rest from the first that answers). Pure.
 */
export function restatectlAddresses(state: Pick<StackState, "ports" | "nodes">, isUp: (n: NodeState) => boolean = () => true): string {
  const nodes = state.nodes?.length ? [...state.nodes.filter(isUp), ...state.nodes.filter((n) => !isUp(n))] : undefined;
  const ports = nodes ? nodes.map((n) => n.fabricPort) : [state.ports.fabric];
  return ports.map((p) => `http://127.0.0.1:${p}`).join(",");
}

function ours(file: string): boolean {
  try {
    return readFileSync(file, "utf8").startsWith(CLI_ENV_MARKER);
  } catch {
    return false;
  }
}

/**
 * Write the project's `.env` for the stack using the project's own state dir. Returns a note when it cannot (the file
 * is someone else's), undefined otherwise. Stacks in other state dirs (tests, `--state-dir`) leave it alone.
 */
export function writeCliEnv(stateDir: string, ports: Ports): string | undefined {
  if (path.resolve(stateDir) !== defaultStateDir) return undefined;
  const file = cliEnvPath();
  if (existsSync(file) && !ours(file)) {
    return `${file} exists and is not the playground's: for the restate CLI run \`RESTATE_ADMIN_URL=http://127.0.0.1:${ports.admin} npx restate …\``;
  }
  try {
    writeFileSync(file, cliEnvText(ports));
    return undefined;
  } catch (e) {
    return `could not write ${file} for the restate CLI (${(e as Error).message}); use RESTATE_ADMIN_URL=http://127.0.0.1:${ports.admin}`;
  }
}

export function removeCliEnv(stateDir: string): void {
  if (path.resolve(stateDir) !== defaultStateDir) return;
  const file = cliEnvPath();
  if (ours(file)) rmSync(file, { force: true });
}
