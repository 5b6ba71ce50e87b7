// The contract between a pattern group (src/services/<group>/index.ts) and the endpoint / stack.
import type * as restate from "@restatedev/restate-sdk";

export interface KafkaSubscriptionSpec {
  /** Kafka topic, declared in kafka/asyncapi.yaml */
  topic: string;
  /** Restate service (or object) name */
  service: string;
  handler: string;
}

export interface PatternGroup {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  services: (restate.ServiceDefinition<string, any> | restate.VirtualObjectDefinition<string, any> | restate.WorkflowDefinition<string, any>)[];
  subscriptions: KafkaSubscriptionSpec[];
}
