// What the supervisor (in the runtime layer, below this one) is handed from the observation layer: how many
// invocations are pinned to each deployment, to drain and retire superseded deployments.
import type { SupervisorDeps } from "../runtime/supervisor-context.js";
import { pinnedInvocations } from "./deployments.js";

export const supervisorDeps: SupervisorDeps = {
  async pinnedCounts(admin, retryForMs) {
    const counts = await pinnedInvocations(admin, retryForMs);
    return new Map([...counts].map(([id, c]) => [id, c.total]));
  },
};
