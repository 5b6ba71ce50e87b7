// The user feed's contract: the per-user object fed from the social-media-posts topic (the seed's userFeed).
import type { FeedEntry, ProcessPostResult, SocialMediaPost, userFeed } from "./user-feed.js";
import type { RawInput } from "../lib/kafka-input.js";
import { contract } from "../lib/contract.js";
export type { FeedEntry, ProcessPostResult, SocialMediaPost };

export const USER_FEED = "userFeed";

/** The typed definition callers use: ingress(url).objectClient(userFeedApi, user).getFeed() */
export const userFeedApi = contract<typeof userFeed>(USER_FEED);

/**
 * processPost's input as a caller sends it: the post. The handler's own serde receives it raw (it reports a bad record
 * instead of throwing, so the rejection can name the Kafka record), which is why its declared type is not the post.
 */
export function postInput(post: SocialMediaPost): RawInput {
  return post as unknown as RawInput;
}
