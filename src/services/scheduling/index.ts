// Services of the "scheduling" group, served by the one worker.
import type { PatternGroup } from "../group.js";

export const group: PatternGroup = { services: [], subscriptions: [] };
