// start --watch's pure parts (what a build error, a load failure and a change look like, which files count, the
// lines it prints), its options, and one real esbuild run on a temp copy of the sources: a clean build, then a syntax
// error reported with its file and line.
import { describe, expect, it } from "vitest";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createWorkerBuilder, formatProblem, loadFailure } from "../../src/runtime/watch-build.js";
import { relevantChanges, watchEventLine } from "../../src/runtime/watch.js";
import { buildConfig, watchSrcRoot } from "../../src/commands/start.js";
import { renderDeployments, type DeploymentStatus } from "../../src/commands/status.js";
import { UsageError } from "../../src/errors.js";
import { projectRoot } from "../../src/runtime/paths.js";

describe("what start --watch reports", () => {
  it("formats a build problem as file:line:column: text (columns one-based)", () => {
    expect(formatProblem({ file: "src/services/sagas/booking.ts", line: 12, column: 6, text: 'Unexpected ";"' })).toBe('src/services/sagas/booking.ts:12:7: Unexpected ";"');
    expect(formatProblem({ text: "no file" })).toBe("no file");
  });
  it("finds the error and the first TypeScript frame of a worker that died at load", () => {
    const log = [
      "/tmp/w/src/services/sagas/booking.ts:245",
      'throw new Error("boom");',
      "      ^",
      "",
      "Error: boom",
      "    at services/sagas/booking.ts (/tmp/w/src/services/sagas/booking.ts:245:7)",
      "    at __init (file:///tmp/s/watch/1/build-4/worker.mjs:6:58)",
    ].join("\n");
    expect(loadFailure(log, "/tmp/w")).toEqual({ message: "Error: boom", file: "src/services/sagas/booking.ts", line: 245, column: 7 });
    expect(loadFailure("TypeError [ERR_X]: bad thing\n    at x (file:///a/b.mjs:1:1)").message).toBe("TypeError [ERR_X]: bad thing");
  });
  it("counts TypeScript and JSON sources, not editor temp files", () => {
    expect(relevantChanges(["services/a/x.ts", "services/a/x.ts", "services/a/.x.ts.swp", "services/a/sedAbC12", "services/a/x.ts~", "services/b/c.json", "services/a"])).toEqual([
      "services/a/x.ts",
      "services/b/c.json",
    ]);
  });
  it("prints one line per reload with what changed, the build time, the deployment and where the old invocations finish", () => {
    const line = watchEventLine({
      type: "reload",
      at: "",
      changed: ["services/sagas/booking.ts"],
      buildMs: 42,
      ms: 700,
      deployment: "dp_new",
      port: 30000,
      pid: 7,
      code: "build 2",
      previous: "dp_old",
      previousInFlight: 2,
    });
    expect(line).toContain("services/sagas/booking.ts changed: built in 42 ms, deployment dp_new");
    expect(line).toContain("2 invocations in flight finish on dp_old, the deployment they started on");
    expect(watchEventLine({ type: "build-failed", at: "", changed: ["services/x.ts"], ms: 5, errors: [{ file: "src/services/x.ts", line: 3, column: 0, text: "boom" }], serving: "dp_a" })).toMatch(
      /the build failed, dp_a keeps serving\n {4}src\/services\/x\.ts:3:1: boom/,
    );
  });
  it("shows which deployment is current and what still runs on the older ones", () => {
    const d = (x: Partial<DeploymentStatus>): DeploymentStatus => ({
      id: "dp_x",
      uri: "http://127.0.0.1:1/",
      port: 1,
      phase: "current",
      code: "dist",
      registeredAt: "",
      registered: true,
      running: {},
      ...x,
    });
    const text = renderDeployments([d({ id: "dp_old", phase: "draining", inFlight: 2, running: { suspended: 2 }, pid: 5 }), d({ id: "dp_new", code: "build 3", pid: 6 })]).join("\n");
    expect(text).toMatch(/dp_old\s+draining\s+dist\s+127\.0\.0\.1:1\s+5\s+2 in flight \(2 suspended\)/);
    expect(text).toMatch(/dp_new\s+current\s+build 3/);
  });
});

describe("start --watch options", () => {
  it("watches the project's src by default and refuses a folder without the worker's sources", () => {
    expect(watchSrcRoot({ watch: true })).toBe(path.join(projectRoot, "src"));
    expect(watchSrcRoot({})).toBeUndefined();
    expect(() => watchSrcRoot({ watch: true, watchSrc: os.tmpdir() })).toThrow(UsageError);
    expect(() => watchSrcRoot({ watchSrc: "src" })).toThrow(/--watch-src only makes sense with --watch/);
    expect(buildConfig({ watch: true, stateDir: os.tmpdir() }).watch).toEqual({ srcRoot: path.join(projectRoot, "src") });
  });
});

describe("the watch build (esbuild)", () => {
  it("bundles a copy of the sources, then reports a syntax error with its file and line", async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), "watch-build-"));
    const src = path.join(work, "src");
    cpSync(path.join(projectRoot, "src"), src, { recursive: true });
    const builder = await createWorkerBuilder(src, path.join(work, "out"));
    try {
      const ok = await builder.build();
      expect(ok.ok && existsSync(ok.entry) && existsSync(`${ok.entry}.map`)).toBe(true);
      // the worker's import graph holds no CLI code: the bundle's sources (its source map) are the worker's own
      const sources: string[] = ok.ok ? JSON.parse(readFileSync(`${ok.entry}.map`, "utf8")).sources : [];
      expect(sources.filter((f) => f.includes("/services/sagas/"))).not.toEqual([]);
      const cli = sources.filter((f) => /\/src\/(commands|tours|compare|observe|runtime|lab|ui|registry\.ts|cli\.ts|main\.ts)/.test(f));
      expect(cli).toEqual([]);
      const file = path.join(src, "services", "fan-out", "logic.ts");
      appendFileSync(file, "\nexport const broken = ;\n");
      const line = readFileSync(file, "utf8").split("\n").length - 1;
      const bad = await builder.build();
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.errors[0]).toMatchObject({ file: "src/services/fan-out/logic.ts", line });
    } finally {
      await builder.dispose();
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});
