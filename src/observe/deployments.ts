// What runs on which deployment: the invocations pinned to each of the worker's deployments (the supervisor drains
// an older deployment with this, `status` and `doctor` show it, the versioning tour checks it).
import type { AdminClient } from "../runtime/admin.js";
import { pinnedDeploymentSql, pinnedInvocationsSql } from "./sql.js";
import { query } from "./index.js";

export interface PinnedCount {
  total: number;
  /** per status: running, suspended, backing-off, paused, … */
  byStatus: Record<string, number>;
}

/** Per deployment id, the invocations pinned to it that have not completed (deployments without any are absent). */
export async function pinnedInvocations(admin: AdminClient, retryForMs = 0): Promise<Map<string, PinnedCount>> {
  const rows = await query<{ deployment: string; status: string; n: number }>(admin, pinnedInvocationsSql(), retryForMs);
  const out = new Map<string, PinnedCount>();
  for (const r of rows) {
    const c = out.get(r.deployment) ?? { total: 0, byStatus: {} };
    c.total += Number(r.n);
    c.byStatus[r.status] = (c.byStatus[r.status] ?? 0) + Number(r.n);
    out.set(r.deployment, c);
  }
  return out;
}

/** The deployment each invocation is pinned to (absent until its first attempt picked one). */
export async function pinnedDeployments(admin: AdminClient, ids: string[]): Promise<Map<string, { deployment?: string; status: string }>> {
  const rows = await query<{ id: string; pinned_deployment_id?: string; status: string }>(admin, pinnedDeploymentSql(ids));
  return new Map(rows.map((r) => [r.id, { deployment: r.pinned_deployment_id, status: r.status }]));
}
