// The started-stack object's pure parts: the ports it picks and the `patterns start` flags it passes them with.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { DEFAULT_PORTS } from "../../src/runtime/config.js";
import { freePorts, portArgs } from "../../src/lab/stack.js";

describe("startStack's ports", () => {
  it("passes every port of the stack with a flag that `patterns start` declares", () => {
    const start = buildProgram().commands.find((c) => c.name() === "start")!;
    const declared = new Set(start.options.map((o) => o.long));
    const args = portArgs(DEFAULT_PORTS);
    const flags = args.filter((_, i) => i % 2 === 0);
    expect(
      flags.filter((f) => !declared.has(f)),
      "flags `patterns start` does not know",
    ).toEqual([]);
    expect(
      args
        .filter((_, i) => i % 2 === 1)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(Object.values(DEFAULT_PORTS).sort((a, b) => a - b));
    expect(flags).toHaveLength(Object.keys(DEFAULT_PORTS).length);
  });

  it("picks distinct loopback ports below the ephemeral range", async () => {
    const range = "/proc/sys/net/ipv4/ip_local_port_range";
    const ephemeralLow = existsSync(range) ? Number(readFileSync(range, "utf8").trim().split(/\s+/)[0]) : 32_768;
    const ports = Object.values(await freePorts());
    expect(new Set(ports).size).toBe(ports.length);
    expect(
      ports.filter((p) => p < 10_000 || p >= ephemeralLow),
      `ports outside 10000–${ephemeralLow - 1}`,
    ).toEqual([]);
  });
});
