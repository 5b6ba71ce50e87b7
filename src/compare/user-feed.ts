// user-feed without Restate: a consumer that processes a post record with the same simulated systems (create the post,
// poll moderation, publish to the feed) and is killed right after creating the post, before it marked the record
// done. The record is delivered again after the restart (at-least-once, as a Kafka consumer that never committed its
// offset sees it), and the post is created a second time; the first one is never published.
import { checkModeration, createPost, MODERATION_POLL_NOMINAL_MS, publishToFeed } from "../services/simulations/moderation.js";
import { compareKey, times, type Comparison, type RunFacts, type Verdict } from "./types.js";

const CONTENT = "Hello from compare";

export function feedVerdict(facts: Pick<RunFacts, "entries" | "key">): Verdict {
  const mine = (system: string, action: string) => facts.entries.filter((e) => e.system === system && e.action === action && (e.detail as { userId?: string } | undefined)?.userId === facts.key);
  const created = mine("posts", "create").map((e) => e.key);
  const published = mine("feed", "publish").map((e) => e.key);
  const unpublished = created.filter((id) => !published.includes(id));
  const leftBehind = [
    ...unpublished.map((id) => `post ${id.slice(0, 8)} created, never published to the feed`),
    ...(created.length > 1 ? [`${created.length} posts created for one record: the same post exists ${created.length} times`] : []),
  ];
  const consistent = created.length === 1 && published.length === 1 && published[0] === created[0];
  return {
    consistent,
    why: consistent
      ? "one post, published once: after the crash its id came back from the journal instead of being created again"
      : created.length === 0
        ? "the post was lost"
        : `the record was processed again from the start: nothing recorded that the post already existed`,
    effects: [times(created.length, "post created"), times(published.length, "post published")].filter((l) => !l.startsWith("0 ×")),
    compensations: [],
    finalState: `${published.length} post(s) in the feed, ${created.length} created`,
    leftBehind,
  };
}

export const userFeed: Comparison = {
  pattern: "user-feed",
  scenario: "process one post for a user (create it, moderate it, publish it to the feed) and kill the process right after the post is created",
  crash: { step: "create post", when: "after" },
  invariant: "one record, one post, published once",
  retry: "the same record delivered again after the restart (its offset was never committed)",
  key: () => compareKey("user"),

  async withRestate(io) {
    // through the ingress rather than Kafka, so the comparison runs on a stack without the broker too
    return [await io.send(`/userFeed/${encodeURIComponent(io.key)}/processPost/send`, { content: CONTENT, pendingChecks: 0 })];
  },

  async plain(io) {
    const userId = io.key;
    const caller = `plain:${userId}:${io.attempt}`;
    const postId = await io.step("create post", () => createPost(userId, CONTENT, caller));
    const pollMs = io.scaled(MODERATION_POLL_NOMINAL_MS);
    for (let n = 1; ; n++) {
      const status = await io.step("check moderation", () => checkModeration(userId, postId, n, { pendingChecks: 0 }, `${pollMs / 1000} s`));
      if (status !== "PENDING") break;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    await io.step("update feed", () => publishToFeed(userId, postId, caller));
    io.answer(caller, true, { postId });
  },

  verdict: feedVerdict,
};
