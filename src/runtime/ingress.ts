// The CLI's door into Restate's ingress: typed clients from @restatedev/restate-sdk-clients, plus raw HTTP for
// the cases the clients do not cover (attach by idempotency key, send with a delay and read executionTime…).
import * as clients from "@restatedev/restate-sdk-clients";
import { PlaygroundError } from "../errors.js";

export function ingressClient(url: string): clients.Ingress {
  return clients.connect({ url });
}

export interface RawResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** POST/GET to the ingress; never throws for HTTP errors (the caller decides), only for an unreachable server. */
export async function ingressFetch<T = unknown>(base: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<RawResponse<T>> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 120_000),
    });
  } catch (e) {
    throw new PlaygroundError(`Restate's ingress at ${base} is not reachable (${(e as Error).message})`, "check `npx patterns status`");
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: body as T, text, headers: res.headers };
}

/** The message of an ingress error answer: `message` of its JSON body ({code, message}), else its text. */
export function errorText(res: Pick<RawResponse, "body" | "text">): string {
  const b = res.body as { message?: unknown } | undefined;
  return typeof b === "object" && b && "message" in b ? String(b.message) : res.text;
}

/** Turn an ingress error answer into a one-line PlaygroundError. */
export function ingressError(res: RawResponse, what: string): PlaygroundError {
  return new PlaygroundError(`${what} failed (HTTP ${res.status}): ${errorText(res)}`);
}

/** An error thrown by the typed ingress client (or a refused connection) as a one-line PlaygroundError. */
export function callError(e: unknown, what: string): PlaygroundError {
  if (e instanceof clients.HttpCallError) {
    let body: unknown;
    try {
      body = JSON.parse(e.responseText);
    } catch {
      /* plain text */
    }
    return new PlaygroundError(`${what} failed (HTTP ${e.status}): ${errorText({ body, text: e.responseText })}`);
  }
  if (e instanceof PlaygroundError) return e;
  const err = e as Error & { cause?: { code?: string } };
  if (err?.cause?.code === "ECONNREFUSED" || /fetch failed/.test(String(err?.message))) {
    return new PlaygroundError(`Restate's ingress is not reachable (${err.message})`, "check `npx patterns status`");
  }
  return new PlaygroundError(`${what} failed: ${err instanceof Error ? err.message : String(e)}`);
}
