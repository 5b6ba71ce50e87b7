// What the user-feed pattern adds to the CLI: its verbs and its scenario (demo and tour).
export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
