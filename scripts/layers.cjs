// The layers of CONTRIBUTING.md, top to bottom, as path patterns relative to the project folder: read by the
// dependency-cruiser rules (.dependency-cruiser.cjs) and by test/unit/shape.test.ts, which checks that every file of
// src/ is in exactly one of them.
/** Top to bottom. */
const layers = [
  // the programs: the CLI's entry and start-up (every file at the top of src/ but the registry and the errors), the
  // supervisor's entry, and the measuring tools (they drive the CLI from outside)
  { name: "entry", path: "^src/((?!registry\\.ts$|errors\\.ts$)[^/]+\\.ts$|bench/|chaos/)" },
  // the declared verbs, the patterns' CLI folders, and the registry that loads those folders
  { name: "verbs", path: "^src/(commands/|registry\\.ts)" },
  // the tour engine (claims, the README table), `compare`'s scenarios, `patterns new`'s scaffolding, and the testing
  // module a pattern's crash test is written with
  { name: "tours", path: "^src/(tours|compare|scaffold|testing)/" },
  // the only code that reads Restate's tables
  { name: "observation", path: "^src/observe/" },
  // the supervisor, the state dir, finding the running stack; the started-stack object
  { name: "runtime", path: "^src/(runtime|lab)/" },
  // what runs in the worker process, and its entry
  { name: "worker", path: "^src/(services|worker)/" },
  // pure helpers, the terminal's output, the errors, the Kafka records' schemas and producer
  { name: "shared", path: "^src/(lib/|ui/|kafka/|errors\\.ts)" },
];

/** Components that import nothing else of src/ (anyone may import them). */
const alone = [
  // the embedded Kafka broker: its own process; it writes its log lines in the shape every component shares
  { name: "broker", path: "^src/broker/", allow: "^src/lib/log-line\\.ts$" },
];

module.exports = { layers, alone };
