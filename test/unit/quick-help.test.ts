// `--help` from the help cache (the declarations as JSON, no verb loaded) must read exactly like the help of the whole
// CLI, for the program and for every group and verb.
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { declarations } from "../../src/commands/index.js";
import type { Declaration } from "../../src/commands/verb.js";
import { helpProgram } from "../../src/quick.js";
import { versionLine } from "../../src/program.js";

function find(program: Command, words: string[]): Command | undefined {
  let at: Command | undefined = program;
  for (const w of words) at = at?.commands.find((c) => c.name() === w);
  return at;
}

describe("help without loading the verbs", () => {
  const full = buildProgram();
  const cached = JSON.parse(JSON.stringify(declarations)) as Declaration[];

  it("the program's help is the same", () => {
    expect(helpProgram(cached, ["--help"]).helpInformation()).toBe(full.helpInformation());
  });

  it("every group's and verb's help is the same", () => {
    const differ = declarations
      .map((d) => d.path.split(" "))
      .filter((words) => find(helpProgram(cached, [...words, "--help"]), words)?.helpInformation() !== find(full, words)?.helpInformation())
      .map((w) => w.join(" "));
    expect(differ).toEqual([]);
  });

  it("--version names the restate-server it runs", () => {
    expect(versionLine()).toMatch(/^\d+\.\d+\.\d+ \(restate-server \d+\.\d+\.\d+\)$/);
  });
});
