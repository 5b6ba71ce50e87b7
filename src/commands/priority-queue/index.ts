// What the priority-queue pattern adds to the CLI: its verbs and its scenario (demo and tour).
import type { Declaration } from "../verb.js";
export { demo } from "./tour.js";

// its verbs are still declared with its group's (src/commands/{scheduling,events,custom}.ts)
export const declarations: Declaration[] = [];
