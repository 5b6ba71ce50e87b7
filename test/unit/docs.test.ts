// The documents name files of this repository (`src/…`, `test/…`, `docs/…`, `kafka/…`, `scripts/…`): every such path
// must exist, so a moved or renamed file cannot leave a stale pointer in README.md, CONTRIBUTING.md or docs/.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers.js";

const documents = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(path.join(repoRoot, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

// CONTRIBUTING's worked example adds an imaginary pattern named counter, and the README's "Your first pattern" makes
// greeter with `patterns new`: their folders do not exist in the repository, by design
const EXAMPLE_PATTERNS = ["counter", "greeter"];

/** `src/services/<name>/` → "src/services/"; `src/commands/custom*` → "src/commands/custom": the part before a placeholder. */
function concretePart(p: string): string {
  return p.split(/[<*{]/)[0]!;
}

function pathsIn(text: string): string[] {
  return [...text.matchAll(/(?<![\w./-])((?:src|test|docs|kafka|scripts)\/[\w./<>*{}-]*[\w*/>}])/g)].map((m) => m[1]!);
}

describe("the documents' paths", () => {
  it("finds paths to check (the scan works)", () => {
    expect(pathsIn(readFileSync(path.join(repoRoot, "CONTRIBUTING.md"), "utf8"))).toEqual(expect.arrayContaining(["src/services/registry.ts", "src/tours/claims.ts"]));
  });

  it("every path a document names exists", () => {
    const missing: string[] = [];
    for (const doc of documents) {
      readFileSync(path.join(repoRoot, doc), "utf8")
        .split("\n")
        .forEach((line, i) => {
          for (const p of pathsIn(line)) {
            if (p.split("/").some((part) => EXAMPLE_PATTERNS.includes(part) || EXAMPLE_PATTERNS.some((n) => part === `${n}.ts` || part === `${n}.test.ts`))) continue;
            const concrete = concretePart(p).replace(/\/$/, "");
            const exists =
              existsSync(path.join(repoRoot, concrete)) ||
              (concrete !== p.replace(/\/$/, "") && readdirSync(path.join(repoRoot, path.dirname(concrete))).some((f) => f.startsWith(path.basename(concrete))));
            if (!exists) missing.push(`${doc}:${i + 1} ${p}`);
          }
        });
    }
    expect(missing).toEqual([]);
  });
});
