// `patterns demo <pattern>`: run a pattern's scenario for real and check its claims; exit 1 if a check fails.
import { findPattern, registry } from "../registry.js";
import type { RunningStack } from "../runtime/stack.js";
import { UsageError } from "../errors.js";
import { note } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import type { DemoResult } from "../tours/types.js";
import { verb } from "./verb.js";

export function renderChecks(result: DemoResult): string[] {
  return result.checks.map((x) => `${x.ok ? sym.ok : sym.fail} ${x.name}${x.detail ? c.dim(` — ${x.detail}`) : ""}`);
}

export const demo = verb({
  path: "demo",
  group: "play",
  summary: "run a pattern's scenario for real and check what it claims",
  args: [{ name: "<pattern>", description: "pattern name (see `npx patterns list`)" }],
  examples: ["npx patterns demo user-feed", "npx patterns demo sagas --json"],
  async run(ctx, name: string) {
    const p = findPattern(name);
    if (!p) throw new UsageError(`unknown pattern "${name}"`, `use one of: ${registry.map((x) => x.name).join(", ")}`);
    if (!ctx.json) note(`${c.bold(p.title)} ${c.dim(`— ${p.summary}`)}`);
    const stack: RunningStack = ctx.stack();
    const result = await p.demo({ stack, json: ctx.json, say: ctx.say });
    return { pattern: p.name, passed: result.checks.every((x) => x.ok), ...result };
  },
  render: (r) => [...renderChecks(r), r.passed ? c.ok(`all ${r.checks.length} checks passed`) : c.fail(`${r.checks.filter((x) => !x.ok).length} of ${r.checks.length} checks failed`)],
  exitCode: (r) => (r.passed ? 0 : 1),
});
