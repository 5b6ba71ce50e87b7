// Every service the one worker serves: each registered pattern's worker folder, plus the playground's own services
// (system, bench, chaos). Groups not yet moved into pattern folders still come from their group folders.
import type { KafkaSubscriptionSpec, PatternGroup } from "./group.js";
import { patterns } from "../registry.js";
import { group as system } from "./system/index.js";
import { group as scheduling } from "./scheduling/index.js";
import { group as events } from "./events/index.js";
import { group as custom } from "./custom/index.js";
import { group as bench } from "./bench/index.js";
import { group as chaos } from "./chaos/index.js";

const workers = await Promise.all(patterns.map((p) => p.worker()));

export const groups: PatternGroup[] = [
  system,
  { services: workers.flatMap((w) => w.services), subscriptions: patterns.flatMap((p) => p.subscriptions ?? []) },
  scheduling,
  custom,
  events,
  bench,
  chaos,
];

export const allServices = groups.flatMap((g) => g.services);
export const kafkaSubscriptions: KafkaSubscriptionSpec[] = groups.flatMap((g) => g.subscriptions);
