// Restate admin API client: deployments, Kafka clusters, subscriptions, SQL introspection.
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
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { accept, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new PlaygroundError(`Restate's admin API at ${this.url} is not reachable (${(e as Error).message})`, "check `npx patterns status`; start the stack with `npx patterns start`");
    }
    const text = await res.text();
    if (!res.ok) {
      let msg = text;
      try {
        msg = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        /* plain text */
      }
      throw new AdminError(`admin ${method} ${path} failed with ${res.status}: ${msg}`, res.status, text);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) });
      return res.ok;
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

  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const res = await this.request<{ rows: T[] }>("POST", "/query", { query: sql });
    return res.rows ?? [];
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

/** Quote a value for Restate's SQL (DataFusion): single quotes doubled. */
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

export function sqlString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}
