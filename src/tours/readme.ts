// The README's pattern table, generated from the registry between two markers. `patterns readme --write` rewrites
// it; a unit test fails when README.md is stale.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PatternEntry } from "./types.js";
import { builtInTours, tourFor } from "./tours.js";
import { projectRoot } from "../runtime/paths.js";

export const README_START = "<!-- patterns:start -->";
export const README_END = "<!-- patterns:end -->";
export const readmePath = path.join(projectRoot, "README.md");

const CATEGORY_ORDER = ["communication", "orchestration", "scheduling", "events", "custom"];

/** A table cell: one line, pipes escaped (also inside code spans, as GitHub tables require). */
function cell(s: string): string {
  return s.replace(/\s+/g, " ").trim().replace(/\|/g, "\\|");
}

function code(s: string): string {
  return `\`${s}\``;
}

export function renderPatternTable(entries: PatternEntry[]): string {
  const lines = [`<!-- generated from the patterns' src/commands/<name>/index.ts by \`npx patterns readme --write\`; edit those, not this table -->`];
  if (entries.length === 0) {
    lines.push("", "_No pattern is registered yet._");
  } else {
    lines.push("", "| category | pattern | what it shows | Restate services | try it |", "|---|---|---|---|---|");
    const order = [...new Set([...CATEGORY_ORDER, ...entries.map((e) => e.category)])];
    for (const category of order) {
      for (const p of entries.filter((e) => e.category === category)) {
        const crash = tourFor(p).crash;
        const tryIt = [`npx patterns tour ${p.name}`, ...p.verbs.map((v) => `npx patterns ${v}`)].map(code).join("<br>");
        lines.push(
          `| ${cell(category)} | **${cell(p.title)}** ${cell(code(p.name))}${crash ? " (tour kills the worker mid-way)" : ""} | ${cell(p.summary)} | ${cell(p.services.map(code).join(", "))} | ${cell(tryIt)} |`,
        );
      }
    }
  }
  lines.push("");
  lines.push(
    `Every pattern has a guided tour (${code("npx patterns tour <name>")}; ${code("npx patterns tour --all --yes")} runs them all and checks them). ` +
      builtInTours.map((t) => `${code(`npx patterns tour ${t.name}`)}: ${t.summary}.`).join(" "),
  );
  return lines.join("\n");
}

/** The README with the block between the markers replaced; throws if the markers are missing. */
export function replaceBetweenMarkers(readme: string, block: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < 0 || end < start) throw new Error(`README markers ${README_START} … ${README_END} are missing`);
  return `${readme.slice(0, start + README_START.length)}\n${block}\n${readme.slice(end)}`;
}

export function expectedReadme(readme: string, entries: PatternEntry[]): string {
  return replaceBetweenMarkers(readme, renderPatternTable(entries));
}

export function readmeIsFresh(readme: string, entries: PatternEntry[]): boolean {
  return expectedReadme(readme, entries) === readme;
}

/** Rewrite README.md in place; returns whether it changed. */
export function writeReadme(entries: PatternEntry[], file = readmePath): boolean {
  const before = readFileSync(file, "utf8");
  const after = expectedReadme(before, entries);
  if (after === before) return false;
  writeFileSync(file, after);
  return true;
}
