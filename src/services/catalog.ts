// Every service the one worker serves: each registered pattern's worker folder, plus the playground's own services
// (system, bench, chaos), which are not patterns.
import type { KafkaSubscriptionSpec } from "../registry.js";
import { patterns } from "../registry.js";
import type { PatternGroup } from "./group.js";
import { group as system } from "./system/index.js";
import { group as bench } from "./bench/index.js";
import { group as chaos } from "./chaos/index.js";

const workers = await Promise.all(patterns.map((p) => p.worker()));
const own: PatternGroup[] = [system, bench, chaos];

export const allServices = [...workers.flatMap((w) => w.services), ...own.flatMap((g) => g.services)];
export const kafkaSubscriptions: KafkaSubscriptionSpec[] = [...patterns.flatMap((p) => p.subscriptions ?? []), ...own.flatMap((g) => g.subscriptions)];
