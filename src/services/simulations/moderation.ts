// [SIMULATED moderation] and [SIMULATED posts]: the downstream systems of the user feed (seed 000 / 002
// "Transactional Event Processing"). Deterministic by default: a post stays PENDING for `pendingChecks` checks
// (DEFAULT_PENDING_CHECKS when the post does not say), then is APPROVED. With `chaos: true` each check is PENDING
// with the seed's 80 % chance instead, capped so a post never polls forever. With `holdForModerator: true` a post
// stays PENDING until a (simulated) moderator approves its user (`patterns moderate <user>`, an effect in the ledger):
// a post that waits for a person, for as long as a demo or a test needs it in flight.
import { randomUUID } from "node:crypto";
import { readLedger, recordEffect, simLog } from "../lib/simulated.js";
import { SECOND } from "../lib/time.js";

/** The seed's moderation poll interval, before the playground time scale. */
export const MODERATION_POLL_NOMINAL_MS = 5 * SECOND;

export type ModerationStatus = "PENDING" | "APPROVED";

/** A post without `pendingChecks` (the seed's own records) is pending for one check, so one durable sleep shows. */
export const DEFAULT_PENDING_CHECKS = 1;
/** Chaos mode: the seed's odds, with a cap on the number of checks. */
export const CHAOS_PENDING_PROBABILITY = 0.8;
export const CHAOS_MAX_CHECKS = 12;
/** A held post that no moderator approves is approved by default at this check, so it never polls forever. */
export const HOLD_MAX_CHECKS = 600;

export interface ModerationOptions {
  pendingChecks?: number;
  chaos?: boolean;
  holdForModerator?: boolean;
}

/** [SIMULATED moderation] the moderator's decision: every post of this user held for review is approved. */
export function approveUser(userId: string, stateDir?: string): void {
  recordEffect("moderation", "approve", userId, undefined, stateDir);
}

/** Whether a moderator approved this user's held posts (read from the ledger in the state dir). */
export function moderatorApproved(userId: string, stateDir = process.env.PATTERNS_STATE_DIR): boolean {
  return !!stateDir && readLedger(stateDir, { system: "moderation", action: "approve", key: userId }).length > 0;
}

/** The status the simulated moderation reports at the n-th check (1-based). Pure, so it is unit-tested. */
export function moderationStatus(check: number, opts: { pendingChecks?: number; chaos?: boolean; random?: () => number }): ModerationStatus {
  if (opts.chaos) {
    if (check >= CHAOS_MAX_CHECKS) return "APPROVED";
    return (opts.random ?? Math.random)() < CHAOS_PENDING_PROBABILITY ? "PENDING" : "APPROVED";
  }
  const pending = opts.pendingChecks ?? DEFAULT_PENDING_CHECKS;
  return check <= pending ? "PENDING" : "APPROVED";
}

/** [SIMULATED posts] create the post; returns its id. Called inside the "create post" step. */
export function createPost(userId: string, content: string, invocationId?: string): string {
  const postId = randomUUID();
  simLog("posts", `Created post ${postId} for user ${userId} with content: ${content}`);
  recordEffect("posts", "create", postId, { userId, content, invocationId });
  return postId;
}

/** [SIMULATED moderation] the status of a post at its n-th check. Called inside a "check moderation" step. */
export function checkModeration(userId: string, postId: string, check: number, opts: ModerationOptions, nextCheckIn: string): ModerationStatus {
  const status = opts.holdForModerator ? (check < HOLD_MAX_CHECKS && !moderatorApproved(userId) ? "PENDING" : "APPROVED") : moderationStatus(check, opts);
  if (status === "PENDING" && opts.holdForModerator) simLog("moderation", `Post ${postId} is held for a moderator (npx patterns moderate ${userId})... Will check again in ${nextCheckIn}`);
  else if (status === "PENDING") simLog("moderation", `Content moderation for post ${postId} is still pending... Will check again in ${nextCheckIn}`);
  else simLog("moderation", `Content moderation for post ${postId} is done`);
  return status;
}

/** [SIMULATED feed] publish the post to the user's feed (the downstream system); the object keeps its own copy. */
export function publishToFeed(userId: string, postId: string, invocationId?: string): string {
  simLog("feed", `Updating the user feed for user ${userId} and post ${postId}`);
  recordEffect("feed", "publish", postId, { userId, invocationId });
  return new Date().toISOString();
}
