// CONTRIBUTING's "Add a pattern" recipe, followed literally on a copy of the project: two new folders
// (src/services/<name>/, src/commands/<name>/) and one entry in src/services/registry.ts, nothing else. The copy is
// compiled with the project's own tsc, then its CLI and its worker catalogue must know the new pattern: `list`, the
// README table, `kill-worker --at-step` and its help, completion, and the services the endpoint serves.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, TIMEOUT } from "../helpers.js";

const run = promisify(execFile);
const NAME = "zz-throwaway";
const SERVICE = "zzThrowaway";
const STEP = "count the throwaway";

/** The two folders, as the recipe writes them. */
const FILES: Record<string, string> = {
  [`src/services/${NAME}/api.ts`]: `// The names the CLI and the worker share.\nexport const ZZ = "${SERVICE}";\n`,
  [`src/services/${NAME}/steps.ts`]: `// The named ctx.run steps.\nexport const steps: readonly string[] = ["${STEP}"];\n`,
  [`src/services/${NAME}/zz.ts`]: [
    "// A throwaway object that counts, for the add-a-pattern test.",
    'import * as restate from "@restatedev/restate-sdk";',
    'import { ZZ } from "./api.js";',
    "export const zz = restate.object({",
    "  name: ZZ,",
    `  handlers: { add: async (ctx: restate.ObjectContext, n: number) => ctx.run("${STEP}", () => n + 1) },`,
    "});",
    "",
  ].join("\n"),
  [`src/services/${NAME}/index.ts`]: '// What the worker serves.\nimport { zz } from "./zz.js";\n\nexport const services = [zz];\n',
  [`src/commands/${NAME}/verbs.ts`]: [
    "// The throwaway's one verb.",
    'import { verb, verbGroup, type Declaration } from "../verb.js";',
    "export const declarations: Declaration[] = [",
    '  verbGroup({ path: "zz", group: "patterns", summary: "the throwaway pattern" }),',
    '  verb({ path: "zz add", summary: "add one", args: [{ name: "<key>", description: "which counter" }], run: () => ({ ok: true }) }),',
    "];",
    "",
  ].join("\n"),
  [`src/commands/${NAME}/tour.ts`]: [
    "// The throwaway's scenario.",
    'import type { DemoContext, DemoResult } from "../../tours/types.js";',
    "export async function demo(_ctx: DemoContext): Promise<DemoResult> {",
    "  return { checks: [] };",
    "}",
    "",
  ].join("\n"),
  [`src/commands/${NAME}/index.ts`]: [
    "// How the CLI presents the throwaway pattern.",
    'import type { PatternInfo } from "../../tours/types.js";',
    "export const pattern: PatternInfo = {",
    '  title: "Throwaway counter", category: "custom", summary: "a counter added by the recipe", guarantee: "none",',
    '  verbs: ["zz add <key>"],',
    `  tour: { crash: { step: "${STEP}", when: "after" } },`,
    "};",
    'export { declarations } from "./verbs.js";',
    'export { demo } from "./tour.js";',
    "",
  ].join("\n"),
};

/** The one registry entry. */
const ENTRY = `  { name: "${NAME}", services: ["${SERVICE}"], subscriptions: [], worker: () => import("./${NAME}/index.js"), steps: () => import("./${NAME}/steps.js") },\n`;

let work = "";

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await run(process.execPath, [path.join(work, "bin", "patterns.js"), ...args], { cwd: work, env: { ...process.env, NO_COLOR: "1" } }).then(
    (ok) => ({ code: 0, ...ok }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  return { code: r.code, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe("adding a pattern is two folders and one registry entry", () => {
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), "add-pattern-"));
    for (const f of ["src", "bin", "kafka"]) cpSync(path.join(repoRoot, f), path.join(work, f), { recursive: true });
    for (const f of ["package.json", "tsconfig.json", "README.md"]) cpSync(path.join(repoRoot, f), path.join(work, f));
    symlinkSync(path.join(repoRoot, "node_modules"), path.join(work, "node_modules"), "dir");
    for (const [file, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      writeFileSync(path.join(work, file), text);
    }
    const registry = path.join(work, "src", "services", "registry.ts");
    const text = readFileSync(registry, "utf8");
    const marker = "export const patternWorkers: WorkerFolder[] = [\n";
    expect(text, "the worker registry's pattern list").toContain(marker);
    writeFileSync(registry, text.replace(marker, marker + ENTRY));
    // the project's own build of the copy: a type error in the recipe would fail here
    await run(process.execPath, [path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(work, "tsconfig.json")], { cwd: work });
  }, TIMEOUT.start);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(
    "`list --json` shows it with its title and services",
    async () => {
      const r = await cli("list", "--json");
      expect(r.code, r.stderr).toBe(0);
      const listed = (JSON.parse(r.stdout) as { patterns: { name: string; title: string; services: { name: string }[] | string[] }[] }).patterns.find((p) => p.name === NAME);
      expect(listed?.title).toBe("Throwaway counter");
      expect(JSON.stringify(listed?.services)).toContain(SERVICE);
    },
    TIMEOUT.cli,
  );

  it(
    "the README table generated from the registry has its row",
    async () => {
      const r = await cli("readme");
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`npx patterns tour ${NAME}`);
    },
    TIMEOUT.cli,
  );

  it(
    "`kill-worker --at-step` knows its step (help, validation) and completion offers the step and the verb",
    async () => {
      const help = await cli("kill-worker", "--help");
      expect(help.stdout).toMatch(new RegExp(`${NAME}\\s+"${STEP}"`));
      const unknown = await cli("kill-worker", "--at-step", "no such step", "--state-dir", path.join(work, ".patterns"));
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(`"${STEP}"`);
      const bash = await cli("completion", "bash");
      expect(bash.stdout).toContain(`'${STEP}'`);
      expect(bash.stdout).toMatch(/"zz"\) echo "add/);
    },
    TIMEOUT.cli,
  );

  it(
    "the worker's catalogue serves its service",
    async () => {
      const { stdout } = await run(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const { allServices } = await import(${JSON.stringify(path.join(work, "dist", "services", "catalog.js"))}); console.log(JSON.stringify(allServices.map((s) => s.name)));`,
        ],
        { cwd: work },
      );
      expect(JSON.parse(stdout)).toContain(SERVICE);
    },
    TIMEOUT.cli,
  );
});
