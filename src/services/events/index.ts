// Services of the "events" group, served by the one worker: Kafka-fed Virtual Objects (user feed, package and
// delivery trackers). The supervisor creates the subscriptions below at start (`patterns stop && patterns start`
// picks up new ones).
import type { PatternGroup } from "../group.js";
import { userFeed } from "./user-feed.js";
import { deliveryTracker, packageTracker } from "./package-tracker.js";

export const group: PatternGroup = {
  services: [userFeed, packageTracker, deliveryTracker],
  subscriptions: [
    { topic: "social-media-posts", service: "userFeed", handler: "processPost" },
    { topic: "package-location-updates", service: "package-tracker", handler: "updateLocation" },
    { topic: "delivery-location-updates", service: "delivery-tracker", handler: "setLocation" },
  ],
};
