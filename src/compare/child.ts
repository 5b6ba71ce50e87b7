// The plain Node run of a comparison, as its own process (`compare` forks it): the scenario's ordinary async function,
// the same step functions and simulated systems as the worker, no journal. After each step it tells the parent and
// waits for a go; the parent SIGKILLs it at the crash step. Its ledger entries carry the run id it was given
// (PATTERNS_LEDGER_RUN), so they never mix with the playground's. Arguments: <pattern> <key> <attempt>.
import { scaleDuration } from "../lib/time-scale.js";
import { findComparison } from "./index.js";
import type { PlainIo } from "./types.js";

export type ChildMessage = { t: "step"; step: string } | { t: "answer"; id: string; ok: boolean; value?: unknown } | { t: "done" } | { t: "error"; message: string };

const send = (m: ChildMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

// the parent answers each step report with a go (or kills this process instead)
const waiting: (() => void)[] = [];
process.on("message", (m: { t?: string }) => {
  if (m?.t === "go") waiting.shift()?.();
});
// an orphan is never left behind: when the parent goes, so does this run
process.on("disconnect", () => process.exit(1));

async function main(): Promise<void> {
  const [pattern, key, attemptRaw] = process.argv.slice(2);
  const cmp = await findComparison(pattern ?? "");
  if (!cmp || !key) throw new Error(`no comparison "${pattern}" (or no key)`);
  const scale = Number(process.env.PATTERNS_TIME_SCALE);
  const io: PlainIo = {
    attempt: Number(attemptRaw) || 1,
    key,
    async step(name, body) {
      const value = await body();
      const go = new Promise<void>((r) => waiting.push(r));
      await send({ t: "step", step: name });
      await go;
      return value;
    },
    answer(id, ok, value) {
      void send({ t: "answer", id, ok, value });
    },
    scaled: (ms) => scaleDuration(ms, Number.isFinite(scale) && scale > 0 ? scale : 1),
  };
  await cmp.plain(io);
  await send({ t: "done" });
}

main().then(
  () => process.exit(0),
  async (e) => {
    await send({ t: "error", message: e instanceof Error ? e.message : String(e) }).catch(() => {});
    process.exit(1);
  },
);
