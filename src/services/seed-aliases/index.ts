// The Go and Kotlin seeds name some services and handlers differently from the TypeScript seed the playground follows
// (MachineOperator/SetUp, UserFeed/ProcessPost, PackageTracker/RegisterPackage, …). So that their curls and
// subscription commands work as written, these aliases serve the same handler implementations under the other
// spellings. An alias service is its own Restate service, so its state is its own: `restate kv get PackageTracker
// package123` shows what PackageTracker/package123 was told. Spellings of handlers of a service the playground already
// has (FanOutWorker/Run, BookingWorkflow/Run, PaymentTracker/OnPaymentFailure) live on that service itself.
// Hidden from `list`; the README's "Coming from the Go/Kotlin seed" table lists them all (SEED_ALIASES below).
import * as restate from "@restatedev/restate-sdk";
import { machineOperator } from "../stateful-actors/machine-operator.js";
import { userFeed } from "../user-feed/user-feed.js";
import { packageTracker } from "../package-tracker/trackers.js";

type Handler = (ctx: restate.ObjectContext, param?: unknown) => Promise<unknown>;

/** The handler functions of an object definition, with their options (input serdes, shared/exclusive). */
function handlersOf(def: unknown): Record<string, Handler> {
  const routes = (def as { object?: Record<string, Handler> }).object;
  if (!routes) throw new Error("not a virtual object definition");
  return routes;
}

const machine = handlersOf(machineOperator);
const feed = handlersOf(userFeed);
const tracker = handlersOf(packageTracker);

/** MachineOperator/{id}/SetUp|TearDown|GetStatus (Go seed) → machineOperator's handlers. */
export const machineOperatorGo = restate.object({
  name: "MachineOperator",
  description: "Go seed spelling of machineOperator (same handlers, own state)",
  handlers: { SetUp: machine.setUp!, TearDown: machine.tearDown!, GetStatus: machine.getStatus! },
});

/** UserFeed/{user}/processPost (Kotlin) and ProcessPost (Go) → userFeed's processPost, for the seeds' subscriptions. */
export const userFeedSeeds = restate.object({
  name: "UserFeed",
  description: "Go/Kotlin seed spelling of userFeed (same handlers, own state)",
  handlers: { processPost: feed.processPost!, ProcessPost: feed.processPost!, getFeed: feed.getFeed!, GetFeed: feed.getFeed! },
});

/** PackageTracker/{id}/… in the Kotlin (camelCase) and Go (PascalCase) spellings → package-tracker's handlers. */
export const packageTrackerSeeds = restate.object({
  name: "PackageTracker",
  description: "Go/Kotlin seed spelling of package-tracker (same handlers, own state)",
  handlers: {
    registerPackage: tracker.registerPackage!,
    updateLocation: tracker.updateLocation!,
    getPackageInfo: tracker.getPackageInfo!,
    RegisterPackage: tracker.registerPackage!,
    UpdateLocation: tracker.updateLocation!,
    GetPackageInfo: tracker.getPackageInfo!,
  },
});

export interface SeedAlias {
  seed: "Go" | "Kotlin" | "Go, Kotlin";
  /** as the seed writes it */
  spelling: string;
  /** what it runs here */
  same: string;
}

/** Every seed spelling the playground answers besides the TypeScript seed's (README table; unit-tested). */
export const SEED_ALIASES: SeedAlias[] = [
  { seed: "Go", spelling: "MachineOperator/{id}/SetUp, TearDown", same: "machineOperator/{id}/setUp, tearDown" },
  { seed: "Go", spelling: "FanOutWorker/Run", same: "FanOutWorker/run" },
  { seed: "Go", spelling: "BookingWorkflow/{trip}/Run (snake_case payload)", same: "BookingWorkflow/{trip}/run" },
  { seed: "Go", spelling: "PaymentTracker/{invoice}/OnPaymentFailure, OnPaymentSuccess", same: "PaymentTracker/{invoice}/onPaymentFailure, onPaymentSuccess" },
  { seed: "Go", spelling: "PackageTracker/{id}/RegisterPackage, GetPackageInfo, UpdateLocation", same: "package-tracker/{id}/registerPackage, getPackageInfo, updateLocation" },
  { seed: "Kotlin", spelling: "PackageTracker/{id}/registerPackage, getPackageInfo, updateLocation", same: "package-tracker/{id}/registerPackage, getPackageInfo, updateLocation" },
  { seed: "Go", spelling: "UserFeed/{user}/ProcessPost", same: "userFeed/{user}/processPost" },
  { seed: "Kotlin", spelling: "UserFeed/{user}/processPost", same: "userFeed/{user}/processPost" },
];

/** Names of the alias services (hidden from `list`). */
export const ALIAS_SERVICES = new Set(["MachineOperator", "UserFeed", "PackageTracker"]);

export const services = [machineOperatorGo, userFeedSeeds, packageTrackerSeeds];
