// Every verb. Pattern verbs live in their group's command module; this list only names them.
import type { Command } from "commander";
import * as start from "./start.js";
import * as stop from "./stop.js";
import * as status from "./status.js";
import * as logs from "./logs.js";
import * as doctor from "./doctor.js";
import * as demo from "./demo.js";
import * as timeline from "./timeline.js";
import * as communication from "./communication.js";
import * as orchestration from "./orchestration.js";
import * as scheduling from "./scheduling.js";
import * as events from "./events.js";
import * as custom from "./custom.js";
import * as interactive from "./interactive.js";

export const commandModules: { register(program: Command): void }[] = [start, stop, status, logs, doctor, demo, communication, orchestration, scheduling, custom, events, timeline, interactive];
