// `patterns new <name> --from <pattern>`: a copy of an existing pattern's two folders under a new name, with every
// Restate service it defines renamed `<name>-<service>` and its verbs moved under `<name>`, so the copy is served
// and called beside the original without a clash. The text rewriting is plain string work on the copied sources.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { SCAFFOLD_MARK } from "./worker-templates.js";
import type { FileText } from "./plan.js";

export interface FromPattern {
  name: string;
  /** the Restate services its worker folder defines (not those of other patterns it calls) */
  services: string[];
  /** its ctx.run step names (its steps.ts) */
  steps: string[];
  /** the first words of its verbs ("saga" for `saga book`) */
  verbRoots: string[];
  /** services of other patterns it calls (in its registry entry, not defined by its folder): not copied, so shared */
  calls?: string[];
  /** files of its folder the stack runs from the original's path (the seed's client app): the copy's are not run */
  runByStack?: string[];
}

/** What a copy shares with the original or does not get, said when it is made (and in its --json, as notes). */
export function copyNotes(from: FromPattern, to: string): string[] {
  return [
    ...(from.calls ?? []).map((s) => `${s} belongs to another pattern and is not copied: ${to} calls the same ${s} as ${from.name} does`),
    ...(from.runByStack ?? []).map(
      (f) => `${f} is run by the stack from ${from.name}'s folder, not served as a Restate service: ${to}'s copy of it is not run (the running one calls ${from.name}'s services)`,
    ),
  ];
}

/** A verb root's name in the copy: the copy's name, or `<name>-<root>` when the pattern has several roots. */
export function copiedRoot(from: FromPattern, to: string, root: string): string {
  return from.verbRoots.length === 1 ? to : `${to}-${root}`;
}

function filesUnder(root: string, rel: string): string[] {
  const dir = path.join(root, rel);
  return readdirSync(dir).flatMap((f) => {
    const r = `${rel}/${f}`;
    return statSync(path.join(root, r)).isDirectory() ? filesUnder(root, r) : [r];
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One copied file's text for the copy: imports of the pattern's folders, service names, verbs, its name. */
export function rewrite(text: string, from: FromPattern, to: string): string {
  let t = text.replaceAll(`/services/${from.name}/`, `/services/${to}/`).replaceAll(`/commands/${from.name}/`, `/commands/${to}/`);
  for (const s of from.services) {
    // a service name as a whole string literal, or as a segment of a URL or of a template literal
    t = t.replace(new RegExp(`(["'\`/])${escape(s)}(?=["'\`/])`, "g"), `$1${to}-${s}`);
  }
  for (const root of from.verbRoots) {
    const copied = copiedRoot(from, to, root);
    t = t.replace(new RegExp(`(npx patterns )${escape(root)}(?=[ "'\`])`, "g"), `$1${copied}`);
    // the CLI run as a child process (a tour's second terminal): [cliPath, "<root>", …]
    t = t.replace(new RegExp(`(cliPath,\\s*)(["'])${escape(root)}\\2`, "g"), `$1$2${copied}$2`);
    // a verb's path and the verbs a pattern lists: strings that start with the root, on the lines that declare them
    t = t
      .split("\n")
      .map((line) => (/\b(path|verbs|examples):/.test(line) || /^\s+["'`]/.test(line) ? line.replace(new RegExp(`(["'\`])${escape(root)}(?=[ "'\`])`, "g"), `$1${copied}`) : line))
      .join("\n");
  }
  // a verb's aliases belong to the original (`ratelimit` is also `limit`): two commands cannot share one
  t = t.replace(/\baliases:\s*\[[^\]]*\],?\s*/g, "");
  return t.replaceAll(`"${from.name}"`, `"${to}"`);
}

/** The copy's presentation (its CLI index.ts): its own title, and marked as made by `patterns new`. */
export function rewritePresentation(text: string, to: string): string {
  return text
    .replace(/^(export const pattern: PatternInfo = \{)$/m, "$1\n  scaffolded: true,")
    .replace(/^( {2}title: )"((?:[^"\\]|\\.)*)",$/m, (_m, head: string, title: string) => `${head}${JSON.stringify(`${JSON.parse(`"${title}"`)} (copy: ${to})`)},`);
}

/** Every file of the two folders, rewritten, each opening with the scaffold mark. */
export function copyPlan(root: string, from: FromPattern, to: string): FileText[] {
  const files = [...filesUnder(root, `src/services/${from.name}`), ...filesUnder(root, `src/commands/${from.name}`)].filter((f) => f.endsWith(".ts"));
  return files.map((f) => {
    const text = rewrite(readFileSync(path.join(root, f), "utf8"), from, to);
    return {
      path: f.replace(`src/services/${from.name}/`, `src/services/${to}/`).replace(`src/commands/${from.name}/`, `src/commands/${to}/`),
      text: `// ${to}: a copy of ${from.name} (${SCAFFOLD_MARK} --from ${from.name}), its services renamed ${to}-<service>.\n${f === `src/commands/${from.name}/index.ts` ? rewritePresentation(text, to) : text}`,
    };
  });
}

/** The copy's test: its tour, run on a private stack, must pass (what a copied scenario checks is its own). */
export function fromTestTs(to: string, from: string): string {
  return `// ${to}'s test (${SCAFFOLD_MARK} --from ${from}): its tour on a private stack (no Docker) must pass, the worker
// crash it arms included. Run it: npx vitest run test/e2e/${to}.test.ts
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../../src/testing/index.js";

let stack: TestStack | undefined;

beforeAll(async () => {
  stack = await startTestStack({ args: [] });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 300_000);

describe("${to}", () => {
  it("its tour passes", async () => {
    const r = await stack!.cli(["tour", "${to}", "--yes", "--json"], { timeoutMs: 300_000 });
    const report = JSON.parse(r.stdout) as { passed: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.checks.filter((c) => !c.ok), r.stderr).toEqual([]);
    expect(report.passed).toBe(true);
  });
});
`;
}
