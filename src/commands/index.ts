// Every verb. Pattern verbs live in their group's command module; this list only names them.
import type { Command } from "commander";
import * as start from "./start.js";
import * as stop from "./stop.js";
import * as status from "./status.js";
import * as logs from "./logs.js";
import * as doctor from "./doctor.js";

export const commandModules: { register(program: Command): void }[] = [start, stop, status, logs, doctor];
