// The worker side of a pattern made by `patterns new`: src/services/<name>/{api,steps,<name>,index}.ts, as text. One
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

export function apiTs(n: Names, kind: Kind): string {
  const s = stepNames(n.name);
  return `// ${n.name} (${SCAFFOLD_MARK}): its contract. The service name, the step names and the payloads that the
// CLI, its tour and its test share, and the type the typed client (@restatedev/restate-sdk-clients) is built from.
// Only a type comes from the definition, so loading this file loads no SDK.
import type { ${n.camel} } from "./${n.name}.js";

export const ${n.constant} = "${n.name}";

/** Its ctx.run steps, in the order they run. */
export const ${n.constant}_STEPS = { first: "${s.first}", second: "${s.second}" } as const;

/** The input of ${n.name}/${kind === "service" ? "" : "{key}/"}${HANDLER}. */
export interface ${n.pascal}Request {
  who: string;
}

/** What it returns: \`id\` is the first step's result, drawn at random, so a step run twice would show a new one. */
export interface ${n.pascal}Result {
  id: string;
  message: string;
  finishedAt: string;
}

/** The Restate ${kind} definition's type: \`ingress.${kind === "service" ? "serviceSendClient" : kind === "object" ? "objectSendClient" : "workflowClient"}<${n.pascal}>({ name: ${n.constant} }${kind === "service" ? "" : ", key"})\`. */
export type ${n.pascal} = typeof ${n.camel};
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
import { ${n.constant}, ${n.constant}_STEPS, type ${n.pascal}Request, type ${n.pascal}Result } from "./api.js";
import { asObject, requireString } from "../lib/validate.js";

const EXPECTED = \`{"who": string}\`;

export const ${n.camel} = ${DEFINE[kind]}({
  name: ${n.constant},
  description: "${n.name}: two durable steps around a durable sleep (${SCAFFOLD_MARK})",
  handlers: {
    ${HANDLER}: async (ctx: ${CONTEXT[kind]}, request: ${n.pascal}Request): Promise<${n.pascal}Result> => {
      const who = requireString(asObject(request, EXPECTED), "who", EXPECTED);
      // Step 1: work whose result cannot be computed again (a random id). Inside ctx.run its result is journaled:
      // a retry after a crash takes it from the journal instead of running the body again.
      const id = await ctx.run(${n.constant}_STEPS.first, () => randomUUID().slice(0, 8));${stateLines}
      // A durable sleep: the timer is kept by Restate, not by this process, so it survives a crash of the worker.
      await ctx.sleep({ seconds: 1 });
      // Step 2: runs once the sleep is over, on whichever worker is up by then.
      const finishedAt = await ctx.run(${n.constant}_STEPS.second, () => new Date().toISOString());
      return { id, message: \`Hello, \${who}!${kind === "object" ? ` (greeting \${count} for \${ctx.key})` : kind === "workflow" ? ` (workflow \${ctx.key})` : ""}\`, finishedAt };
    },
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
