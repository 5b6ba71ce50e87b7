// What the durable-promises pattern adds to the CLI: its verbs and its scenario (demo and tour).
export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
