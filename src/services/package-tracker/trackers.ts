// Event enrichment / joins (seed 002 "Event Enrichment / Joins", docs seed 003 "Stateful Event Handlers"):
// a Virtual Object per package is registered over RPC and then enriched by location events from Kafka; a shared
// handler reads the joined state while updates keep flowing. A location for an unknown package fails terminally
// (one failed invocation, no retries) so it never blocks later records. Driven by `patterns package …`,
// `patterns delivery …`, `patterns demo package-tracker`.
import * as restate from "@restatedev/restate-sdk";
import { LOCATION_UPDATE, valueProblems } from "../../kafka/schema.js";
import { lenientJson, origin, validRecord, type RawInput } from "../lib/kafka-input.js";

export interface LocationUpdate {
  timestamp: string;
  location: string;
}

export interface PackageInfo {
  finalDestination: string;
  locations?: LocationUpdate[];
}

export type Delivery = PackageInfo;

function validRegistration(what: string, info: PackageInfo | undefined): PackageInfo {
  if (info === null || info === undefined || typeof info !== "object" || Array.isArray(info)) {
    throw new restate.TerminalError(`${what}: the body must be a JSON object like {"finalDestination": "Bridge 6, Amsterdam"}`, { errorCode: 400 });
  }
  if (typeof info.finalDestination !== "string" || info.finalDestination.trim() === "") {
    throw new restate.TerminalError(`${what}: finalDestination is missing or not a non-empty string`, { errorCode: 400 });
  }
  const locations = info.locations ?? [];
  if (!Array.isArray(locations)) throw new restate.TerminalError(`${what}: locations must be a list`, { errorCode: 400 });
  locations.forEach((l, i) => {
    const problems = valueProblems(l, LOCATION_UPDATE);
    if (problems.length) throw new restate.TerminalError(`${what}: locations[${i}]: ${problems.join("; ")}`, { errorCode: 400 });
  });
  return { finalDestination: info.finalDestination, locations: [...locations] };
}

function validLocation(ctx: restate.ObjectContext, what: string, input: RawInput): LocationUpdate {
  const update = validRecord<LocationUpdate>(ctx, what, input, LOCATION_UPDATE);
  return { timestamp: update.timestamp, location: update.location };
}

function requireKey(ctx: restate.ObjectSharedContext | restate.ObjectContext, what: string): void {
  if (ctx.key === "") throw new restate.TerminalError(`${what}: the id (Kafka key) is empty`, { errorCode: 400 });
}

export const packageTracker = restate.object({
  name: "package-tracker",
  description: "A package's destination (RPC) joined with its location history (Kafka topic package-location-updates)",
  handlers: {
    registerPackage: async (ctx: restate.ObjectContext, packageInfo: PackageInfo): Promise<void> => {
      requireKey(ctx, "registerPackage");
      ctx.set("package-info", validRegistration("registerPackage", packageInfo));
    },

    // Kafka-fed: input through a serde that never throws, so every bad record is rejected here, by name.
    updateLocation: restate.handlers.object.exclusive({ input: lenientJson(LOCATION_UPDATE) }, async (ctx: restate.ObjectContext, input: RawInput): Promise<void> => {
      const update = validLocation(ctx, "updateLocation", input);
      const info = await ctx.get<PackageInfo>("package-info");
      if (!info) {
        throw new restate.TerminalError(`Package ${ctx.key} not found: rejected ${origin(ctx)} (register the package first with registerPackage); the update is not applied`, { errorCode: 404 });
      }
      info.locations = [...(info.locations ?? []), update];
      ctx.set("package-info", info);
    }),

    getPackageInfo: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext): Promise<PackageInfo | null> => ctx.get<PackageInfo>("package-info")),
  },
});

export const deliveryTracker = restate.object({
  name: "delivery-tracker",
  description: "The docs seed's delivery twin: register over RPC, locations from Kafka topic delivery-location-updates",
  handlers: {
    register: async (ctx: restate.ObjectContext, delivery: Delivery): Promise<void> => {
      requireKey(ctx, "register");
      ctx.set("delivery", validRegistration("register", delivery));
    },

    setLocation: restate.handlers.object.exclusive({ input: lenientJson(LOCATION_UPDATE) }, async (ctx: restate.ObjectContext, input: RawInput): Promise<void> => {
      const update = validLocation(ctx, "setLocation", input);
      const delivery = await ctx.get<Delivery>("delivery");
      if (!delivery) {
        throw new restate.TerminalError(`Delivery ${ctx.key} not found: rejected ${origin(ctx)} (register the delivery first with register); the location is not applied`, { errorCode: 404 });
      }
      delivery.locations = [...(delivery.locations ?? []), update];
      ctx.set("delivery", delivery);
    }),

    getDelivery: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext): Promise<Delivery | null> => ctx.get<Delivery>("delivery")),
  },
});
