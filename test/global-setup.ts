// The e2e project's one shared stack: restate-server, the broker and the worker on free loopback ports in a temp state
// dir, started and stopped through the CLI itself (startStack). Test files reach it through stack() in helpers.ts.
// The unit project has no global setup: it never starts a stack.
import type { TestProject } from "vitest/node";
import { startStack, type StartedStack } from "../src/lab/stack.js";
import type { SharedStackInfo } from "./helpers.js";
import { stopChecked } from "./stop-checked.js";

let shared: StartedStack | undefined;

export async function setup(project: TestProject): Promise<void> {
  shared = await startStack({ prefix: "test" });
  const { stateDir, ingressUrl, adminUrl, ports, brokers } = shared;
  const info: SharedStackInfo = { stateDir, ingressUrl, adminUrl, ports, brokers };
  project.provide("stack", info);
}

export async function teardown(): Promise<void> {
  // a failed stop throws, keeping the state dir so the processes can still be stopped by hand; a process or port
  // left behind fails the run
  await stopChecked(shared);
}
