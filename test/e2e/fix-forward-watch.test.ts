// Fixing forward under `start --watch`, as a developer does it: an order stuck retrying on the bug is paused, the bug
// is fixed by saving the source file (a temp copy of src/, never the repo's), the watcher deploys the fix, and
// `resume --on latest` finishes the order on it: the steps before the bug replayed, each effect once.
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eventually, json, postIdempotent, runCli, TIMEOUT, uniqueKey } from "../helpers.js";
import { expectEachEffectOnce } from "../fix-forward-ledger.js";
import { startWatching, watchedSources } from "../watching.js";
import { FIX_ORDERS, FIX_STEPS } from "../../src/services/fix-forward/api.js";
import type { Timeline } from "../../src/observe/types.js";

const BUG = "order.giftNote!.trim()";
const FIX = '(order.giftNote ?? "").trim()';

describe("pause, fix under start --watch, resume --on latest", () => {
  const { src, dir } = watchedSources("fixforward");
  const source = path.join(src, "services", "fix-forward", "orders.ts");

  it(
    "the paused order resumes on the saved fix: attempts on the old code, the pause, charge and reservation REPLAYED",
    async () => {
      expect(readFileSync(source, "utf8"), "the bug is where the test fixes it").toContain(BUG);
      const w = await startWatching({ src, dir });
      const cli = (args: string[]) => runCli([...args, "--state-dir", dir], { timeoutMs: 300_000 });
      try {
        const orderId = uniqueKey("watched");
        const sent = await postIdempotent(`${w.ingressUrl}/${FIX_ORDERS}/place/send`, { orderId, items: ["kettle"] }, orderId);
        expect(sent.status, `${FIX_ORDERS}/place/send`).toBe(202);
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
        const reload = await w.event("reload", "the saved fix deployed");
        expect(reload.changed).toEqual(["services/fix-forward/orders.ts"]);

        const r = await cli(["resume", id, "--on", "latest", "--json"]);
        expect(r.code, r.stderr).toBe(0);
        const d = json<{ outcome: { status: string; result?: string; replayed: string[]; timeline: Timeline } }>(r);
        expect(d.outcome).toMatchObject({ status: "completed", result: "success" });
        expect(d.outcome.replayed.map((s) => s.replace(/^\d+ /, ""))).toEqual([FIX_STEPS.charge, FIX_STEPS.reserve]);
        const attempts = d.outcome.timeline.attempts;
        expect(attempts.at(-1)?.cause, attempts.map((a) => `${a.n} ${a.cause} pid ${a.pid}`).join(", ")).toBe("resume");
        expect(attempts.at(-1)?.pid, "the last attempt ran on the watcher's new worker").toBe(reload.pid);
        expectEachEffectOnce(dir, orderId);
      } finally {
        if (w.child.exitCode === null) w.child.kill("SIGINT");
      }
    },
    TIMEOUT.test,
  );
});
