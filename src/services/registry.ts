// The worker's registry: every folder of src/services/ the one worker serves, as data. For each: the Restate services
// it defines, the Kafka topics that feed them, and how to load the folder (its definitions, and apart from them its
// named ctx.run steps, so the CLI can name the steps without loading the SDK). The supervisor and `doctor` read the
// subscriptions and service names as plain data; src/services/catalog.ts loads the definitions for the endpoint.
// The CLI's side of a pattern (title, verbs, tour) is in src/registry.ts under the same name. This file imports no
// SDK (types only) and nothing outside src/services/, so the worker's bundle holds no CLI code.
import type { ServiceDefinition, VirtualObjectDefinition, WorkflowDefinition } from "@restatedev/restate-sdk";
import { PRODUCT } from "./durable-rpc/api.js";
import { ASYNC_TASK_WORKER } from "./message-queue/api.js";
import { WEBHOOK_ROUTER } from "./webhook-callbacks/api.js";
import { DATA_UPLOADER } from "./sync-to-async/api.js";
import { SIGNAL_PAYMENTS } from "./payment-signals/api.js";
import { PAYMENT_TRACKER } from "./payment-reminders/api.js";
import { FAN_OUT_WORKER } from "./fan-out/logic.js";
import { FIX_ORDERS } from "./fix-forward/api.js";

export type AnyService = ServiceDefinition<string, unknown> | VirtualObjectDefinition<string, unknown> | WorkflowDefinition<string, unknown>;

export interface KafkaSubscriptionSpec {
  /** Kafka topic, declared in kafka/asyncapi.yaml */
  topic: string;
  /** Restate service (or object) name */
  service: string;
  handler: string;
}

/** What a worker folder's index exports (src/services/<name>/index.ts). */
export interface WorkerSide {
  services: AnyService[];
}

/** What a worker folder's steps module exports (src/services/<name>/steps.ts): every name it gives ctx.run. */
export interface StepsModule {
  steps: readonly string[];
}

export interface WorkerFolder {
  /** the folder under src/services/; for a pattern, also its name in src/registry.ts and its CLI folder's */
  name: string;
  /** the Restate services the folder defines */
  services: string[];
  /** Kafka topics feeding its handlers; the supervisor creates these subscriptions */
  subscriptions: KafkaSubscriptionSpec[];
  worker: () => Promise<WorkerSide>;
  /** its steps.ts, when its handlers run named steps: where `kill-worker --at-step` can arm a crash */
  steps?: () => Promise<StepsModule>;
}

/** The patterns' worker folders. */
export const patternWorkers: WorkerFolder[] = [
  { name: "durable-rpc", services: [PRODUCT], subscriptions: [], worker: () => import("./durable-rpc/index.js") },
  { name: "message-queue", services: [ASYNC_TASK_WORKER], subscriptions: [], worker: () => import("./message-queue/index.js"), steps: () => import("./message-queue/steps.js") },
  { name: "webhook-callbacks", services: [WEBHOOK_ROUTER, PAYMENT_TRACKER], subscriptions: [], worker: () => import("./webhook-callbacks/index.js") },
  { name: "sync-to-async", services: [DATA_UPLOADER], subscriptions: [], worker: () => import("./sync-to-async/index.js"), steps: () => import("./sync-to-async/steps.js") },
  { name: "payment-signals", services: [SIGNAL_PAYMENTS], subscriptions: [], worker: () => import("./payment-signals/index.js"), steps: () => import("./payment-signals/steps.js") },
  { name: "sagas", services: ["BookingWorkflow", "Flights", "CarRentals"], subscriptions: [], worker: () => import("./sagas/index.js"), steps: () => import("./sagas/steps.js") },
  { name: "stateful-actors", services: ["machineOperator"], subscriptions: [], worker: () => import("./stateful-actors/index.js"), steps: () => import("./stateful-actors/steps.js") },
  { name: "payment-state-machine", services: ["payments", "accounts"], subscriptions: [], worker: () => import("./payment-state-machine/index.js") },
  { name: "payment-reminders", services: [PAYMENT_TRACKER], subscriptions: [], worker: () => import("./payment-reminders/index.js"), steps: () => import("./payment-reminders/steps.js") },
  { name: "fan-out", services: [FAN_OUT_WORKER], subscriptions: [], worker: () => import("./fan-out/index.js"), steps: () => import("./fan-out/steps.js") },
  {
    name: "user-feed",
    services: ["userFeed"],
    subscriptions: [{ topic: "social-media-posts", service: "userFeed", handler: "processPost" }],
    worker: () => import("./user-feed/index.js"),
    steps: () => import("./user-feed/steps.js"),
  },
  {
    name: "package-tracker",
    services: ["package-tracker", "delivery-tracker"],
    subscriptions: [
      { topic: "package-location-updates", service: "package-tracker", handler: "updateLocation" },
      { topic: "delivery-location-updates", service: "delivery-tracker", handler: "setLocation" },
    ],
    worker: () => import("./package-tracker/index.js"),
  },
  { name: "durable-promises", services: ["durablePromiseServer", "durablePromises"], subscriptions: [], worker: () => import("./durable-promises/index.js") },
  { name: "priority-queue", services: ["myService", "priorityQueue"], subscriptions: [], worker: () => import("./priority-queue/index.js"), steps: () => import("./priority-queue/steps.js") },
  { name: "rate-limiter", services: ["Limiter", "LimitedTask"], subscriptions: [], worker: () => import("./rate-limiter/index.js"), steps: () => import("./rate-limiter/steps.js") },
  { name: "fix-forward", services: [FIX_ORDERS], subscriptions: [], worker: () => import("./fix-forward/index.js"), steps: () => import("./fix-forward/steps.js") },
];

/** The playground's own services, which are not patterns: hidden from `list`, the menu and (unless --all) the views. */
export const playgroundWorkers: WorkerFolder[] = [
  // the health check (`doctor`), the crash demo (`tour crash-and-resume`, `kill-worker`), the versioning tour's
  // two-version handler and the lanes demo
  {
    name: "system",
    services: ["playground", "playgroundLane", "playgroundVersion"],
    subscriptions: [],
    worker: () => import("./system/index.js"),
    steps: () => import("./system/steps.js"),
  },
  // `npm run bench` (the journal benchmark's steps are numbered at run time: those are not armed by name)
  {
    name: "bench",
    services: ["BenchSink", "BenchRecovery", "BenchJournal"],
    subscriptions: [{ topic: "bench-events", service: "BenchSink", handler: "onEvent" }],
    worker: () => import("./bench/index.js"),
    steps: () => import("./bench/steps.js"),
  },
  // the Go and Kotlin seeds' spellings of pattern services (README "Coming from the Go/Kotlin seed"), not in `list`
  {
    name: "seed-aliases",
    services: ["MachineOperator", "UserFeed", "PackageTracker"],
    subscriptions: [],
    worker: () => import("./seed-aliases/index.js"),
  },
  // `npm run chaos`
  {
    name: "chaos",
    services: ["chaosProof", "chaosRpc"],
    subscriptions: [{ topic: "chaos-events", service: "chaosProof", handler: "onEvent" }],
    worker: () => import("./chaos/index.js"),
    steps: () => import("./chaos/steps.js"),
  },
];

/** Every folder the worker serves, the patterns' first. */
export const workerFolders: WorkerFolder[] = [...patternWorkers, ...playgroundWorkers];

/** Every Kafka subscription the stack creates (plain data: the supervisor reads it without loading the SDK). */
export const allSubscriptions: KafkaSubscriptionSpec[] = workerFolders.flatMap((w) => w.subscriptions);

/** The name of every service the worker serves. */
export const allServiceNames: string[] = [...new Set(workerFolders.flatMap((w) => w.services))];

export function workerFolder(name: string): WorkerFolder | undefined {
  return workerFolders.find((w) => w.name === name);
}
