// What the fix-forward pattern adds to the CLI: rerun, pause, resume, replay-check, and its tour.
export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
