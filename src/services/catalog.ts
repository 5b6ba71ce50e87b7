// Every pattern group served by the one worker. Each group owns its folder; this list only names them.
import type { KafkaSubscriptionSpec, PatternGroup } from "./group.js";
import { group as system } from "./system/index.js";

export const groups: PatternGroup[] = [system];

export const allServices = groups.flatMap((g) => g.services);
export const kafkaSubscriptions: KafkaSubscriptionSpec[] = groups.flatMap((g) => g.subscriptions);
