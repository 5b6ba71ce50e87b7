// Every verb's `--help` fits 80 columns without breaking a word, and every default `--help` shows can be passed back
// to its option: the list of verbs and options comes from the program the declarations build, not from a hand list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import type { Command, Option } from "commander";
import { buildProgram } from "../../src/cli.js";
import { isDurationParser } from "../../src/lib/parse.js";
import { displayWidth } from "../../src/ui/text.js";
import { formatDuration, durationMs } from "../../src/lib/duration.js";
import { at, helpText } from "../help-text.js";

const program = buildProgram();

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

function pathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe("--help at 80 columns", () => {
  let saved: string | undefined;
  beforeAll(() => (saved = process.env.COLUMNS));
  afterAll(() => (saved === undefined ? delete process.env.COLUMNS : (process.env.COLUMNS = saved)));

  const commands = allCommands(program);

  it("covers every declared verb", () => {
    expect(commands.length).toBeGreaterThan(40);
  });

  it("no line of any verb's help is wider than 80 columns, and no word is broken", () => {
    const wide: string[] = [];
    const broken: string[] = [];
    for (const cmd of commands) {
      const narrow = at(80, () => helpText(cmd));
      const unwrapped = at(10_000, () => helpText(cmd));
      for (const line of narrow.split("\n")) if (displayWidth(line) > 80) wide.push(`${pathOf(cmd)}: ${line}`);
      // the same words in the same order as without any wrapping: nothing was cut or split
      if (words(narrow).join(" ") !== words(unwrapped).join(" ")) broken.push(pathOf(cmd));
    }
    expect(wide).toEqual([]);
    expect(broken).toEqual([]);
  });

  it("the real binary honours COLUMNS when its help is piped (from the whole CLI, then from the help cache)", () => {
    // the first run after a build loads every verb and writes dist/help-cache.json; the second answers from it
    for (let run = 0; run < 2; run++) {
      const r = spawnSync(process.execPath, ["dist/main.js", "kill-worker", "--help"], { env: { ...process.env, COLUMNS: "80" }, encoding: "utf8" });
      expect(r.status).toBe(0);
      const wide = r.stdout.split("\n").filter((l) => displayWidth(l) > 80);
      expect(wide).toEqual([]);
      expect(r.stdout).toContain("(default: 2s)");
    }
  });
});

describe("usage errors point at the right help", () => {
  it("an unknown word under a group names that group's --help (`package track` → `package --help`)", () => {
    const r = spawnSync(process.execPath, ["dist/main.js", "package", "track"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/fix: see `npx patterns package --help`/);
  });
});

describe("defaults shown by --help are accepted back", () => {
  const options = allCommands(program).flatMap((cmd) => cmd.options.map((o) => ({ cmd, o: o as Option & { parseArg?: (v: string, prev: unknown) => unknown } })));

  it("every option with a parser and a default parses its shown default to that default", () => {
    const bad: string[] = [];
    let checked = 0;
    for (const { cmd, o } of options) {
      if (o.defaultValue === undefined || !o.parseArg || o.negate) continue;
      const shown = o.defaultValueDescription ?? String(o.defaultValue);
      checked++;
      try {
        const back = o.parseArg(shown, undefined);
        if (JSON.stringify(back) !== JSON.stringify(o.defaultValue)) bad.push(`${pathOf(cmd)} ${o.long} ${shown} → ${JSON.stringify(back)}`);
      } catch (e) {
        bad.push(`${pathOf(cmd)} ${o.long} ${shown}: ${(e as Error).message}`);
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(5);
  });

  it("every <duration> option parses durations, shows its default as one, and refuses a bare number", () => {
    const bad: string[] = [];
    for (const { cmd, o } of options) {
      if (!/<duration>/.test(o.flags)) continue;
      if (!isDurationParser(o.parseArg)) bad.push(`${pathOf(cmd)} ${o.long}: not a duration parser`);
      if (typeof o.defaultValue === "number" && o.defaultValueDescription !== formatDuration(o.defaultValue)) bad.push(`${pathOf(cmd)} ${o.long}: default shown as ${o.defaultValueDescription}`);
      expect(() => o.parseArg!("2000", undefined), `${pathOf(cmd)} ${o.long} 2000`).toThrow(/needs a unit/);
    }
    expect(bad).toEqual([]);
  });
});

describe("durations", () => {
  it("are shown once rounded, never as 9m60s", () => {
    expect(formatDuration(450)).toBe("450ms");
    expect(formatDuration(999.6)).toBe("1s");
    expect(formatDuration(2300)).toBe("2.3s");
    expect(formatDuration(9960)).toBe("10s");
    expect(formatDuration(59_600)).toBe("1m");
    expect(formatDuration(599_700)).toBe("10m");
    expect(formatDuration(179_800)).toBe("3m");
    expect(formatDuration(125_000)).toBe("2m5s");
    expect(formatDuration(3_599_999)).toBe("1h");
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(86_400_000 * 2 + 3_600_000 * 5)).toBe("2d5h");
  });

  it("are parsed back from what is shown", () => {
    for (const ms of [0, 1, 450, 1000, 2300, 12_000, 90_000, 125_000, 3_600_000, 5_400_000, 86_400_000]) expect(durationMs(formatDuration(ms)), formatDuration(ms)).toBe(ms);
    expect(durationMs("1m30s")).toBe(90_000);
    expect(durationMs("1m 30s")).toBe(90_000);
    expect(durationMs("1.5s")).toBe(1500);
    expect(durationMs("2 min")).toBe(120_000);
    expect(durationMs("5000")).toBeUndefined();
    expect(durationMs("5x")).toBeUndefined();
  });
});

describe("topics at 80 columns", () => {
  it("the subscription table fits: ids and handler names are never split, each partition keeps its numbers", async () => {
    const { subscriptionLines } = await import("../../src/commands/topics.js");
    const subs = [
      { id: "sub_15Gr3pu5f7mRuxdHWzQnVsJ", topic: "social-media-posts", sink: "userFeed/processPost", group: "g", lag: 0, partitions: [{ partition: 0, committed: 12, logEnd: 12, lag: 0 }] },
      {
        id: "sub_12D0OjQ87ZEgZh9gkzKgsLL",
        topic: "package-location-updates",
        sink: "package-tracker/updateLocation",
        group: "g",
        lag: 3,
        partitions: [0, 1].map((p) => ({ partition: p, committed: null, logEnd: 3, lag: 3 })),
      },
    ];
    for (const width of [80, 40]) {
      const lines = subscriptionLines(subs, width);
      expect(
        lines.filter((l) => displayWidth(l) > width),
        `wider than ${width}`,
      ).toEqual([]);
      const text = lines.join(" ");
      for (const word of ["sub_15Gr3pu5f7mRuxdHWzQnVsJ", "sub_12D0OjQ87ZEgZh9gkzKgsLL", "package-tracker/updateLocation", "userFeed/processPost"]) expect(text, `${word} at ${width}`).toContain(word);
    }
    // wide enough: one table, one row per partition
    expect(subscriptionLines(subs, 200).filter((l) => l.startsWith("sub_"))).toHaveLength(3);
  });
});
