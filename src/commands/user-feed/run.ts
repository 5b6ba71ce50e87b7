// Runners behind `send-post` and `feed` (and the user-feed demo): they return data and throw typed errors;
// rendering is the command's job.
import type { RunningStack } from "../../runtime/stack.js";
import { calling, ingress } from "../../runtime/ingress.js";
import { userFeedApi } from "../../services/user-feed/api.js";
import { PlaygroundError } from "../../errors.js";
import { checkRecordKey, sendToSink, type SendResult } from "../lib/records.js";
export type { SendResult } from "../lib/records.js";
import { type Sink } from "../../observe/kafka-records.js";
import type { FeedEntry, SocialMediaPost } from "../../services/user-feed/user-feed.js";

export const POSTS_TOPIC = "social-media-posts";
export const POSTS_SINK: Sink = { service: "userFeed", handler: "processPost" };

export interface PostOptions {
  content: string;
  metadata?: string;
  pending?: number;
  chaos?: boolean;
  hold?: boolean;
  count?: number;
}

/** The posts `send-post` sends: the seed's JSON, plus the playground's optional moderation fields. Pure. */
export function buildPosts(o: PostOptions): SocialMediaPost[] {
  const count = o.count ?? 1;
  return Array.from({ length: count }, (_, i) => {
    const post: SocialMediaPost = { content: count > 1 ? `${o.content} (#${i + 1})` : o.content, metadata: o.metadata ?? "public" };
    if (o.pending !== undefined) post.pendingChecks = o.pending;
    if (o.chaos) post.chaos = true;
    if (o.hold) post.holdForModerator = true;
    return post;
  });
}

export async function sendPosts(stack: RunningStack, user: string, posts: SocialMediaPost[]): Promise<SendResult> {
  checkRecordKey(user, "user");
  return sendToSink(
    stack,
    POSTS_TOPIC,
    POSTS_SINK,
    posts.map((value) => ({ key: user, value })),
  );
}

export async function readFeed(stack: RunningStack, user: string): Promise<FeedEntry[]> {
  checkRecordKey(user, "user");
  const feed = await calling(`reading the feed of ${user}`, () => ingress(stack.ingressUrl).objectClient(userFeedApi, user).getFeed());
  if (!Array.isArray(feed)) throw new PlaygroundError(`userFeed/${user}/getFeed answered ${JSON.stringify(feed).slice(0, 80)}`);
  return feed;
}
