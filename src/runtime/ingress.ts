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

/** Turn an ingress error answer into a one-line PlaygroundError. */
export function ingressError(res: RawResponse, what: string): PlaygroundError {
  const msg = typeof res.body === "object" && res.body && "message" in res.body ? String((res.body as { message: unknown }).message) : res.text;
  return new PlaygroundError(`${what} failed (HTTP ${res.status}): ${msg}`);
}
