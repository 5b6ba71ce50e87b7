// The CLI side of a pattern made by `patterns new`: src/commands/<name>/{verbs,tour,index}.ts, as text. The verb
// calls the handler through the typed client built from its api.ts and prints the result (or one JSON document);
// the tour runs the same call and judges one claim about the journal from the timeline's verdicts.
import { SCAFFOLD_MARK, HANDLER } from "./worker-templates.js";
import type { Kind, Names } from "./names.js";

/** Where the generated CLI files import the playground's shared parts from (relative to src/commands/<name>/). */
export const CLI_IMPORTS = {
  tourTypes: "../../tours/types.js",
  scenario: "../../tours/scenario.js",
  claims: "../../tours/claims.js",
} as const;

/** The one-way call that starts the handler, through the typed client of its api.ts (what the test sends too). */
export function sendCall(n: Names, kind: Kind, client: string, who: string, idempotencyKey: string): string {
  if (kind === "service") return `${client}.serviceSendClient(${n.camel}Api).${HANDLER}({ who: ${who} }, sendOpts({ idempotencyKey: ${idempotencyKey} }))`;
  if (kind === "object") return `${client}.objectSendClient(${n.camel}Api, key).${HANDLER}({ who: ${who} }, sendOpts({ idempotencyKey: ${idempotencyKey} }))`;
  return `${client}.workflowClient(${n.camel}Api, key).workflowSubmit({ who: ${who} })`;
}

export function verbsTs(n: Names, kind: Kind): string {
  const keyed = kind !== "service";
  const keyWord = kind === "workflow" ? "workflow id" : "object key";
  return `// ${n.name} (${SCAFFOLD_MARK}): its verb. \`npx patterns ${n.name} [who]\` calls ${n.name}/${keyed ? "{key}/" : ""}${HANDLER} through
// the typed client (its api.ts), waits for the result and prints it; --json prints one document.
import { existsSync, rmSync } from "node:fs";
import { armCrash } from "../../runtime/crash.js";
import { readCrashArm } from "../../services/lib/crash.js";
import { callError, ingress${kind === "workflow" ? "" : ", sendOpts"} } from "../../runtime/ingress.js";
import type { RunningStack } from "../../runtime/stack.js";
import { UsageError } from "../../errors.js";
import { c, sym } from "../../ui/palette.js";
import { ${keyed ? "checkKeyArg, " : ""}ingressPath, randomSuffix } from "../lib/args.js";
import type { RawCall } from "../../ui/curl.js";
import { verb, type Declaration } from "../verb.js";
import { ${n.constant}, ${n.constant}_STEPS, ${n.camel}Api, type ${n.pascal}Result } from "../../services/${n.name}/api.js";

export interface ${n.pascal}Call {
  invocationId: string;
  who: string;${keyed ? `\n  /** the ${keyWord} */\n  key: string;` : ""}
  result: ${n.pascal}Result;
  /** --crash-after: the step the worker was killed after, and whether it was */
  crash?: { step: string; fired: boolean };
}

/** \`--crash-after " Prepare  X"\` → the step's own spelling; undefined when it is not one of its steps. */
export function ${n.camel}Step(raw: string): string | undefined {
  const want = raw.trim().replace(/\\s+/g, " ").toLowerCase();
  return Object.values(${n.constant}_STEPS).find((s) => s.toLowerCase() === want);
}

export function ${n.camel}RawCall(ingressUrl: string, who: string${keyed ? ", key: string" : ""}): RawCall {
  return { url: \`\${ingressUrl}\${ingressPath(${n.constant}${keyed ? ", key" : ""}, "${HANDLER}")}\`, body: { who } };
}

/** One call of ${n.name}, to its result. With crashAfter the worker is SIGKILLed once right after that step. */
export async function call${n.pascal}(stack: RunningStack, o: { who: string;${keyed ? " key: string;" : ""} crashAfter?: string }): Promise<${n.pascal}Call> {
  if (o.crashAfter) armCrash(stack.paths, { step: o.crashAfter, when: "after" });${keyed ? "\n  const key = o.key;" : ""}
  const client = ingress(stack.ingressUrl);${
    kind === "workflow"
      ? ""
      : `
  // Restate keeps the result of a one-way send for later only with an idempotency key
  const idempotencyKey = \`${n.name}-\${randomSuffix()}\`;`
  }
  try {
    const send = await ${sendCall(n, kind, "client", "o.who", "idempotencyKey")};
    const result = await client.result(send);
    const fired = !!o.crashAfter && !existsSync(stack.paths.crashArm);
    // a crash armed for a step this call never reached must not strike a later one
    if (o.crashAfter && readCrashArm(stack.paths.crashArm)?.step === o.crashAfter) rmSync(stack.paths.crashArm, { force: true });
    return { invocationId: send.invocationId, who: o.who,${keyed ? " key," : ""} result, ...(o.crashAfter ? { crash: { step: o.crashAfter, fired } } : {}) };
  } catch (e) {
    throw callError(e, \`calling \${${n.constant}}/${HANDLER}\`);
  }
}

export function render${n.pascal}(r: ${n.pascal}Call): string[] {
  const lines = [\`\${sym.ok} \${r.result.message} \${c.dim(\`(id \${r.result.id}, finished \${r.result.finishedAt})\`)}\`, \`  invocation \${c.id(r.invocationId)}\`];
  if (r.crash) lines.push(r.crash.fired ? \`\${sym.warn} the worker was killed after step "\${r.crash.step}"; the call still returned: the step was replayed from the journal\` : \`\${sym.dot} the crash after "\${r.crash.step}" did not fire\`);
  lines.push(c.dim(\`  its journal: npx patterns timeline \${r.invocationId}\`));
  return lines;
}

${declarationsTs(n, kind)}
`;
}

/** The verb's declaration: its arguments, its options and how it runs. */
function declarationsTs(n: Names, kind: Kind): string {
  const keyed = kind !== "service";
  const keyWord = kind === "workflow" ? "workflow id" : "object key";
  return `export const declarations: Declaration[] = [
  verb<{ crashAfter?: string;${keyed ? " key?: string;" : ""} }, ${n.pascal}Call>({
    path: "${n.name}",
    group: "patterns",
    summary: "call ${n.name}/${keyed ? "{key}/" : ""}${HANDLER}: two durable steps around a durable sleep (your pattern)",
    args: [{ name: "[who]", description: "who to greet", default: "world" }],
    options: [
      { flags: "--crash-after <step>", description: \`SIGKILL the worker once, right after this step: "\${${n.constant}_STEPS.first}" or "\${${n.constant}_STEPS.second}"\` },${keyed ? `\n      { flags: "--key <key>", description: "the ${keyWord} (default ${n.name}-<random>)" },` : ""}
    ],
    examples: [\`npx patterns ${n.name} Ada\`, \`npx patterns ${n.name} Ada --crash-after "\${${n.constant}_STEPS.first}"\`, \`npx patterns ${n.name} Ada --json\`],
    async run(ctx, who: string) {
      if (!who.trim()) throw new UsageError("[who] is empty", "for example npx patterns ${n.name} Ada");
      let crashAfter: string | undefined;
      if (ctx.opts.crashAfter !== undefined) {
        crashAfter = ${n.camel}Step(ctx.opts.crashAfter);
        if (!crashAfter) throw new UsageError(\`--crash-after "\${ctx.opts.crashAfter}" is not a step of ${n.name}\`, \`use "\${${n.constant}_STEPS.first}" or "\${${n.constant}_STEPS.second}"\`);
      }${keyed ? `\n      const key = ctx.opts.key === undefined ? \`${n.name}-\${randomSuffix()}\` : checkKeyArg(ctx.opts.key, "--key", "--key ${n.name}-1");` : ""}
      const stack = ctx.stack();
      ctx.equivalent(${n.camel}RawCall(stack.ingressUrl, who${keyed ? ", key" : ""}));
      return call${n.pascal}(stack, { who,${keyed ? " key," : ""} crashAfter });
    },
    render: render${n.pascal},
  }),
];`;
}

export function tourTs(n: Names, kind: Kind): string {
  const keyed = kind !== "service";
  return `// ${n.name} (${SCAFFOLD_MARK}): its scenario, run by \`npx patterns tour ${n.name}\` (with the worker killed right after
// its first step) and \`demo ${n.name}\`. It makes one call and judges one claim about the journal, computed from the
// timeline's verdicts: the sentence it prints and its check are one declaration (claims.ts).
import { type DemoContext, type DemoResult } from "${CLI_IMPORTS.tourTypes}";
import { guarded } from "${CLI_IMPORTS.scenario}";
import { appearsOnce, journalChecks } from "${CLI_IMPORTS.claims}";
import { ${n.constant}, ${n.constant}_STEPS } from "../../services/${n.name}/api.js";${keyed ? `\nimport { randomSuffix } from "../lib/args.js";` : ""}
import { call${n.pascal} } from "./verbs.js";

async function scenario(ctx: DemoContext): Promise<DemoResult> {
  const { first, second } = ${n.constant}_STEPS;
  ctx.say(\`call \${${n.constant}}/${HANDLER}: step "\${first}", a durable sleep of 1 s, step "\${second}"\`);
  const r = await call${n.pascal}(ctx.stack, { who: "Ada"${keyed ? `, key: \`tour-\${randomSuffix()}\`` : ""} });
  ctx.say(\`  \${r.result.message} (id \${r.result.id}, invocation \${r.invocationId})\`);
  // with or without the tour's crash (the tour then also checks it was replayed): in the journal once, its body run once
  const claim = appearsOnce(r.invocationId, first);
  ctx.say(\`  journal: \${claim.says}\`);
  return { checks: await journalChecks(ctx.stack, [claim]), data: { keyInvocation: r.invocationId, invocationId: r.invocationId, result: r.result } };
}

export const demo = (ctx: DemoContext): Promise<DemoResult> => guarded("${n.name}", scenario, ctx);
`;
}

/** How `list`, the menu, the tour and the README present it (the README's table leaves it out: it is yours). */
export interface Presentation {
  title: string;
  summary: string;
  guarantee: string;
  verbs: string[];
  crashStep?: string;
  look?: string[];
}

const q = JSON.stringify;

export function patternInfoLines(p: Presentation): string[] {
  const tour = [p.crashStep ? `crash: { step: ${q(p.crashStep)}, when: "after" }` : "", p.look?.length ? `look: ${q(p.look)}` : ""].filter(Boolean).join(", ");
  return [
    `export const pattern: PatternInfo = {`,
    `  title: ${q(p.title)},`,
    `  category: "custom",`,
    `  scaffolded: true,`,
    `  summary: ${q(p.summary)},`,
    `  guarantee: ${q(p.guarantee)},`,
    `  verbs: ${q(p.verbs)},`,
    ...(tour ? [`  tour: { ${tour} },`] : []),
    `};`,
  ];
}

export function cliIndexTs(n: Names, p: Presentation): string {
  return `// ${n.name} (${SCAFFOLD_MARK}): what it adds to the CLI: how \`list\`, the menu and the tour present it, its verb
// and its scenario (demo and tour). Its worker side is src/services/${n.name}/, registered in src/services/registry.ts.
import type { PatternInfo } from "${CLI_IMPORTS.tourTypes}";

${patternInfoLines(p).join("\n")}

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
`;
}
