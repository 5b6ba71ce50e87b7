// `--help` from the help cache (the declarations as JSON, no verb loaded) must read exactly like the help of the whole
// CLI, for the program and for every group and verb: the text after the options (examples, notes) and the defaults
// shown as durations included, at the width of the terminal (80 columns and a narrow one).
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { declarations } from "../../src/commands/index.js";
import { helpData } from "../../src/commands/mount.js";
import type { Declaration } from "../../src/commands/verb.js";
import { helpProgram } from "../../src/help-program.js";
import { versionLine } from "../../src/program.js";
import { at, helpText } from "../help-text.js";

function find(program: Command, words: string[]): Command | undefined {
  let at: Command | undefined = program;
  for (const w of words) at = at?.commands.find((c) => c.name() === w);
  return at;
}

/** The whole `--help` text of a command, "(missing)" when there is no such command. */
const textOf = (cmd: Command | undefined): string => (cmd ? helpText(cmd) : "(missing)");

describe("help without loading the verbs", () => {
  const full = buildProgram();
  // what writeHelpCache saves, through JSON as it is read back
  const cached = JSON.parse(JSON.stringify(helpData(declarations))) as Declaration[];

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

  it("the whole help (with examples and notes) is the same at 80 and at 50 columns", () => {
    const differ: string[] = [];
    for (const columns of [80, 50]) {
      for (const words of [[], ...declarations.map((d) => d.path.split(" "))]) {
        const fromCache = at(columns, () => textOf(find(helpProgram(cached, [...words, "--help"]), words)));
        const fromFull = at(columns, () => textOf(find(full, words)));
        if (fromCache !== fromFull) differ.push(`${columns}: ${words.join(" ") || "(program)"}`);
      }
    }
    expect(differ).toEqual([]);
  });

  it("a duration's default reads as a duration in help from the cache", () => {
    const text = at(80, () => textOf(find(helpProgram(cached, ["kill-worker", "--help"]), ["kill-worker"])));
    expect(text).toContain("(default: 2s)");
  });

  it("--version names the restate-server it runs", () => {
    expect(versionLine()).toMatch(/^\d+\.\d+\.\d+ \(restate-server \d+\.\d+\.\d+\)$/);
  });
});
