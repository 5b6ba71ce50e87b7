// `patterns logs [restate|broker|worker|supervisor] [-f]`: the component logs (append-mode files in the state dir).
import path from "node:path";
import { existsSync } from "node:fs";
import { resolveStateDir, statePaths } from "../runtime/paths.js";
import { followFile, tailFile } from "../runtime/logs.js";
import { UsageError } from "../errors.js";
import { intOption } from "./common.js";
import { out } from "../ui/output.js";
import { c } from "../ui/palette.js";
import { verb } from "./verb.js";

const NAMES = ["restate", "broker", "worker", "client-app", "supervisor"] as const;
/** a cluster's other nodes (start --nodes N): restate-2 … restate-5; `restate` is node 1 */
const NODE_LOG = /^restate-[2-5]$/;

export const logs = verb<{ follow?: boolean; lines: number }>({
  path: "logs",
  group: "inspect",
  summary: "print the last lines of the component logs; -f follows them (NDJSON with --json)",
  args: [{ name: "[component]", description: `one of ${NAMES.join(", ")}, or restate-2… for a cluster's other nodes (default: all)` }],
  options: [
    { flags: "-f, --follow", description: "keep printing new lines until Ctrl+C" },
    { flags: "-n, --lines <n>", description: "how many lines from the end", parse: intOption("--lines", 1, 100_000), default: 40 },
  ],
  examples: [
    "npx patterns logs worker",
    "npx patterns logs restate -f",
    "npx patterns logs restate-2      # node 2 of a cluster",
    "npx patterns logs -n 200",
    "npx patterns logs --json | jq -r 'select(.component==\"worker\") | .line'",
  ],
  async run(ctx, component: string | undefined) {
    const o = ctx.opts;
    if (component && !(NAMES as readonly string[]).includes(component) && !NODE_LOG.test(component)) {
      throw new UsageError(`unknown component "${component}"`, `use one of ${NAMES.join(", ")} (or restate-2 … restate-5 for a cluster's nodes)`);
    }
    const dir = statePaths(resolveStateDir(o.stateDir)).logsDir;
    if (component && NODE_LOG.test(component) && !existsSync(path.join(dir, `${component}.log`))) {
      throw new UsageError(`no log for ${component} in ${dir}`, "node logs exist for a cluster only: `npx patterns start --nodes 3`");
    }
    const nodeLogs = ["restate-2", "restate-3", "restate-4", "restate-5"];
    const chosen = component ? [component] : ["restate", ...nodeLogs, ...NAMES.slice(1)];
    const files = chosen.map((n) => ({ n, file: path.join(dir, `${n}.log`) })).filter((f) => existsSync(f.file));
    if (files.length === 0) throw new UsageError(`no logs in ${dir}`, "start the playground first: `npx patterns start`");
    const multi = files.length > 1;
    // --json: NDJSON, one {"component","line"} object per log line (tail and follow alike)
    const ndjson = (component: string, line: string) => out(JSON.stringify({ component, line }));
    for (const f of files) {
      const text = tailFile(f.file, o.lines);
      if (ctx.json) {
        if (text) for (const line of text.split("\n")) ndjson(f.n, line);
        continue;
      }
      if (multi) out(c.bold(`── ${f.n} (${f.file})`));
      if (text) out(text);
    }
    if (!o.follow) return;
    await new Promise<void>((resolve) => {
      const stops = files.map((f) => followFile(f.file, (l) => (ctx.json ? ndjson(f.n, l) : out(multi ? `${c.dim(f.n.padEnd(10))} ${l}` : l))));
      process.once("SIGINT", () => {
        for (const s of stops) s();
        resolve();
        process.exitCode = 130;
      });
    });
  },
});
