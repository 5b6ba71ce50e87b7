// Every verb. Declarations (src/commands/verb.ts) are mounted in this order; a group comes before its verbs.
import type { Declaration } from "./verb.js";
import { start } from "./start.js";
import { stop } from "./stop.js";
import { status } from "./status.js";
import { logs } from "./logs.js";
import { doctor } from "./doctor.js";
import { demo } from "./demo.js";
import { timeline } from "./timeline.js";
import { killBroker, killRestate, killWorker } from "./faults.js";
import { registry } from "../registry.js";
import { produce } from "./produce.js";
import { compare } from "./compare.js";
import { newPattern } from "./new.js";
import { topics } from "./topics.js";
import { restatectl } from "./restatectl.js";
import { cancel, completion, invocations, kill, list, readme, state, tour, ui } from "./interactive.js";

/** In help order: stack, play, patterns, inspect, faults. */
export const declarations: Declaration[] = [
  start,
  stop,
  status,
  doctor,
  completion,
  list,
  tour,
  demo,
  compare,
  newPattern,
  ...registry.flatMap((p) => p.declarations ?? []),
  produce,
  state,
  invocations,
  timeline,
  logs,
  topics,
  ui,
  restatectl,
  cancel,
  kill,
  killWorker,
  killRestate,
  killBroker,
  readme,
];
