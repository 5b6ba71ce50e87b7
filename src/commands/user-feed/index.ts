// What the user-feed pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/user-feed/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Transactional event processing (user feed)",
  category: "events",
  summary: "Kafka posts → userFeed/{user}/processPost: a queue per user, durable steps and polling timers",
  guarantee:
    "Records reach the Virtual Object of their key in partition order. Restate runs one post per user at a time, so a user's " +
    "second post waits for the first, while other users' posts on the same partition go ahead (no head-of-line blocking). " +
    "The post is created in a durable step: after a crash the post id is recovered from the journal, not created again, and " +
    "the moderation poll resumes on its durable timer.",
  verbs: ["send-post <user> [content] [--pending n] [--follow]", "feed <user>", "produce social-media-posts 'userid1:{…}'"],
  tour: {
    crash: { step: "create post", when: "after" },
    look: ['the crashed post kept its post id: the ledger (simulated.ndjson in the state dir) has one "create" per post', "npx patterns feed <user>: each post once, in order"],
  },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
