// The crash test `patterns new` writes for a pattern (test/e2e/<name>.test.ts), as text. It is written with the
// testing module (src/testing) the way a user's own test would be: a private stack, a crash armed right after the
// first step, one call through the typed client, and the timeline's verdicts.
import { SCAFFOLD_MARK } from "./worker-templates.js";
import { sendCall } from "./cli-templates.js";
import type { Kind, Names } from "./names.js";

export function testTs(n: Names, kind: Kind): string {
  const keyed = kind !== "service";
  const call = sendCall(n, kind, "client", `"Ada"`, "`test-${randomUUID()}`");
  return `// ${n.name}'s crash test (${SCAFFOLD_MARK}). A private stack (the real restate-server and worker, no Docker), the
// worker killed right after the first step, one call: the first step must be replayed from the journal, not run
// again, and the output must carry the result that step journaled before the crash. Do the first step's work
// outside ctx.run and this test fails: nothing is journaled, so the retry draws a new id.
// Run it: npx vitest run test/e2e/${n.name}.test.ts
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashRestarts, ${kind === "workflow" ? "" : "sendOpts, "}startTestStack, stepValue, stepVerdict, type TestStack } from "../../src/testing/index.js";
import { ${n.constant}_STEPS, ${n.camel}Api } from "../../src/services/${n.name}/api.js";

let stack: TestStack | undefined;

function s(): TestStack {
  if (!stack) throw new Error("the test stack did not start (see beforeAll)");
  return stack;
}

beforeAll(async () => {
  stack = await startTestStack();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 300_000);

describe("${n.name} survives a crash of the worker", () => {
  // the send carries an idempotency key: Restate keeps a one-way call's result for \`client.result\` only then
  it(\`replays "\${${n.constant}_STEPS.first}" from the journal after a crash right after it, and returns what it journaled\`, async () => {
    const client = s().ingress();${keyed ? `\n    const key = \`test-\${randomUUID().slice(0, 8)}\`;` : ""}
    const workerBefore = s().workerPid();
    s().armCrash(${n.constant}_STEPS.first, { when: "after" });

    const send = await ${call};
    const output = await client.result(send);
    const t = await s().timeline(send.invocationId);

    expect(stepVerdict(t, ${n.constant}_STEPS.first), "the first step: replayed from the journal, its body not run again").toBe("replayed");
    expect(crashRestarts(t), "the worker crashed and the invocation went on in the restarted one").toBeGreaterThanOrEqual(1);
    expect(s().workerPid(), "the supervisor restarted the worker").not.toBe(workerBefore);
    expect(stepVerdict(t, ${n.constant}_STEPS.second), "the second step ran once, after the restart").toBe("live");
    expect(output.id, "the output carries the id the first step journaled before the crash").toBe(stepValue(t, ${n.constant}_STEPS.first));
  });
});
`;
}
