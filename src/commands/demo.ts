// `patterns demo <pattern>`: run a pattern's scenario for real and check its claims; exit 1 if a check fails.
import type { Command } from "commander";
import { findPattern, registry } from "../patterns/registry.js";
import { requireStack } from "../runtime/stack.js";
import { UsageError } from "../errors.js";
import { examples, globals } from "./common.js";
import { note, out, printJson } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import type { DemoResult, PatternEntry } from "../patterns/types.js";

export async function runDemo(p: PatternEntry, o: { stateDir?: string; json?: boolean }): Promise<DemoResult> {
  const stack = requireStack(o.stateDir);
  return p.demo({ stack, json: !!o.json, say: (l) => (o.json ? undefined : note(l)) });
}

export function renderChecks(result: DemoResult): string[] {
  return result.checks.map((x) => `${x.ok ? sym.ok : sym.fail} ${x.name}${x.detail ? c.dim(` — ${x.detail}`) : ""}`);
}

export function register(program: Command): void {
  program
    .command("demo")
    .argument("<pattern>", "pattern name (see `patterns list`)")
    .description("run a pattern's scenario for real and check what it claims")
    .addHelpText("after", examples("npx patterns demo user-feed", "npx patterns demo sagas --json"))
    .action(async (name: string, _o, command: Command) => {
      const o = globals(command);
      const p = findPattern(name);
      if (!p) throw new UsageError(`unknown pattern "${name}"`, `use one of: ${registry.map((x) => x.name).join(", ")}`);
      if (!o.json) note(`${c.bold(p.title)} ${c.dim(`— ${p.summary}`)}`);
      const result = await runDemo(p, o);
      const passed = result.checks.every((x) => x.ok);
      if (o.json) printJson({ pattern: p.name, passed, ...result });
      else {
        for (const l of renderChecks(result)) out(l);
        out(passed ? c.ok(`all ${result.checks.length} checks passed`) : c.fail(`${result.checks.filter((x) => !x.ok).length} of ${result.checks.length} checks failed`));
      }
      if (!passed) process.exitCode = 1;
    });
}
