// Every pattern group served by the one worker. Each group owns its folder; this list only names them.
import type { KafkaSubscriptionSpec, PatternGroup } from "./group.js";
import { group as system } from "./system/index.js";
import { group as communication } from "./communication/index.js";
import { group as orchestration } from "./orchestration/index.js";
import { group as scheduling } from "./scheduling/index.js";
import { group as events } from "./events/index.js";
import { group as custom } from "./custom/index.js";
import { group as bench } from "./bench/index.js";
import { group as chaos } from "./chaos/index.js";

export const groups: PatternGroup[] = [system, communication, orchestration, scheduling, custom, events, bench, chaos];

export const allServices = groups.flatMap((g) => g.services);
export const kafkaSubscriptions: KafkaSubscriptionSpec[] = groups.flatMap((g) => g.subscriptions);
