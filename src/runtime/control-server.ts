// The supervisor's control socket (a Unix socket in the state dir, HTTP with JSON bodies): how verbs ask the running
// supervisor for its state, to kill a component, to watch the sources, to reload the worker, or to stop. Validates
// each request and hands it to the supervisor; knows nothing of how it is done.
import { rmSync } from "node:fs";
import http from "node:http";
import { errorMessage } from "../errors.js";
import type { ReloadRequest } from "./adoption.js";
import type { ChildName } from "./process-group.js";
import type { KillRequest } from "./restarts.js";
import { COMPONENT_NAMES, type ComponentName, type StackState, type WatchState } from "./state.js";
import { childOf } from "./supervisor-context.js";
import type { ReloadOutcome } from "./watch.js";

/** What the control socket can ask of the supervisor. */
export interface Controlled {
  readonly state: StackState;
  readonly nodeCount: number;
  kill(name: ChildName, opts: KillRequest): Promise<unknown>;
  startWatching(srcRoot: string): Promise<WatchState>;
  stopWatching(): Promise<{ deployment?: string }>;
  reload(r: ReloadRequest): Promise<ReloadOutcome>;
  /** stop everything, then end the supervisor process */
  shutdown(): Promise<void>;
}

class BadRequest extends Error {}

type Send = (status: number, body: unknown) => void;

export async function startControlServer(socketPath: string, sup: Controlled): Promise<http.Server> {
  rmSync(socketPath, { force: true });
  const server = http.createServer((req, res) => void handle(sup, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  return server;
}

async function handle(sup: Controlled, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const send: Send = (status, body) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  try {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const route = `${req.method} ${req.url}`;
    if (route === "GET /state") return send(200, sup.state);
    if (route === "POST /kill") return send(200, await sup.kill(killTarget(body, sup.nodeCount), killRequest(body)));
    if (route === "POST /watch") return send(200, await watch(sup, body));
    if (route === "POST /reload") return send(200, await sup.reload(reloadRequest(body)));
    if (route === "POST /stop") {
      send(202, { stopping: true });
      return await sup.shutdown();
    }
    send(404, { message: "unknown control request" });
  } catch (e) {
    send(e instanceof BadRequest ? 400 : 500, { message: errorMessage(e) });
  }
}

/** The child a /kill names: a component, or node k of a cluster's restate-server. */
function killTarget(body: Record<string, unknown>, nodeCount: number): ChildName {
  const name = body.component as ComponentName;
  if (!COMPONENT_NAMES.includes(name)) throw new BadRequest(`unknown component ${String(name)}`);
  const node = body.node === undefined ? 1 : Number(body.node);
  if (name !== "restate" && body.node !== undefined) throw new BadRequest(`only restate has nodes, not ${name}`);
  if (!Number.isInteger(node) || node < 1 || node > nodeCount) {
    throw new BadRequest(`there is no node ${String(body.node)}: this stack has ${nodeCount === 1 ? "one node" : `nodes 1 to ${nodeCount}`}`);
  }
  return name === "restate" ? childOf(node) : name;
}

function killRequest(body: Record<string, unknown>): KillRequest {
  return { signal: (body.signal as NodeJS.Signals | undefined) ?? "SIGKILL", downMs: Number(body.downMs ?? 2000), wait: body.wait !== false };
}

async function watch(sup: Controlled, body: Record<string, unknown>): Promise<unknown> {
  if (body.on === false) return { watching: false, ...(await sup.stopWatching()) };
  const srcRoot = typeof body.srcRoot === "string" ? body.srcRoot : undefined;
  if (!srcRoot) throw new BadRequest("srcRoot is required");
  return { watching: true, ...(await sup.startWatching(srcRoot)) };
}

function reloadRequest(body: Record<string, unknown>): ReloadRequest {
  const env = (body.env ?? {}) as Record<string, string>;
  if (typeof env !== "object" || Object.values(env).some((v) => typeof v !== "string")) throw new BadRequest("env must map names to strings");
  return { env, inPlace: body.inPlace === true };
}
