// The registry: every pattern as data, bound to its two folders — src/services/<name>/ (what runs in the worker) and
// src/commands/<name>/ (its verbs and its scenario). The endpoint, the subscriptions, `list`, the menu, completion,
// the README table and `tour --all` all read this list. It imports no SDK and no CLI code (the folders load lazily),
// so the supervisor reads subscriptions from it as plain data. Adding a pattern: two folders and one entry here.
import type { ServiceDefinition, VirtualObjectDefinition, WorkflowDefinition } from "@restatedev/restate-sdk";
import type { Declaration } from "./commands/verb.js";
import type { Category, DemoContext, DemoResult } from "./patterns/types.js";
import { PRODUCT } from "./services/durable-rpc/api.js";
import { ASYNC_TASK_WORKER } from "./services/message-queue/api.js";
import { WEBHOOK_ROUTER } from "./services/webhook-callbacks/api.js";
import { DATA_UPLOADER } from "./services/sync-to-async/api.js";
import { SIGNAL_PAYMENTS } from "./services/payment-signals/api.js";
import { PAYMENT_TRACKER } from "./services/payment-reminders/api.js";
import { FAN_OUT_WORKER } from "./services/fan-out/logic.js";
import { SAGA_RUN_STEPS } from "./services/sagas/model.js";
import { MACHINE_RUN_STEPS } from "./services/stateful-actors/model.js";
import { FIX_ORDERS } from "./services/fix-forward/api.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyService = ServiceDefinition<string, any> | VirtualObjectDefinition<string, any> | WorkflowDefinition<string, any>;

export interface KafkaSubscriptionSpec {
  /** Kafka topic, declared in kafka/asyncapi.yaml */
  topic: string;
  /** Restate service (or object) name */
  service: string;
  handler: string;
}

/** What a pattern's worker folder exports (src/services/<name>/index.ts). */
export interface WorkerSide {
  services: AnyService[];
}

/** What a pattern's CLI folder exports (src/commands/<name>/index.ts). */
export interface CliSide {
  declarations: Declaration[];
  /** the scenario, run for real, with checks from introspection, state or the simulated-systems ledger */
  demo: (ctx: DemoContext) => Promise<DemoResult>;
}

export interface PatternRecord {
  /** short id used by `demo <name>` and `tour <name>`, and the name of its two folders: kebab-case */
  name: string;
  title: string;
  category: Category;
  /** one line: what it shows */
  summary: string;
  /** the guarantee the tour explains, a few sentences */
  guarantee: string;
  /** Restate services it uses (served by the worker) */
  services: string[];
  /** CLI verbs that drive it, as the user types them */
  verbs: string[];
  /** Kafka topics feeding its handlers; the supervisor creates these subscriptions */
  subscriptions?: KafkaSubscriptionSpec[];
  /** what its tour adds: a one-shot worker crash at a named ctx.run step; what to look at afterwards */
  tour?: { crash?: { step: string; when: "after" | "during" }; look?: string[] };
  worker: () => Promise<WorkerSide>;
  cli: () => Promise<CliSide>;
}

export const patterns: PatternRecord[] = [
  {
    name: "durable-rpc",
    title: "Durable RPC + idempotency",
    category: "communication",
    summary: "reserve a product through the typed client; the reservation id is the idempotency key",
    guarantee:
      "A call carrying an idempotency key runs at most once per key: a retry, or a second caller with the same key, gets the first answer from Restate instead of a second execution. The product is a Virtual Object, so reservations of one product run one at a time.",
    services: [PRODUCT],
    verbs: ["rpc reserve <product> <reservation>"],
    worker: () => import("./services/durable-rpc/index.js"),
    cli: () => import("./commands/durable-rpc/index.js"),
    tour: { look: ["the reserve invocations in `npx patterns invocations`: one per reservation id", "`npx patterns state product <product>`"] },
  },
  {
    name: "message-queue",
    title: "(Delayed) message queue",
    category: "communication",
    summary: "one-way sends to asyncTaskWorker/runTask with a delay and an idempotency key; attach to the result later",
    guarantee:
      "A task sent one-way is stored durably by Restate and runs once, after its delay, even if the worker or the server dies meanwhile. The same idempotency key is accepted once (PreviouslyAccepted), and the result stays attachable by invocation id or key.",
    services: [ASYNC_TASK_WORKER],
    verbs: ["queue submit [task] --delay 10s --id <key>", "queue result <id|key>", "queue list"],
    worker: () => import("./services/message-queue/index.js"),
    cli: () => import("./commands/message-queue/index.js"),
    tour: {
      // "during": the body is its only step, and the handler returns right after it, so an "after" crash would
      // find the invocation already completed
      crash: { step: "run task", when: "during" },
      look: ["`npx patterns queue list --all`"],
    },
  },
  {
    name: "webhook-callbacks",
    title: "Webhook callbacks",
    category: "communication",
    summary: "a provider's events POSTed to WebhookCallbackRouter/onStripeEvent and routed durably to PaymentTracker/{invoice}",
    guarantee:
      "Any handler is a durable webhook endpoint: once Restate accepted the POST the event is processed, whatever crashes later. With the event id as idempotency key a provider's retry is answered from Restate's store, and the router's send to the tracker carries the same key, so the tracker sees each event once.",
    services: [WEBHOOK_ROUTER, PAYMENT_TRACKER],
    verbs: ["webhook send <invoice> --type failed|succeeded --event-id <id>"],
    worker: () => import("./services/webhook-callbacks/index.js"),
    cli: () => import("./commands/webhook-callbacks/index.js"),
    tour: { look: ["`npx patterns invocations` for WebhookCallbackRouter and PaymentTracker: one tracker invocation per event id", "`npx patterns state PaymentTracker <invoice>`"] },
  },
  {
    name: "sync-to-async",
    title: "Convert sync tasks to async",
    category: "communication",
    summary: "wait for an upload's URL; when it is slow, have the workflow e-mail the link instead",
    guarantee:
      "The upload is a workflow that keeps running whether or not anyone waits. A caller that stops waiting asks resultAsEmail, which awaits the same durable promise; the e-mail is a journaled step, sent exactly once even across retries, crashes and repeated requests.",
    services: [DATA_UPLOADER],
    verbs: ["upload [--slow] [--timeout 5s] [--wait-email]"],
    worker: () => import("./services/sync-to-async/index.js"),
    cli: () => import("./commands/sync-to-async/index.js"),
    tour: {
      // the slow upload is the first to create a bucket: the worker dies while it uploads, the bucket step is replayed
      crash: { step: "create bucket", when: "after" },
      look: ["the [SIMULATED email] line in `npx patterns logs worker`: once", "the url promise in sys_promise"],
    },
  },
  {
    name: "payment-signals",
    title: "Payment signals",
    category: "communication",
    summary: "one handler waits for the payment provider's sync answer or its later webhook (awakeable)",
    guarantee:
      "processPayment passes an awakeable id to the provider and suspends on it only when the answer is 'processing'; the webhook resolves it, whichever comes first is handled by the same code. The provider gets an idempotency key drawn with ctx.rand, journaled, so a retried call — even after a crash before its answer was recorded — charges once.",
    services: [SIGNAL_PAYMENTS],
    verbs: ["pay signals --amount 109 [--delayed] [--decline] [--lost-response]"],
    worker: () => import("./services/payment-signals/index.js"),
    cli: () => import("./commands/payment-signals/index.js"),
    tour: {
      // "during": the step's result is not journaled, so the call to the provider really happens again — with the same key
      crash: { step: "stripe call", when: "during" },
      look: ["the [SIMULATED payment-provider] lines in `npx patterns logs worker`: the repeated request is answered from its idempotency store"],
    },
  },
  {
  name: "sagas",
  title: "Sagas: book a trip, or undo it",
  category: "orchestration",
  summary: "a trip booking (flight, car, payment) that, when a step fails for good, undoes the done steps newest first, each exactly once",
  guarantee:
    "The workflow keeps a list of undo actions as it goes: a reservation's cancel once the reservation exists, and the payment's " +
    "refund before the charge, under the same payment id. On a terminal error it runs that list backwards. Every step and every undo " +
    "is journaled, so a worker killed in the middle of the rollback resumes it where it stopped: finished undo actions are replayed " +
    "from the journal, not run again, and the simulated APIs are idempotent by booking/payment id for the one case a body could " +
    "run twice. Retryable errors are simply retried; they never trigger compensation.",
  services: ["BookingWorkflow", "Flights", "CarRentals"],
  verbs: ["saga book", "saga book --fail payment", 'saga book --fail payment --crash-after "Refund payment"', "saga show <trip>"],
  tour: {
    crash: { step: SAGA_RUN_STEPS.refund, when: "after" },
    look: [
      "npx patterns saga show <trip> for the steps and the compensations, newest first",
      "npx patterns timeline <the workflow's invocation id> to see which steps were replayed from the journal",
    ],
  },
    worker: () => import("./services/sagas/index.js"),
    cli: () => import("./commands/sagas/index.js"),
  },
  {
  name: "stateful-actors",
  title: "Stateful actors: a machine operator",
  category: "orchestration",
  summary: "machineOperator/{id} moves UP and DOWN; concurrent requests queue per machine, machines work in parallel, a failed transition resumes",
  guarantee:
    "A Virtual Object runs one exclusive handler per key at a time, in the order the requests arrived; other keys are not held up. " +
    "A transition is durable: its first step is journaled, the 5 s move is a durable timer, so a failure or a crash in the middle " +
    "retries the transition from the journal instead of starting it over, and the queued requests simply wait their turn.",
  services: ["machineOperator"],
  verbs: ["machine setup <id>", "machine teardown <id> --fail-once", "machine storm", "machine show <id>"],
  // the storm's requests race (like the seed's backgrounded curls), so a DOWN transition may not happen at all; every
  // run completes at least three UP transitions, and crashing after the last step leaves the injected failure's retry
  // (counted by the demo) already reported
  tour: { crash: { step: MACHINE_RUN_STEPS.completeUp, when: "after" }, look: ["npx patterns timeline --lanes --service machineOperator", "npx patterns invocations --service machineOperator"] },
    worker: () => import("./services/stateful-actors/index.js"),
    cli: () => import("./commands/stateful-actors/index.js"),
  },
  {
  name: "payment-state-machine",
  title: "Payment state machine",
  category: "orchestration",
  summary: "payments/{token} pays once, refunds on cancel, refuses after a cancel that came first, forgets the token on a durable timer; a storm stays consistent",
  guarantee:
    "Each payment token is a Virtual Object, so all requests for it are linearized: whatever the interleaving of concurrent makes " +
    "and cancels, the outcome is that of running them one at a time. The withdrawal is a call to the account object and the refund a " +
    "one-way message, both durable; the token's expiry is a delayed message Restate keeps on its timer.",
  services: ["payments", "accounts"],
  verbs: ["payment make <id>", "payment cancel <id>", "payment show <id>", "payment storm"],
  tour: { look: ["npx patterns payment show <id> --account <account>", "npx patterns state payments <id>"] },
    worker: () => import("./services/payment-state-machine/index.js"),
    cli: () => import("./commands/payment-state-machine/index.js"),
  },
  {
  name: "payment-reminders",
  title: "Scheduling tasks: payment reminders",
  category: "scheduling",
  summary: "a failed payment sends a reminder e-mail every (scaled) day, three times, then escalates; a payment stops them",
  guarantee:
    "The next reminder is a delayed call the handler sends to itself: a durable timer kept by Restate, not by the worker, " +
    "so it fires even if the worker was down meanwhile, and it does not hold the invoice's lock while it waits. " +
    "Each e-mail is a journaled step, sent once per reminder. A success marks the invoice paid and cancels the scheduled call.",
  services: [PAYMENT_TRACKER],
  verbs: ["reminders fail <invoice>", "reminders pay <invoice>", "reminders show <invoice>"],
  tour: { crash: { step: "send reminder email", when: "after" }, look: ["reminders show <invoice>", "patterns invocations"] },
    worker: () => import("./services/payment-reminders/index.js"),
    cli: () => import("./commands/payment-reminders/index.js"),
  },
  {
  name: "fan-out",
  title: "Parallelizing work: fan-out / fan-in",
  category: "scheduling",
  summary: "a task split on commas runs its subtasks as parallel child invocations; the total is about the slowest one",
  guarantee:
    "Every subtask is a durable call of its own: the parent starts them all, suspends, and gathers the results. " +
    "If the worker dies mid-way, the parent and each child resume from their journals, so the aggregate still holds every subtask once.",
  services: [FAN_OUT_WORKER],
  verbs: [`fanout "get out of bed,shower,make coffee,have breakfast"`],
  tour: { crash: { step: "finish subtask", when: "after" }, look: ["patterns invocations"] },
    worker: () => import("./services/fan-out/index.js"),
    cli: () => import("./commands/fan-out/index.js"),
  },
  {
  name: "user-feed",
  title: "Transactional event processing (user feed)",
  category: "events",
  summary: "Kafka posts → userFeed/{user}/processPost: a queue per user, durable steps and polling timers",
  guarantee:
    "Records reach the Virtual Object of their key in partition order. Restate runs one post per user at a time, so a user's " +
    "second post waits for the first, while other users' posts on the same partition go ahead (no head-of-line blocking). " +
    "The post is created in a durable step: after a crash the post id is recovered from the journal, not created again, and " +
    "the moderation poll resumes on its durable timer.",
  services: ["userFeed"],
  subscriptions: [{ topic: "social-media-posts", service: "userFeed", handler: "processPost" }],
  verbs: ['send-post <user> [content] [--pending n] [--follow]', "feed <user>", "produce social-media-posts 'userid1:{…}'"],
  tour: {
    crash: { step: "create post", when: "after" },
    look: [
      "the crashed post kept its post id: the ledger (simulated.ndjson in the state dir) has one \"create\" per post",
      "npx patterns feed <user>: each post once, in order",
    ],
  },
    worker: () => import("./services/user-feed/index.js"),
    cli: () => import("./commands/user-feed/index.js"),
  },
  {
  name: "package-tracker",
  title: "Event enrichment / joins (package tracker)",
  category: "events",
  summary: "package-tracker/{id}: registered over RPC, enriched by Kafka location events, read by a shared handler",
  guarantee:
    "One Virtual Object per package joins an RPC registration with a stream of Kafka location events; the joined state is " +
    "queryable at any time through a shared handler. An event for a package that was never registered fails terminally " +
    "(once, no retries, with a clear message) and does not hold up the records behind it.",
  services: ["package-tracker", "delivery-tracker"],
  subscriptions: [
    { topic: "package-location-updates", service: "package-tracker", handler: "updateLocation" },
    { topic: "delivery-location-updates", service: "delivery-tracker", handler: "setLocation" },
  ],
  verbs: ['package register <id> --to "<destination>"', 'package move <id> "<location>"', "package show <id> [--json]"],
  tour: { look: ["npx patterns package show <id>: destination and location history"] },
    worker: () => import("./services/package-tracker/index.js"),
    cli: () => import("./commands/package-tracker/index.js"),
  },
  {
  name: "durable-promises",
  title: "Durable promises",
  category: "custom",
  summary: "a promise that lives in Restate: awaiters in any process, before or after, get the one outcome; the first completion wins",
  guarantee:
    "A keyed object holds the outcome and the awakeable ids of the awaiters; it runs one call at a time per promise, so the first " +
    "resolve or reject wins and every later one gets the stored outcome. An awaiter is a suspended invocation, not a process: " +
    "it outlives restarts of the worker, of Restate and of the process that asked.",
  services: ["durablePromiseServer", "durablePromises"],
  verbs: ["promise await <name>", "promise resolve <name> <json>", "promise reject <name> <message>", "promise peek <name>"],
    worker: () => import("./services/durable-promises/index.js"),
    cli: () => import("./commands/durable-promises/index.js"),
  },
  {
  name: "priority-queue",
  title: "Priority queue",
  category: "custom",
  summary: "an object hands out permits as awakeables: at most N calls in flight, lowest priority number first, cancelled waiters removed",
  guarantee:
    "Each call of myService/expensiveMethod creates an awakeable, pushes it onto a queue object and suspends. The object resolves " +
    "awakeables while fewer than N are in flight, lowest priority number first (first come, first served within a priority). " +
    "A finished call gives its permit back; a cancelled waiter is dropped from the queue.",
  services: ["myService", "priorityQueue"],
  verbs: ["pq add --count 30 --priority 2", "pq status", "pq max <n>"],
    worker: () => import("./services/priority-queue/index.js"),
    cli: () => import("./commands/priority-queue/index.js"),
  },
  {
  name: "rate-limiter",
  title: "Rate limiting: token bucket",
  category: "custom",
  summary: "Limiter/{name} is a token bucket (limit per second, burst); LimitedTask/RunTask waits for a token on a durable timer",
  guarantee:
    "The bucket lives in a keyed object, so reservations are taken one at a time; its maths runs inside a journaled step, so a retry " +
    "takes the same decision. A task that has to wait sleeps on a durable timer rather than holding anything. " +
    "Before a rate is set, every call is refused with 429.",
  services: ["Limiter", "LimitedTask"],
  verbs: ["ratelimit set <limit> <burst>", "ratelimit run --count 10", "ratelimit status"],
    worker: () => import("./services/rate-limiter/index.js"),
    cli: () => import("./commands/rate-limiter/index.js"),
  },
  {
    name: "fix-forward",
    title: "Fix forward: pause, deploy the fix, resume",
    category: "custom",
    summary: "an order stuck retrying on a bug is paused, the fix deployed, and it resumes on the new code: the steps before the bug are replayed, not run again",
    guarantee:
      "An invocation that fails on a bug keeps retrying with its journal intact: the steps it finished are recorded and are not run " +
      "again. Paused, it waits untouched; resumed on a new deployment with the fix, it replays the recorded steps from the journal " +
      "(no second charge) and runs the rest on the new code. A completed invocation can be restarted as a new one from any step " +
      "(restart-as-new): the steps before it are copied and answered from the journal. Before a change is trusted, recorded " +
      "journals can be replayed against it: code that takes another path than the journal records fails with a journal mismatch.",
    services: [FIX_ORDERS],
    verbs: ["pause <invocation>", "resume <invocation> --on latest", 'rerun <invocation> --from "<step>"', "replay-check [pattern]"],
    tour: {
      look: [
        "`npx patterns timeline <the order>`: the failed attempts on the old deployment, the pause, then the steps before the bug REPLAYED on the new one",
        "`npx patterns replay-check <pattern>` after you change a pattern's code: does every recorded journal still replay?",
      ],
    },
    worker: () => import("./services/fix-forward/index.js"),
    cli: () => import("./commands/fix-forward/index.js"),
  },
];

/** The playground's own services, which are not patterns: hidden from `list`, the menu and (unless --all) the views. */
export interface InternalRecord {
  name: string;
  services: string[];
  subscriptions: KafkaSubscriptionSpec[];
  worker: () => Promise<WorkerSide>;
}

export const internal: InternalRecord[] = [
  // the health check (`doctor`), the crash demo (`tour crash-and-resume`, `kill-worker`), the versioning tour's
  // two-version handler and the lanes demo
  { name: "system", services: ["playground", "playgroundLane", "playgroundVersion"], subscriptions: [], worker: () => import("./services/system/index.js") },
  // `npm run bench`
  {
    name: "bench",
    services: ["BenchSink", "BenchRecovery", "BenchJournal"],
    subscriptions: [{ topic: "bench-events", service: "BenchSink", handler: "onEvent" }],
    worker: () => import("./services/bench/index.js"),
  },
  // the Go and Kotlin seeds' spellings of pattern services (README "Coming from the Go/Kotlin seed"), not in `list`
  {
    name: "seed-aliases",
    services: ["MachineOperator", "UserFeed", "PackageTracker"],
    subscriptions: [],
    worker: () => import("./services/seed-aliases/index.js"),
  },
  // `npm run chaos`
  {
    name: "chaos",
    services: ["chaosProof", "chaosRpc"],
    subscriptions: [{ topic: "chaos-events", service: "chaosProof", handler: "onEvent" }],
    worker: () => import("./services/chaos/index.js"),
  },
];

/** Every Kafka subscription the stack creates (plain data: the supervisor reads it without loading the SDK). */
export const allSubscriptions: KafkaSubscriptionSpec[] = [...patterns.flatMap((p) => p.subscriptions ?? []), ...internal.flatMap((i) => i.subscriptions)];

/** The name of every service the worker serves. */
export const allServiceNames: string[] = [...new Set([...patterns.flatMap((p) => p.services), ...internal.flatMap((i) => i.services)])];

export function findRecord(name: string): PatternRecord | undefined {
  return patterns.find((p) => p.name === name);
}
