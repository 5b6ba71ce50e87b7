// The worker side of a pattern made by `patterns new`: src/services/<name>/{api,schema,steps,<name>,index}.ts, as text. One
// handler of the chosen kind: a first ctx.run step whose result cannot be computed again (a random id), a durable
// sleep, a second step. The step names are constants of api.ts; steps.ts lists them, which is where the CLI finds
// them (kill-worker --at-step, completion) through the worker's registry.
import { stepNames, type Kind, type Names } from "./names.js";

/** The first line of every generated file: `patterns new --remove` takes out only folders that carry it. */
export const SCAFFOLD_MARK = "scaffolded by `npx patterns new`";

const CONTEXT: Record<Kind, string> = { service: "restate.Context", object: "restate.ObjectContext", workflow: "restate.WorkflowContext" };
const DEFINE: Record<Kind, string> = { service: "restate.service", object: "restate.object", workflow: "restate.workflow" };
/** a workflow's main handler must be called `run`; the others use the same name so every kind reads alike */
export const HANDLER = "run";

const HANDLER_OF: Record<Kind, string> = { service: "restate.handlers.handler", object: "restate.handlers.object.exclusive", workflow: "restate.handlers.workflow.workflow" };

export function apiTs(n: Names, kind: Kind): string {
  const s = stepNames(n.name);
  const call = kind === "service" ? `serviceClient(${n.camel}Api)` : kind === "object" ? `objectClient(${n.camel}Api, key)` : `workflowClient(${n.camel}Api, key)`;
  return `// ${n.name} (${SCAFFOLD_MARK}): its contract. The service name, the step names, the result type and the typed
// definition that the CLI, its tour and its test call it through. Only a type comes from the definition, so loading
// this file loads no SDK.
import type { ${n.camel} } from "./${n.name}.js";
import { contract } from "../lib/contract.js";
export type { ${n.pascal}Request } from "./schema.js";

export const ${n.constant} = "${n.name}";

/** Its ctx.run steps, in the order they run. */
export const ${n.constant}_STEPS = { first: "${s.first}", second: "${s.second}" } as const;

/** What ${n.name}/${kind === "service" ? "" : "{key}/"}${HANDLER} returns: \`id\` is the first step's result, drawn at random, so a step run twice would show a new one. */
export interface ${n.pascal}Result {
  id: string;
  message: string;
  finishedAt: string;
}

/** The typed definition callers use: ingress(url).${call}.${kind === "workflow" ? "workflowSubmit" : HANDLER}({ who }) */
export const ${n.camel}Api = contract<typeof ${n.camel}>(${n.constant});
`;
}

export function schemaTs(n: Names, kind: Kind): string {
  return `// ${n.name} (${SCAFFOLD_MARK}): its payloads, declared once: the worker's serde checks them (validInput), the
// CLI and the test build them. A bad body is refused with a one-line 400 before the handler runs.
import { z } from "zod";

/** The input of ${n.name}/${kind === "service" ? "" : "{key}/"}${HANDLER}: whom to greet. */
export const ${n.pascal}RequestSchema = z.object({ who: z.string({ error: "expected a string" }).trim().min(1, { error: "expected a non-empty name" }) }, { error: 'expected an object like {"who":"Ada"}' });
export type ${n.pascal}Request = z.output<typeof ${n.pascal}RequestSchema>;
`;
}

export function handlerTs(n: Names, kind: Kind): string {
  const keyed = kind !== "service";
  const stateLines =
    kind === "object"
      ? `\n      // a Virtual Object keeps state per key, and runs one call per key at a time
      const count = ((await ctx.get<number>("greetings")) ?? 0) + 1;
      ctx.set("greetings", count);`
      : "";
  return `// ${n.name} (${SCAFFOLD_MARK}): a Restate ${kind}${keyed ? " (keyed)" : ""} with two durable steps and a durable sleep.
// Driven by \`npx patterns ${n.name}\`; its crash test is test/e2e/${n.name}.test.ts. Change it and save: under
// \`npx patterns start --watch\` it is a new deployment in a moment.
import { randomUUID } from "node:crypto";
import * as restate from "@restatedev/restate-sdk";
import { validInput } from "../lib/schema.js";
import { ${n.pascal}RequestSchema, type ${n.pascal}Request } from "./schema.js";
import { ${n.constant}, ${n.constant}_STEPS, type ${n.pascal}Result } from "./api.js";

export const ${n.camel} = ${DEFINE[kind]}({
  name: ${n.constant},
  description: "${n.name}: two durable steps around a durable sleep (${SCAFFOLD_MARK})",
  handlers: {
    // the input is checked by its schema (./schema.ts) before the handler runs: a bad body is a 400, not a retry
    ${HANDLER}: ${HANDLER_OF[kind]}({ input: validInput(${n.pascal}RequestSchema) }, async (ctx: ${CONTEXT[kind]}, { who }: ${n.pascal}Request): Promise<${n.pascal}Result> => {
      // Step 1: work whose result cannot be computed again (a random id). Inside ctx.run its result is journaled:
      // a retry after a crash takes it from the journal instead of running the body again.
      const id = await ctx.run(${n.constant}_STEPS.first, () => randomUUID().slice(0, 8));${stateLines}
      // A durable sleep: the timer is kept by Restate, not by this process, so it survives a crash of the worker.
      await ctx.sleep({ seconds: 1 });
      // Step 2: runs once the sleep is over, on whichever worker is up by then.
      const finishedAt = await ctx.run(${n.constant}_STEPS.second, () => new Date().toISOString());
      return { id, message: \`Hello, \${who}!${kind === "object" ? ` (greeting \${count} for \${ctx.key})` : kind === "workflow" ? ` (workflow \${ctx.key})` : ""}\`, finishedAt };
    }),
  },
});
`;
}

export function workerIndexTs(n: Names): string {
  return `// ${n.name} (${SCAFFOLD_MARK}): what the worker serves of it.
import { ${n.camel} } from "./${n.name}.js";

export const services = [${n.camel}];
`;
}

export function stepsTs(n: Names): string {
  return `// ${n.name} (${SCAFFOLD_MARK}): its named ctx.run steps, where \`kill-worker --at-step\` can arm a crash.
import { ${n.constant}_STEPS } from "./api.js";

export const steps: readonly string[] = Object.values(${n.constant}_STEPS);
`;
}
