// How verbs find and talk to the running stack: the state file, the admin API, the ingress, the control socket.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { AdminClient } from "./admin.js";
import { describeStateDir, resolveStateDir, statePaths, type StatePaths } from "./paths.js";
import { liveNode, liveState, type ComponentName, type StackState } from "./state.js";
import { NotRunningError, PlaygroundError } from "../errors.js";

// required, not imported: an ESM import of node:http reads every export, and one of them loads undici (see admin.ts)
const http = createRequire(import.meta.url)("node:http") as typeof import("node:http");

export interface RunningStack {
  state: StackState;
  paths: StatePaths;
  admin: AdminClient;
  ingressUrl: string;
}

export function findStack(stateDirFlag?: string): RunningStack | undefined {
  const dir = resolveStateDir(stateDirFlag);
  const paths = statePaths(dir);
  const { state, stale } = liveState(paths.stateFile);
  if (!state || stale) return undefined;
  // A cluster: node 1's ingress and admin by default, another live node's while node 1 is down
  const node = liveNode(state);
  const live = node ? { ...state, adminUrl: node.adminUrl, ingressUrl: node.ingressUrl } : state;
  return { state: live, paths, admin: new AdminClient(live.adminUrl), ingressUrl: live.ingressUrl };
}

export function requireStack(stateDirFlag?: string): RunningStack {
  const stack = findStack(stateDirFlag);
  if (!stack) throw new NotRunningError(describeStateDir(resolveStateDir(stateDirFlag)));
  if (!stack.state.readyAt) throw new PlaygroundError("the playground is still starting", "wait a moment, or check `npx patterns status`");
  return stack;
}

/** A request to the supervisor's control socket. */
export function control<T>(paths: StatePaths, method: string, route: string, body?: unknown, timeoutMs = 120_000): Promise<T> {
  if (!existsSync(paths.controlSocket)) return Promise.reject(new NotRunningError(describeStateDir(paths.root)));
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: paths.controlSocket, method, path: route, headers: { "content-type": "application/json" }, timeout: timeoutMs }, (res) => {
      let raw = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (raw += d));
      res.on("end", () => {
        const parsed = raw ? (JSON.parse(raw) as T & { message?: string }) : ({} as T & { message?: string });
        if ((res.statusCode ?? 500) >= 400) reject(new PlaygroundError(`supervisor: ${parsed.message ?? res.statusCode}`));
        else resolve(parsed);
      });
    });
    req.on("timeout", () => req.destroy(new Error("the supervisor did not answer in time")));
    req.on("error", (e) => reject(new PlaygroundError(`cannot reach the supervisor (${e.message})`, "check `npx patterns status`; restart with `npx patterns stop && npx patterns start`")));
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

export function killComponent(stack: RunningStack, component: ComponentName, opts: { downMs: number; wait: boolean; signal?: string; node?: number }) {
  return control<{ pid?: number; newPid?: number; downMs: number }>(stack.paths, "POST", "/kill", { component, ...opts });
}
