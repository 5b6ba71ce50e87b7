// The steps `kill-worker --at-step` accepts come from each worker folder's steps.ts. This test reads what the handlers
// really pass to ctx.run, with TypeScript's checker (a literal, a constant, or a union of constants all have a literal
// type), and requires each folder's steps.ts to list exactly those names: a step added, renamed or removed in a handler
// without its steps.ts fails here, and so does a step name that is not a constant (it could not be armed by name) unless
// it is built at run time from a template (numbered steps, never armed by name).
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CRASH_STEPS, CRASH_STEPS_BY_FOLDER, crashStepName } from "../../src/commands/timeline/steps.js";
import { workerFolders } from "../../src/services/registry.js";
import { repoRoot } from "../helpers.js";

const servicesDir = path.join(repoRoot, "src", "services");

/** Every ctx.run call in src/services: its folder, where it is, and the literal names its first argument can have. */
interface RunCall {
  folder: string;
  where: string;
  /** the literal names the first argument can have; undefined when its type is a plain string */
  names: string[] | undefined;
  /** a name built at run time from a template (the bench's "step 1", "step 2", …): never armed by name */
  generated: boolean;
}

function runCalls(): RunCall[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(repoRoot, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const roots = config.fileNames.filter((f) => path.resolve(f).startsWith(servicesDir + path.sep));
  const program = ts.createProgram(roots, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const calls: RunCall[] = [];
  for (const sf of program.getSourceFiles()) {
    const file = path.resolve(sf.fileName);
    if (!file.startsWith(servicesDir + path.sep)) continue;
    const rel = path.relative(servicesDir, file);
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === "run" &&
        node.expression.expression.getText(sf) === "ctx" &&
        node.arguments.length >= 2
      ) {
        const seen = checker.getTypeAtLocation(node.arguments[0]!);
        const type = checker.getBaseConstraintOfType(seen) ?? seen;
        const parts = type.isUnion() ? type.types : [type];
        const names = parts.every((t) => t.isStringLiteral()) ? parts.map((t) => (t as ts.StringLiteralType).value) : undefined;
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        calls.push({ folder: rel.split(path.sep)[0]!, where: `${rel}:${line}`, names, generated: ts.isTemplateExpression(node.arguments[0]!) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return calls;
}

describe("kill-worker --at-step steps come from the worker folders", () => {
  const calls = runCalls();

  it("the scan finds the handlers' steps (recovery, saga, fan-out, a constant-named one)", () => {
    const found = calls.flatMap((c) => c.names ?? []);
    expect(found).toEqual(expect.arrayContaining(["prepare", "Reserve car", "split task", "create post", "expensive computation"]));
  });

  it("every step name is a constant, and every folder's steps.ts lists exactly the names its handlers use", async () => {
    const problems: string[] = [];
    for (const w of workerFolders) {
      const mine = calls.filter((c) => c.folder === w.name);
      const listed = w.steps ? [...(await w.steps()).steps] : undefined;
      if (!listed) {
        // a folder without steps.ts may only name its steps at run time (the bench's numbered ones)
        for (const c of mine.filter((c) => c.names)) problems.push(`${c.where}: names a step, but ${w.name} has no steps.ts in the worker's registry`);
        continue;
      }
      for (const c of mine.filter((c) => !c.names && !c.generated)) problems.push(`${c.where}: the step's name is not a constant, so it cannot be armed by name`);
      const used = new Set(mine.flatMap((c) => c.names ?? []));
      for (const n of used) if (!listed.includes(n)) problems.push(`${w.name}: "${n}" is run but not in src/services/${w.name}/steps.ts`);
      for (const n of listed) if (!used.has(n)) problems.push(`${w.name}: "${n}" is in steps.ts but no handler runs it`);
    }
    const outside = calls.filter((c) => !workerFolders.some((w) => w.name === c.folder) && c.names);
    for (const c of outside) problems.push(`${c.where}: a named step outside the registered worker folders`);
    expect(problems).toEqual([]);
  });

  it("the CLI's list is the folders' lists", () => {
    expect(Object.keys(CRASH_STEPS_BY_FOLDER)).toEqual(workerFolders.filter((w) => w.steps).map((w) => w.name));
    expect(CRASH_STEPS).toEqual(expect.arrayContaining(["prepare", "Refund payment", "finish subtask", "record rpc"]));
  });

  it("names are matched without regard to case or runs of spaces, and only whole names", () => {
    expect(crashStepName("prepare")).toBe("prepare");
    expect(crashStepName("  reserve   CAR ")).toBe("Reserve car");
    expect(crashStepName("complete transition to up")).toBe("complete transition to UP");
    expect(crashStepName("prep")).toBeUndefined();
    expect(crashStepName("nosuch")).toBeUndefined();
  });
});
