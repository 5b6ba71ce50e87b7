// The registry feeds the menu, `list`, the tours, the README table and completion: check them all, table-driven.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Command } from "commander";
import { buildProgram, onlyGlobalOptions } from "../../src/cli.js";
import { registry } from "../../src/registry.js";
import { allTours, builtInTours, tourFor } from "../../src/tours/tours.js";
import { readmeIsFresh, readmePath, renderPatternTable, replaceBetweenMarkers } from "../../src/tours/readme.js";
import { allServices } from "../../src/services/catalog.js";
import { bashScript, completionTree, zshScript } from "../../src/commands/interactive/completion.js";
import { actionChoices, describeVerb, killChoices, patternChoices, topChoices } from "../../src/commands/interactive/menu.js";
import { closest, indented } from "../../src/ui/text.js";
import { listPatterns } from "../../src/commands/interactive/list.js";
import { parseIdPattern, validateStatus } from "../../src/commands/interactive/invocations.js";
import { UsageError } from "../../src/errors.js";

const program = buildProgram();
const served = new Set(allServices.map((s) => s.name));

/** The command a verb line names, walking subcommands ("package move x" → package → move). */
function commandOf(verb: string): Command | undefined {
  let cmd: Command = program;
  let found: Command | undefined;
  for (const word of verb.split(/\s+/)) {
    if (!word || /^[-<["']/.test(word)) break;
    const next = cmd.commands.find((x) => x.name() === word || x.aliases().includes(word));
    if (!next) break;
    cmd = next;
    found = next;
  }
  return found;
}

describe("the pattern registry", () => {
  it("has unique kebab-case names, also among the built-in tours", () => {
    const names = allTours(registry).map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  it.each(registry.map((p) => [p.name, p] as const))("%s: services are served, verbs exist, text is present", (_name, p) => {
    expect(["communication", "orchestration", "scheduling", "events", "custom"]).toContain(p.category);
    expect(p.title.trim()).not.toBe("");
    expect(p.summary.trim()).not.toBe("");
    expect(p.guarantee.length).toBeGreaterThan(40);
    expect(p.services.length).toBeGreaterThan(0);
    for (const s of p.services) expect(served.has(s), `service ${s} is not served by the worker`).toBe(true);
    expect(p.verbs.length).toBeGreaterThan(0);
    for (const v of p.verbs) {
      const cmd = commandOf(v);
      expect(cmd, `verb "${v}" is not a patterns command`).toBeDefined();
      expect(cmd!.commands.length === 0 || v.split(/\s+/).length === 1, `verb "${v}" stops at a command group`).toBe(true);
    }
    if (p.tour?.crash) expect(p.tour.crash.step.trim()).not.toBe("");
    expect(tourFor(p).run).toBeTypeOf("function");
  });

  it("covers the catalogue's fifteen patterns", () => {
    expect(registry.length).toBeGreaterThanOrEqual(15);
  });

  it("has at least one crash-and-resume tour", () => {
    expect(allTours(registry).some((t) => t.crash)).toBe(true);
  });
});

describe("README pattern table", () => {
  it("is generated from the registry and up to date (fix: npx patterns readme --write)", () => {
    expect(readmeIsFresh(readFileSync(readmePath, "utf8"), registry)).toBe(true);
  });
  it("names every pattern and built-in tour", () => {
    const table = renderPatternTable(registry);
    // a pattern made by `patterns new` is the user's, not the catalogue's: it stays out of the table
    for (const p of registry.filter((x) => !x.scaffolded)) expect(table).toContain(`\`${p.name}\``);
    for (const p of registry.filter((x) => x.scaffolded)) expect(table).not.toContain(`\`${p.name}\``);
    for (const t of builtInTours) expect(table).toContain(`tour ${t.name}`);
  });
  it("refuses a README without markers", () => {
    expect(() => replaceBetweenMarkers("# no markers", "x")).toThrow(/markers/);
  });
});

describe("menu and list", () => {
  const tours = allTours(registry);
  it("offers every category that has tours, then list/invocations/kill/watch/ui/quit", () => {
    const top = topChoices(tours);
    const categories = top.flatMap((ch) => (ch.value.kind === "category" ? [ch.value.category] : []));
    expect(new Set(categories)).toEqual(new Set(tours.map((t) => t.category)));
    expect(top.slice(-6).map((ch) => ch.value.kind)).toEqual(["list", "invocations", "kill", "watch", "ui", "quit"]);
  });
  it("offers to kill the broker only when the playground runs it, and names each kill verb", () => {
    const kinds = (k: "embedded" | "external" | "none") => killChoices(k).flatMap((ch) => (ch.value.kind === "kill" ? [ch.value.component] : []));
    expect(kinds("embedded")).toEqual(["worker", "restate", "broker"]);
    expect(kinds("external")).toEqual(["worker", "restate"]);
    expect(kinds("none")).toEqual(["worker", "restate"]);
    for (const ch of killChoices("embedded")) {
      if (ch.value.kind !== "kill") continue;
      expect(ch.description).toContain(`npx patterns kill-${ch.value.component}`);
      expect(commandOf(`kill-${ch.value.component}`)).toBeDefined();
    }
  });
  it("names the equivalent command for every choice", () => {
    for (const t of tours) {
      const picks = patternChoices(tours, t.category);
      expect(
        picks.some((p) => p.value.kind === "tour" && p.value.name === t.name),
        `tour ${t.name} among the ${t.category} choices`,
      ).toBe(true);
      for (const a of actionChoices(t)) if (a.value !== "back") expect(a.description ?? "").not.toBe("");
      expect(actionChoices(t).some((a) => a.value === "demo")).toBe(!t.builtIn);
    }
  });
  it("describes verbs from the program", () => {
    expect(describeVerb(program, "status")).toMatch(/pid/);
    expect(describeVerb(program, "nosuchverb")).toBeUndefined();
  });
  it("marks registration from the registered services", () => {
    const r = listPatterns(registry, [...served]);
    expect(
      r.patterns.filter((p) => p.registered !== true).map((p) => p.name),
      "patterns not marked registered",
    ).toEqual([]);
    const none = listPatterns(registry, []);
    expect(
      none.patterns.filter((p) => p.registered !== false).map((p) => p.name),
      "patterns not marked unregistered",
    ).toEqual([]);
  });
});

describe("completion", () => {
  const nodes = completionTree(
    program,
    allTours(registry).map((t) => t.name),
  );
  it.each(["bash", "zsh"] as const)("%s completes every verb", (shell) => {
    const script = shell === "bash" ? bashScript(nodes) : zshScript(nodes);
    for (const cmd of program.commands) if (!(cmd as unknown as { _hidden?: boolean })._hidden) expect(script).toContain(cmd.name());
  });

  // `patterns` is not on PATH; people type `npx patterns …`: bash completes the words after "patterns" there too
  it.skipIf(spawnSync("bash", ["--version"]).status !== 0)("bash completes `npx patterns …` and leaves other npx commands alone", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-completion-"));
    try {
      writeFileSync(path.join(dir, "c.bash"), bashScript(nodes));
      const complete = (words: string[]) =>
        spawnSync("bash", ["-c", `source ${dir}/c.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _patterns_npx; echo "\${COMPREPLY[@]}"`], {
          encoding: "utf8",
        }).stdout.trim();
      expect(complete(["npx", "patterns", "kill-w"])).toBe("kill-worker");
      expect(complete(["npx", "patterns", "kill-worker", "--do"]).split(" ")).toEqual(["--down"]);
      expect(complete(["npx", "cowsay", "kil"])).toBe("");
      expect(spawnSync("bash", ["-c", `source ${dir}/c.bash; complete -p npx`], { encoding: "utf8" }).stdout).toMatch(/-F _patterns_npx npx/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("small pure helpers", () => {
  it("treats a command line of only global options as a bare `patterns`", () => {
    expect(onlyGlobalOptions([])).toEqual({ json: false });
    expect(onlyGlobalOptions(["--state-dir", "/tmp/x", "--no-color"])).toEqual({ stateDir: "/tmp/x", json: false });
    expect(onlyGlobalOptions(["--state-dir=/tmp/y", "--json"])).toEqual({ stateDir: "/tmp/y", json: true });
    expect(onlyGlobalOptions(["list"])).toBeUndefined();
    expect(onlyGlobalOptions(["--state-dir"])).toBeUndefined();
  });
  it("wraps prose on word boundaries within the width", () => {
    const lines = indented("the quick brown fox jumps over the lazy dog", 16, "  ");
    expect(
      lines.filter((l) => l.length > 16),
      "lines wider than 16",
    ).toEqual([]);
    expect(lines.join(" ").replace(/\s+/g, " ").trim()).toBe("the quick brown fox jumps over the lazy dog");
  });
  it("suggests the closest names for typos", () => {
    expect(closest("crash-and-resum", ["crash-and-resume", "sagas"])).toEqual(["crash-and-resume"]);
  });
  it("accepts known statuses and rejects others with a usage error", () => {
    expect(validateStatus("backing-off")).toBe("backing-off");
    expect(() => validateStatus("nosuch")).toThrow(UsageError);
  });
  it("parses whole ids, prefixes and the shortened form", () => {
    expect(parseIdPattern("inv_1aEeAqP59Hsy2rCgfSYrKJ57xRKipN4S0X").exact).toBe("inv_1aEeAqP59Hsy2rCgfSYrKJ57xRKipN4S0X");
    expect(parseIdPattern("inv_1aEeAq")).toMatchObject({ prefix: "inv_1aEeAq" });
    expect(parseIdPattern("inv_1aEeAq…4S0X")).toMatchObject({ prefix: "inv_1aEeAq", suffix: "4S0X" });
  });
});
