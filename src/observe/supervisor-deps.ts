// What the supervisor (in the runtime layer, below this one) is handed from the observation layer: how many
// invocations are pinned to each deployment, to drain and retire superseded deployments; and which invocations wait
// out a retry backoff, to retry those that failed on a worker now back.
import type { SupervisorDeps } from "../runtime/supervisor-context.js";
import { pinnedInvocations } from "./deployments.js";
import { query } from "./index.js";
import { backingOffSql } from "./sql.js";

export const supervisorDeps: SupervisorDeps = {
  async pinnedCounts(admin, retryForMs) {
    const counts = await pinnedInvocations(admin, retryForMs);
    return new Map([...counts].map(([id, c]) => [id, c.total]));
  },
  async backingOff(admin) {
    const rows = await query<{ id: string; last_failure?: string | null }>(admin, backingOffSql(), 0);
    return rows.map((r) => ({ id: r.id, lastFailure: r.last_failure ?? undefined }));
  },
};
