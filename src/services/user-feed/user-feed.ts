// Transactional event processing (seed 000 and 002 "Transactional Event Processing"): the Kafka topic
// social-media-posts feeds userFeed/{userId}/processPost, keyed by the record key. Restate runs the posts of one
// user one at a time, in partition order, while other users' posts proceed: a queue per key, no head-of-line
// blocking. Each post is created in a durable step, moderation is polled with durable sleeps, and the feed is
// updated in a final step and kept as object state. Driven by `patterns send-post`, `patterns feed`,
// `patterns demo user-feed`.
import * as restate from "@restatedev/restate-sdk";
import { SOCIAL_MEDIA_POST } from "../../kafka/schema.js";
import { scaled } from "../lib/time.js";
import { MODERATION_POLL_NOMINAL_MS } from "../simulations/moderation.js";
import { lenientJson, validRecord, type RawInput } from "../lib/kafka-input.js";
import { checkModeration, createPost, publishToFeed } from "../simulations/moderation.js";

export interface SocialMediaPost {
  content: string;
  metadata?: string;
  /** playground extension: how many moderation checks the post stays pending (default 1) */
  pendingChecks?: number;
  /** playground extension: random moderation (the seed's 80 % pending) */
  chaos?: boolean;
  /** playground extension: pending until a moderator approves the user (`patterns moderate <user>`) */
  holdForModerator?: boolean;
}

export interface FeedEntry {
  postId: string;
  content: string;
  metadata?: string;
  /** when the feed was updated (worker clock, journaled) */
  at: string;
  invocationId: string;
  /** where the post came from: a Kafka record (topic/partition/offset) or the ingress */
  via: "kafka" | "ingress";
  partition?: number;
  offset?: number;
}

export interface ProcessPostResult {
  postId: string;
  checks: number;
  status: "published";
}

export { MODERATION_POLL_NOMINAL_MS };

function kafkaOrigin(headers: ReadonlyMap<string, string>): Pick<FeedEntry, "via" | "partition" | "offset"> {
  const offset = headers.get("kafka.offset");
  if (offset === undefined) return { via: "ingress" };
  return { via: "kafka", offset: Number(offset), partition: Number(headers.get("kafka.partition") ?? 0) };
}

export const userFeed = restate.object({
  name: "userFeed",
  description: "A user's feed, fed from Kafka topic social-media-posts (key = user id)",
  handlers: {
    // Input through a serde that never throws, so even a non-JSON record is rejected by the handler with a message
    // naming the record and the field (TerminalError: one failed invocation, no retries, nothing blocked).
    processPost: restate.handlers.object.exclusive({ input: lenientJson(SOCIAL_MEDIA_POST) }, async (ctx: restate.ObjectContext, input: RawInput): Promise<ProcessPostResult> => {
      const userId = ctx.key;
      const post = validRecord<SocialMediaPost>(ctx, "processPost", input, SOCIAL_MEDIA_POST);
      const invocationId = String(ctx.request().id);

      const postId = await ctx.run("create post", () => createPost(userId, post.content, invocationId));

      const pollMs = scaled(MODERATION_POLL_NOMINAL_MS);
      const opts = { pendingChecks: post.pendingChecks, chaos: post.chaos, holdForModerator: post.holdForModerator };
      let checks = 0;
      for (;;) {
        const n = ++checks;
        const status = await ctx.run("check moderation", () => checkModeration(userId, postId, n, opts, `5 s (scaled: ${pollMs / 1000} s)`));
        if (status !== "PENDING") break;
        await ctx.sleep(pollMs, "moderation pending");
      }

      // the publishing invocation's id is journaled with the step: replaying this journal in another invocation (a
      // replay-check) writes the same feed entry, while a rerun from this step records the rerun's own id
      const published = await ctx.run("update feed", () => ({ at: publishToFeed(userId, postId, invocationId), by: invocationId }));
      const feed = (await ctx.get<FeedEntry[]>("feed")) ?? [];
      feed.push({ postId, content: post.content, metadata: post.metadata, at: published.at, invocationId: published.by, ...kafkaOrigin(ctx.request().headers) });
      ctx.set("feed", feed);
      ctx.console.info(`post ${postId} of ${userId} published after ${checks} moderation check(s)`);
      return { postId, checks, status: "published" };
    }),

    getFeed: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext): Promise<FeedEntry[]> => (await ctx.get<FeedEntry[]>("feed")) ?? []),
  },
});
