// The option parsers the verbs share (they live in src/lib/parse.ts, beside the other pure parsers); the global
// options and everything else a verb shares are owned by src/commands/verb.ts.
export { durationOption, intOption, parseDuration } from "../lib/parse.js";
