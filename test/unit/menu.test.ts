// The menu's actions come from the registry and the verb declarations (not a second list), and `list` wraps instead
// of cutting: pure parts, checked against the real program and registry.
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import type { Command } from "commander";
import { buildProgram } from "../../src/cli.js";
import { durationOption } from "../../src/lib/parse.js";
import { registry } from "../../src/registry.js";
import { allTours } from "../../src/tours/tours.js";
import { actionChoices, commandLine, optionDefault, pickList, examplePositionals, exampleWords, invocationChoices, patternActions, verbArgv } from "../../src/commands/interactive/menu.js";
import { listPatterns, renderList } from "../../src/commands/interactive/list.js";
import { table, wrap } from "../../src/ui/text.js";
import type { InvocationRow } from "../../src/observe/types.js";

const program = buildProgram();

function commandAt(argv: string[]): Command | undefined {
  let cmd: Command = program;
  for (const w of argv) {
    const next = cmd.commands.find((x) => x.name() === w);
    if (!next) break;
    cmd = next;
  }
  return cmd === program ? undefined : cmd;
}

describe("the menu asks options as they are accepted back", () => {
  it("a step option is a pick list, a duration's default is a duration", () => {
    const book = patternActions(registry.find((p) => p.name === "sagas")!).find((a) => a.path === "saga book")!;
    const opt = (long: string) => book.options.find((o) => o.flags.includes(long))!;
    expect(pickList(opt("--fail"))).toEqual(["flight", "car", "payment"]);
    expect(pickList(opt("--crash-after"))).toContain("Refund payment");
    expect(optionDefault({ flags: "--down <duration>", description: "", parse: durationOption("--down"), default: 2000 })).toBe("2s");
    expect(optionDefault({ flags: "--count <n>", description: "", default: 3 })).toBe("3");
  });
});

describe("the menu's actions", () => {
  it("every pattern offers its registry verbs as actions, each a declared command of the program", () => {
    const missing: string[] = [];
    for (const p of registry) {
      const actions = patternActions(p);
      if (p.declarations?.length && p.verbs.length && actions.length === 0) missing.push(`${p.name}: no action`);
      for (const a of actions) {
        const cmd = commandAt(a.path.split(" "));
        if (!cmd || cmd.name() !== a.path.split(" ").at(-1)) missing.push(`${p.name}: ${a.path} is not a command`);
      }
      expect(new Set(actions.map((a) => a.path)).size, `${p.name} lists an action twice`).toBe(actions.length);
    }
    expect(missing).toEqual([]);
    const sagas = patternActions(registry.find((p) => p.name === "sagas")!);
    expect(sagas.map((a) => a.path)).toEqual(["saga book", "saga show"]);
  });

  it("puts the actions between the tour and the other choices, each naming the command it runs", () => {
    const t = allTours(registry).find((x) => x.name === "sagas")!;
    const choices = actionChoices(t, patternActions(registry.find((p) => p.name === "sagas")!));
    const verbs = choices.filter((ch) => typeof ch.value === "object");
    expect(verbs.map((ch) => ch.description)).toEqual([
      "same as: npx patterns saga book [options] (asked next, defaults filled in)",
      "same as: npx patterns saga show <trip> (asked next, defaults filled in)",
    ]);
    expect(choices[0]!.value).toBe("tour");
    // sagas has a comparison: the menu offers it; durable-rpc has none
    expect(choices.find((ch) => ch.value === "compare")?.description).toMatch(/^same as: npx patterns compare sagas/);
    const rpcTour = allTours(registry).find((x) => x.name === "durable-rpc")!;
    expect(actionChoices(rpcTour).some((ch) => ch.value === "compare")).toBe(false);
  });

  it("fills argument defaults from the declaration's own examples", () => {
    expect(exampleWords(`npx patterns saga book --crash-after "Refund payment"   # a comment`)).toEqual(["npx", "patterns", "saga", "book", "--crash-after", "Refund payment"]);
    const rpc = patternActions(registry.find((p) => p.name === "durable-rpc")!)[0]!;
    expect(rpc.exampleArgs).toEqual(["product1", "reservation1"]);
    expect(examplePositionals({ path: "saga show", args: [{ name: "<trip>", description: "" }], examples: ["npx patterns saga show trip123 --json"] })).toEqual(["trip123"]);
    expect(examplePositionals({ path: "saga show", args: [{ name: "<trip>", description: "" }], examples: ["npx patterns saga book"] })).toEqual([]);
    const register = patternActions(registry.find((p) => p.name === "package-tracker")!).find((x) => x.path === "package register")!;
    expect(register.options.find((o) => o.required)?.flags).toBe("--to <destination>");
    expect(register.exampleOptions["--to"]).toBe("Bridge 6, Amsterdam");
    expect(patternActions(registry.find((p) => p.name === "sagas")!)[0]!.exampleOptions).toMatchObject({ "--fail": "car", "--crash-after": "Reserve car" });
  });

  it("turns the answers into the command line the program parses", () => {
    const book = patternActions(registry.find((p) => p.name === "sagas")!)[0]!;
    const argv = verbArgv(book, [], { "--fail": "payment", "--crash-after": "Refund payment", "--chaos": false, "--trip": "" });
    expect(argv).toEqual(["saga", "book", "--fail", "payment", "--crash-after", "Refund payment"]);
    expect(commandLine(argv)).toBe('npx patterns saga book --fail payment --crash-after "Refund payment"');
    const cmd = commandAt(argv)!;
    expect(cmd.name()).toBe("book");
    expect(cmd.options.map((o) => o.long)).toEqual(expect.arrayContaining(["--fail", "--crash-after"]));
  });

  it("offers recent invocations whose pick opens the timeline", () => {
    const row = { id: "inv_1aEeAqP59Hsy2rCgfSYrKJ57xRKipN4S0X", target: "product/p1/reserve", status: "completed", completion_result: "success" } as InvocationRow;
    const choices = invocationChoices([row]);
    expect(choices[0]).toMatchObject({ value: { kind: "timeline", id: row.id }, description: `same as: npx patterns timeline ${row.id}` });
    expect(choices.at(-1)!.value).toEqual({ kind: "back" });
  });
});

describe("list wraps at word boundaries", () => {
  const report = listPatterns(registry, null);
  const words = (s: string) => s.split(/\s+/).filter(Boolean);

  it.each([80, 160])("at %i columns: no line wider, nothing cut, every word of every summary kept", (width) => {
    const lines = renderList(report, width).map((l) => stripVTControlCharacters(l));
    expect(
      lines.filter((l) => l.length > width),
      `lines wider than ${width}`,
    ).toEqual([]);
    // an ellipsis only where the registry itself has one (a verb's example value), never from cutting
    const inData = [...report.patterns.flatMap((p) => [p.summary, ...p.verbs]), ...report.tours.map((t) => t.summary)].join(" ").split("…").length - 1;
    expect(lines.join("\n").split("…").length - 1, "ellipses (cut text)").toBe(inData);
    const text = lines.join(" ").split(/\s+/);
    const lost = report.patterns.flatMap((p) =>
      words(p.summary)
        .filter((w) => !text.includes(w))
        .map((w) => `${p.name}: ${w}`),
    );
    expect(lost).toEqual([]);
  });

  it("wraps coloured text without leaving a colour open across lines, and cuts only an over-long word", () => {
    const lines = wrap(`plain \x1b[2mdim words that go on\x1b[22m after`, 10);
    expect(lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""))).toEqual(["plain dim", "words that", "go on", "after"]);
    expect(lines[0], "the dim colour is closed at the end of the line").toMatch(/\x1b\[(0|22)m$/);
    expect(lines[1]!.startsWith("\x1b[2m")).toBe(true);
    expect(wrap("a,b,c,d,e,f,g", 6)).toEqual(["a,b,c,", "d,e,f,", "g"]);
    const t = table(["a", "b"], [["short", "one two three four five six"]], { width: 20, flexible: [1], minWidth: 5 });
    expect(t.filter((l) => l.length > 20)).toEqual([]);
    expect(t.join(" ").split(/\s+/).filter(Boolean)).toEqual(["a", "b", "short", "one", "two", "three", "four", "five", "six"]);
  });
});
