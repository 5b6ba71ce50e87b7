// Fixing forward under `start --watch`, as a developer does it: an order stuck retrying on the bug is paused, the bug
// is fixed by saving the source file (a temp copy of src/, never the repo's), the watcher deploys the fix, and
// `resume --on latest` finishes the order on it: the steps before the bug replayed, each effect once.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliPath, eventually, json, repoRoot, runCli, TIMEOUT, uniqueKey } from "../helpers.js";
import { freePorts, portArgs } from "../../src/lab/stack.js";
import type { WatchEvent } from "../../src/runtime/watch.js";
import { readLedger } from "../../src/services/lib/simulated.js";
import { FIX_ORDERS, FIX_STEPS } from "../../src/services/fix-forward/api.js";
import type { Timeline } from "../../src/observe/types.js";

const BUG = "order.giftNote!.trim()";
const FIX = '(order.giftNote ?? "").trim()';

describe("pause, fix under start --watch, resume --on latest", () => {
  const work = mkdtempSync(path.join(os.tmpdir(), "patterns-fixforward-"));
  const src = path.join(work, "src");
  const dir = path.join(work, "state");
  cpSync(path.join(repoRoot, "src"), src, { recursive: true });
  const source = path.join(src, "services", "fix-forward", "orders.ts");
  afterAll(async () => {
    await runCli(["stop", "--purge", "--state-dir", dir]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, TIMEOUT.stop);

  it(
    "the paused order resumes on the saved fix: attempts on the old code, the pause, charge and reservation REPLAYED",
    async () => {
      expect(readFileSync(source, "utf8"), "the bug is where the test fixes it").toContain(BUG);
      const ports = await freePorts();
      const child = spawn(process.execPath, [cliPath, "start", "--watch", "--watch-src", src, "--json", "--state-dir", dir, ...portArgs(ports)], {
        cwd: repoRoot,
        env: { ...process.env, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const events = () =>
        stdout
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l) as WatchEvent);
      const cli = (args: string[]) => runCli([...args, "--state-dir", dir], { timeoutMs: 300_000 });
      try {
        await eventually(`a "watching" event from start --watch (stderr so far: ${stderr.slice(-400)})`, async () => events().find((e) => e.type === "watching"), 120_000);
        const orderId = uniqueKey("watched");
        const sent = await fetch(`http://127.0.0.1:${ports.ingress}/${FIX_ORDERS}/place/send`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ orderId, items: ["kettle"] }),
        });
        const { invocationId: id } = (await sent.json()) as { invocationId: string };
        await eventually(
          `${id} retrying at "${FIX_STEPS.label}"`,
          async () => {
            const t = json<{ timelines: Timeline[] }>(await cli(["timeline", id, "--json"])).timelines[0]!;
            return t.attempts.length >= 2 && t.invocation.lastFailure?.step === FIX_STEPS.label;
          },
          60_000,
          300,
        );
        const p = await cli(["pause", id, "--json"]);
        expect(p.code, p.stderr).toBe(0);

        writeFileSync(source, readFileSync(source, "utf8").replace(BUG, FIX));
        const reload = await eventually("a reload event for the saved fix", async () => events().find((e): e is Extract<WatchEvent, { type: "reload" }> => e.type === "reload"), 60_000);
        expect(reload.changed).toEqual(["services/fix-forward/orders.ts"]);

        const r = await cli(["resume", id, "--on", "latest", "--json"]);
        expect(r.code, r.stderr).toBe(0);
        const d = json<{ outcome: { status: string; result?: string; replayed: string[]; timeline: Timeline } }>(r);
        expect(d.outcome).toMatchObject({ status: "completed", result: "success" });
        expect(d.outcome.replayed.map((s) => s.replace(/^\d+ /, ""))).toEqual([FIX_STEPS.charge, FIX_STEPS.reserve]);
        const attempts = d.outcome.timeline.attempts;
        expect(attempts.at(-1)?.cause, attempts.map((a) => `${a.n} ${a.cause} pid ${a.pid}`).join(", ")).toBe("resume");
        expect(attempts.at(-1)?.pid, "the last attempt ran on the watcher's new worker").toBe(reload.pid);
        for (const [system, action] of [
          ["payments", "charge"],
          ["warehouse", "reserve"],
          ["shipping", "label"],
          ["email", "confirm"],
        ] as const) {
          expect(readLedger(dir, { system, action, key: orderId }), `${system} ${action}`).toHaveLength(1);
        }
      } finally {
        if (child.exitCode === null) child.kill("SIGINT");
      }
    },
    TIMEOUT.test,
  );
});
