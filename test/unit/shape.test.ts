// The code's one shape, checked: a pattern is two folders (src/services/<name>/, src/commands/<name>/) and one
// registry entry (src/services/registry.ts; the CLI finds the CLI folder by its name); the registry's plain data
// agrees with what the folders really define; only the observation layer writes SQL against Restate's tables; the
// layer rules (dependency-cruiser) cover every file.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { patternEntries as patterns } from "../../src/registry.js";
import { allServiceNames, allSubscriptions, playgroundWorkers, workerFolders } from "../../src/services/registry.js";
import { produce } from "../../src/commands/produce.js";
import { repoRoot } from "../helpers.js";

const src = path.join(repoRoot, "src");
const dirs = (d: string) => readdirSync(path.join(src, d)).filter((f) => statSync(path.join(src, d, f)).isDirectory());
const files = (d: string): string[] =>
  readdirSync(d).flatMap((f) => {
    const p = path.join(d, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });

// folders beside the patterns' that are shared by several of them, or the playground's own (not patterns)
const SHARED_SERVICES = ["lib", "simulations", ...playgroundWorkers.map((i) => i.name)];
const SHARED_COMMANDS = ["lib", "interactive", "timeline", "tours"];

interface Layer {
  name: string;
  path: string;
}

describe("a pattern is two folders and one registry entry", () => {
  it("every registered pattern has its worker folder and its CLI folder", () => {
    const missing = patterns.flatMap((p) =>
      [`services/${p.name}/index.ts`, `commands/${p.name}/index.ts`, `commands/${p.name}/verbs.ts`, `commands/${p.name}/tour.ts`].filter((f) => !existsSync(path.join(src, f))),
    );
    expect(missing).toEqual([]);
  });

  it("every pattern folder belongs to a registered pattern", () => {
    const names = new Set(patterns.map((p) => p.name));
    expect(dirs("services").filter((d) => !names.has(d) && !SHARED_SERVICES.includes(d))).toEqual([]);
    expect(dirs("commands").filter((d) => !names.has(d) && !SHARED_COMMANDS.includes(d))).toEqual([]);
  });

  it("the registry's service names are what the worker folders define, and its subscriptions point at served handlers", async () => {
    const served = new Map<string, string[]>();
    for (const p of workerFolders) {
      for (const s of (await p.worker()).services)
        served.set(
          s.name,
          Object.keys((s as unknown as { service?: object; object?: object; workflow?: object }).service ?? (s as { object?: object }).object ?? (s as { workflow?: object }).workflow ?? {}),
        );
    }
    expect([...served.keys()].filter((n) => !allServiceNames.includes(n))).toEqual([]);
    expect(allServiceNames.filter((n) => !served.has(n))).toEqual([]);
    const unserved = allSubscriptions.filter((s) => !served.has(s.service)).map((s) => `${s.topic} → ${s.service}`);
    expect(unserved).toEqual([]);
  });

  it("each pattern's CLI folder gives its verbs and its scenario", async () => {
    const bad: string[] = [];
    for (const p of patterns) {
      const cli = p;
      if (typeof cli.demo !== "function") bad.push(`${p.name}: no demo`);
      if (!Array.isArray(cli.declarations) || cli.declarations.length === 0) bad.push(`${p.name}: no verbs`);
      // `produce` is the playground's own verb for any topic; patterns fed from Kafka name it too
      const paths = [...cli.declarations.map((d) => d.path), produce.path];
      // what the registry says users type must be a verb the folder declares
      for (const v of p.verbs) {
        const words = v.split(" ").filter((w) => /^[a-z][a-z-]*$/.test(w));
        if (!paths.some((path) => words.join(" ").startsWith(path))) bad.push(`${p.name}: "${v}" is not declared`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe("one observation layer, layers pointing one way", () => {
  const all = files(src);
  const rel = (f: string) => path.relative(src, f);

  it("only src/observe queries Restate's introspection tables", () => {
    const offenders = all.filter((f) => !rel(f).startsWith("observe/") && /\bFROM (sys_[a-z_]+|state)\b/.test(readFileSync(f, "utf8"))).map(rel);
    expect(offenders).toEqual([]);
    expect(all.filter((f) => readFileSync(f, "utf8").includes("sys_invocation")).map(rel).length).toBeLessThanOrEqual(3);
  });

  // the import rules themselves are dependency-cruiser's (`npm run layers`, in `npm test`); these keep them honest
  const { layers, alone } = createRequire(import.meta.url)("../../scripts/layers.cjs") as { layers: Layer[]; alone: Layer[] };
  const rules = (createRequire(import.meta.url)("../../.dependency-cruiser.cjs") as { forbidden: { name: string; from: { path: string }; to: { path: string } }[] }).forbidden;
  const projectFiles = all.map((f) => path.relative(repoRoot, f));

  it("every file of src/ is in exactly one layer (a new folder has to be placed in CONTRIBUTING's order)", () => {
    const placed = projectFiles.map((f) => ({ f, in: [...layers, ...alone].filter((l) => new RegExp(l.path).test(f)).map((l) => l.name) }));
    expect(placed.filter((p) => p.in.length !== 1).map((p) => `${p.f}: ${p.in.join(", ") || "no layer"}`)).toEqual([]);
  });

  it("every layer and every rule's path still matches files (a renamed or deleted folder leaves no rule checking nothing)", () => {
    const empty = [...layers, ...alone].filter((l) => !projectFiles.some((f) => new RegExp(l.path).test(f))).map((l) => `layer ${l.name}: ${l.path}`);
    for (const r of rules) {
      if (!projectFiles.some((f) => new RegExp(r.from.path).test(f))) empty.push(`${r.name} from ${r.from.path}`);
      if (!projectFiles.some((f) => new RegExp(r.to.path).test(f))) empty.push(`${r.name} to ${r.to.path}`);
    }
    // one rule per layer below the top, and the worker's and the lone components' own
    expect(rules.map((r) => r.name)).toEqual(expect.arrayContaining([...layers.slice(1).map((l) => `${l.name}-imports-upward`), ...alone.map((c) => `${c.name}-imports-the-rest`)]));
    expect(empty).toEqual([]);
  });
});
