// What test files share: the CLI run as a user runs it, JSON on stdout, the shared e2e stack (started once by
// test/global-setup.ts), private stacks for tests that kill components, unique keys, `eventually` and time limits.
// Stacks, shared or private, are started by src/lab/stack.ts (startStack), the same object the bench and chaos use.
import { spawn, type ChildProcess } from "node:child_process";
import http2 from "node:http2";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import { AdminClient } from "../src/runtime/admin.js";
import type { Ports } from "../src/runtime/config.js";
import { projectRoot, statePaths } from "../src/runtime/paths.js";
import { readState } from "../src/runtime/state.js";
import { stopChecked } from "./stop-checked.js";
import { runCli, startStack, type CliOptions, type CliResult, type StartedStack } from "../src/lab/stack.js";

export { cliPath, runCli, type CliResult } from "../src/lab/stack.js";
export { stopChecked } from "./stop-checked.js";
export const repoRoot = projectRoot;

/** Time limits, generous: the machine running the suite may be loaded. */
export const TIMEOUT = {
  /** one CLI verb */
  cli: 180_000,
  /** a CLI verb that waits for restarts, timers or a whole scenario */
  slowCli: 300_000,
  /** a test that drives a scenario end to end */
  test: 600_000,
  /** starting a private stack (beforeAll) */
  start: 180_000,
  /** stopping one (afterAll) */
  stop: 300_000,
} as const;

/** stdout of a `--json` command as one document; otherwise an error showing the exit code, stdout and stderr. */
export function json<T>(r: Pick<CliResult, "code" | "stdout" | "stderr">): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not one JSON document on stdout (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

/** A key unique to this test, so tests sharing the stack never touch each other's objects. */
export function uniqueKey(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * Poll until check returns a truthy value and return it. On timeout, fail naming what was awaited, with the last
 * value check returned and the last error it threw.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false | null>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastValue: unknown;
  let tries = 0;
  while (Date.now() < deadline) {
    tries++;
    try {
      const v = await check();
      if (v) return v;
      lastValue = v;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const last = lastError !== undefined ? `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}` : `last result: ${JSON.stringify(lastValue)}`;
  throw new Error(`timed out after ${timeoutMs} ms (${tries} tries) waiting for ${what}; ${last}`);
}

// ---- the shared stack (e2e project) --------------------------------------------------------------------------------

/** What test/global-setup.ts hands every e2e file about the one shared stack. */
export interface SharedStackInfo {
  stateDir: string;
  ingressUrl: string;
  adminUrl: string;
  ports: Ports;
  brokers: string[];
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: SharedStackInfo;
  }
}

/** The shared stack, with an admin client. Only in the e2e project (unit tests have no stack). */
export function stack(): SharedStackInfo & { admin: AdminClient } {
  const info = inject("stack");
  if (!info) throw new Error("no shared stack: this test needs the real stack, so it belongs in test/e2e (vitest project e2e)");
  return { ...info, admin: new AdminClient(info.adminUrl) };
}

/** Run a CLI verb against the shared stack. */
export function patterns(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return runCli([...args, "--state-dir", stack().stateDir], opts);
}

/** POST to the shared stack's ingress like curl --json would. */
export async function ingress(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const res = await fetch(`${stack().ingressUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT.cli),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, json: parsed, text, headers: res.headers };
}

// ---- private stacks (tests that kill components) -------------------------------------------------------------------

export type OwnStack = StartedStack;

/** A private stack for this test: its own ports and temp state dir. The caller stops it (`await stopChecked(s)`). */
export function startOwnStack(args: string[] = []): Promise<OwnStack> {
  return startStack({ prefix: "own", args });
}

/** One private stack for a whole test file: started before its tests, stopped after them. Call at the file's top. */
export function privateStack(args: string[] = []): () => OwnStack {
  let s: OwnStack | undefined;
  beforeAll(async () => {
    s = await startOwnStack(args);
  }, TIMEOUT.start);
  afterAll(async () => {
    await stopChecked(s);
  }, TIMEOUT.stop);
  return () => {
    if (!s) throw new Error("the private stack did not start (see beforeAll)");
    return s;
  };
}

/** A node program of the repo as a child process, its output collected as it comes (NO_COLOR set, cwd the repo). */
export function spawnCollecting(args: string[]): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<number> } {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (d) => (out.stdout += d));
  child.stderr!.on("data", (d) => (out.stderr += d));
  // a signal counts as 128 (Ctrl+C is the program's own 130)
  const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  return { child, out, exited };
}

/** `npm run chaos`'s built entry with these arguments, as a child process (exit code, stdout, stderr). */
export async function runChaos(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = spawnCollecting(["--disable-warning=ExperimentalWarning", path.join(repoRoot, "dist", "chaos", "main.js"), ...args]);
  const code = await run.exited;
  return { code, ...run.out };
}

/**
 * A request to an ingress, made again (at most twice more) when the connection closes under it: on a loaded machine a
 * request can meet a keep-alive connection the ingress is closing ("other side closed"). Only for requests that are
 * safe to repeat: a GET, or a POST with an idempotency-key header (Restate runs it once), which is what Restate asks
 * of a client that retries.
 */
export async function ingressRequest(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if ((init.method ?? "GET") !== "GET" && !headers.has("idempotency-key")) throw new Error(`ingressRequest ${url}: a POST is repeated only with an idempotency key`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      const code = (e as { cause?: { code?: string } }).cause?.code;
      if (attempt >= 3 || (code !== "UND_ERR_SOCKET" && code !== "ECONNRESET")) throw e;
    }
  }
}

/** A POST of JSON to an ingress with an idempotency key, sent again with the same key when the connection closes under it. */
export function postIdempotent(url: string, body: unknown, idempotencyKey: string): Promise<Response> {
  return ingressRequest(url, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": idempotencyKey }, body: JSON.stringify(body) });
}

/** One unsigned HTTP/2 request straight to a worker port: the status it answers. */
function unsignedRequest(port: number, pathName: string, method: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const req = session.request({ ":method": method, ":path": pathName, "content-type": "application/restate", accept: "application/vnd.restate.endpointmanifest.v3+json" });
    req.on("response", (h) => {
      resolve(Number(h[":status"]));
      session.close();
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Unsigned requests straight to the shared stack's worker, as an attacker on the machine would send them: the status
 * of each. The worker is the one up now, on its current port (a reload by the versioning tour moves it, a tour's crash
 * restarts it), so a connection error is retried; any answer is returned as it is.
 */
export async function unsignedToWorker(requests: { path: string; method?: string }[]): Promise<number[]> {
  return eventually("answers from the worker that is up now", async () => {
    const port = readState(statePaths(stack().stateDir).stateFile)!.components.worker.port;
    try {
      const out: number[] = [];
      for (const r of requests) out.push(await unsignedRequest(port, r.path, r.method ?? "POST"));
      return out;
    } catch (e) {
      if (/ECONNRESET|ECONNREFUSED|closed|GOAWAY/i.test(String(e))) return undefined;
      throw e;
    }
  });
}
