// Restate admin API client: deployments, Kafka clusters, subscriptions, SQL introspection.
// It speaks plain node:http rather than fetch: fetch's first call loads and compiles undici, 50-70 ms of every short
// CLI call (`timeline`, `status`) that only talks to the admin API over loopback. node:http is required, not imported:
// an ESM import of it reads every export, and one of them loads undici all the same.
const http = createRequire(import.meta.url)("node:http") as typeof import("node:http");
import { createRequire } from "node:module";
import { PlaygroundError } from "../errors.js";

export class AdminError extends PlaygroundError {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
  }
}

export interface Subscription {
  id: string;
  source: string;
  sink: string;
  options?: Record<string, string>;
}

export class AdminClient {
  constructor(readonly url: string) {}

  private async request<T>(method: string, path: string, body?: unknown, accept = "application/json"): Promise<T> {
    let res: { status: number; text: string };
    try {
      const headers: Record<string, string> = { accept, ...(body !== undefined ? { "content-type": "application/json" } : {}) };
      res = await send(`${this.url}${path}`, method, headers, body !== undefined ? JSON.stringify(body) : undefined, 30_000);
    } catch (e) {
      throw new PlaygroundError(`Restate's admin API at ${this.url} is not reachable (${(e as Error).message})`, "check `npx patterns status`; start the stack with `npx patterns start`");
    }
    const { status, text } = res;
    if (status < 200 || status >= 300) {
      let msg = text;
      try {
        msg = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        /* plain text */
      }
      throw new AdminError(`admin ${method} ${path} failed with ${status}: ${msg}`, status, text);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async healthy(): Promise<boolean> {
    try {
      const res = await send(`${this.url}/health`, "GET", {}, undefined, 1000);
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }

  registerDeployment(uri: string): Promise<{ id: string; services: { name: string }[] }> {
    return this.request("POST", "/deployments", { uri, force: true });
  }

  async deployments(): Promise<{ id: string; uri?: string; services: { name: string }[] }[]> {
    const res = await this.request<{ deployments: { id: string; uri?: string; services: { name: string }[] }[] }>("GET", "/deployments");
    return res.deployments ?? [];
  }

  /** Restate 1.7 only supports a forced delete: invocations still pinned to the deployment would be stranded. */
  deleteDeployment(id: string): Promise<void> {
    return this.request("DELETE", `/deployments/${encodeURIComponent(id)}?force=true`);
  }

  services(): Promise<{ services: { name: string; ty: string; handlers: { name: string }[] }[] }> {
    return this.request("GET", "/services");
  }

  async ensureKafkaCluster(name: string, bootstrap: string): Promise<void> {
    const properties = { "bootstrap.servers": bootstrap };
    try {
      await this.request("POST", "/kafka-clusters", { name, properties });
    } catch (e) {
      if (e instanceof AdminError && (e.status === 409 || /exist/i.test(e.body))) {
        await this.request("PATCH", `/kafka-clusters/${encodeURIComponent(name)}`, { properties });
        return;
      }
      throw e;
    }
  }

  async subscriptions(): Promise<Subscription[]> {
    const res = await this.request<{ subscriptions: Subscription[] }>("GET", "/subscriptions");
    return res.subscriptions ?? [];
  }

  createSubscription(source: string, sink: string, options: Record<string, string>): Promise<Subscription> {
    return this.request("POST", "/subscriptions", { source, sink, options });
  }

  deleteSubscription(id: string): Promise<void> {
    return this.request("DELETE", `/subscriptions/${encodeURIComponent(id)}`);
  }

  /** A SQL read. In a cluster, a query a node fans out to a partition whose leader just died fails (500, "tcp connect
   *  error") until the partition has a new leader, about 1-2 s; a read is safe to ask again, so it is, for up to 15 s. */
  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const res = await this.request<{ rows: T[] }>("POST", "/query", { query: sql });
        return res.rows ?? [];
      } catch (e) {
        const moving = e instanceof AdminError && e.status === 500 && /handshake failed|tcp connect error|connection refused/i.test(e.body);
        if (!moving || Date.now() >= deadline) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  cancelInvocation(id: string): Promise<void> {
    return this.request("PATCH", `/invocations/${encodeURIComponent(id)}/cancel`);
  }

  killInvocation(id: string): Promise<void> {
    return this.request("PATCH", `/invocations/${encodeURIComponent(id)}/kill`);
  }

  /** Restart a completed invocation as a new one, copying its journal up to `from` (included); 0 keeps only the input.
   *  `deployment`: a deployment id, "latest" or "keep" (only with from > 0). */
  async restartAsNew(id: string, o: { from?: number; deployment?: string } = {}): Promise<string> {
    const q = new URLSearchParams();
    if (o.from !== undefined) q.set("from", String(o.from));
    if (o.deployment !== undefined) q.set("deployment", o.deployment);
    const qs = q.size ? `?${q}` : "";
    const res = await this.request<{ new_invocation_id: string }>("PATCH", `/invocations/${encodeURIComponent(id)}/restart-as-new${qs}`);
    return res.new_invocation_id;
  }

  /** Pause a running invocation (it stops retrying until resumed). */
  pauseInvocation(id: string): Promise<void> {
    return this.request("PATCH", `/invocations/${encodeURIComponent(id)}/pause`);
  }

  /** Resume a paused or suspended invocation, optionally on another deployment (an id, "latest" or "keep"). */
  resumeInvocation(id: string, deployment?: string): Promise<void> {
    return this.request("PATCH", `/invocations/${encodeURIComponent(id)}/resume${deployment ? `?deployment=${encodeURIComponent(deployment)}` : ""}`);
  }
}

/** The HTTP status of a page of Restate's web UI (on the admin port), or undefined when nothing answers in 3 s. */
export async function probeUi(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000), redirect: "follow" });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

/** Quote a value for Restate's SQL (DataFusion): single quotes doubled. */
export function sqlString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/** One HTTP exchange: the status and the whole body as text; rejects when the server cannot be reached or is silent for
 *  `timeoutMs`. */
function send(url: string, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
