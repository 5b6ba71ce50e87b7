// The steps `kill-worker --at-step` accepts are every named ctx.run step of the worker's services: read the sources,
// so that a step added or renamed in a service without updating src/commands/timeline/steps.ts fails here.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CRASH_STEPS, crashStepName } from "../../src/commands/timeline/steps.js";

const servicesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "services");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** `ctx.run("name", …)` with a literal name, per file (the benchmark's generated `step ${i}` names are not literals). */
function literalRunSteps(): { file: string; step: string }[] {
  return sources(servicesDir).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/\bctx\.run\(\s*"([^"]+)"/g)].map((m) => ({ file: path.relative(servicesDir, file), step: m[1]! })),
  );
}

describe("kill-worker --at-step steps", () => {
  it("the services name at least the steps of the recovery, saga and fan-out patterns (the scan finds them)", () => {
    const found = literalRunSteps().map((x) => x.step);
    expect(found).toEqual(expect.arrayContaining(["split task", "finish subtask", "create post"]));
  });

  it("every literal ctx.run step of a pattern service is in the list", () => {
    const missing = literalRunSteps().filter((x) => !x.file.startsWith("bench/") && !CRASH_STEPS.includes(x.step));
    expect(missing, `steps not in src/commands/timeline/steps.ts: ${missing.map((m) => `"${m.step}" (${m.file})`).join(", ")}`).toEqual([]);
  });

  it("names are matched without regard to case or runs of spaces, and only whole names", () => {
    expect(crashStepName("prepare")).toBe("prepare");
    expect(crashStepName("  reserve   CAR ")).toBe("Reserve car");
    expect(crashStepName("complete transition to up")).toBe("complete transition to UP");
    expect(crashStepName("prep")).toBeUndefined();
    expect(crashStepName("nosuch")).toBeUndefined();
  });

  it("every listed step is a name the services still use (no stale entry)", () => {
    const text = sources(servicesDir).map((f) => readFileSync(f, "utf8")).join("\n");
    const stale = CRASH_STEPS.filter((s) => !text.includes(`"${s}"`));
    expect(stale, `listed but not found in src/services: ${stale.join(", ")}`).toEqual([]);
  });
});
