// `patterns restatectl -- <args>`: Restate's own restatectl (the pinned npm one), pointed at this playground's node(s)
// whatever their fabric ports. `npx restatectl` alone asks 127.0.0.1:5122 and cannot be pointed through the project's
// `.env` (it reads it only after its options), so on other ports it would show another stack's node or none.
import { spawn } from "node:child_process";
import { UsageError } from "../errors.js";
import { restatectlBinary } from "../runtime/cluster.js";
import { restatectlAddresses } from "../runtime/restate-cli-env.js";
import { isAlive } from "../runtime/state.js";
import { verb } from "./verb.js";

/** Run it in this terminal; resolves with its exit code (130 when interrupted, as ours). */
function runInherited(args: string[], address: string): Promise<number> {
  // RESTATECTL_ADDRESS, not --address: a `-s` the user passes still wins, as it would with plain restatectl
  const child = spawn(restatectlBinary(), args, { stdio: "inherit", env: { ...process.env, RESTATECTL_ADDRESS: address } });
  // Ctrl+C reaches restatectl too (same process group): let it end, then report how it ended
  const ignore = () => {};
  process.on("SIGINT", ignore);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      process.off("SIGINT", ignore);
      resolve(code ?? (signal === "SIGINT" ? 130 : 1));
    });
  });
}

export const restatectl = verb<Record<string, never>>({
  path: "restatectl",
  group: "inspect",
  summary: "run Restate's restatectl against this playground's nodes, whatever their ports (its arguments after --)",
  args: [{ name: "[args...]", description: "restatectl's command and options, after -- (default: status)" }],
  examples: ["npx patterns restatectl -- status", "npx patterns restatectl -- partitions list", "npx patterns restatectl -- sql 'SELECT plain_node_id, name FROM nodes'"],
  help: "\nThe address comes from the running stack (RESTATECTL_ADDRESS); restatectl's own -s still overrides it. Its exit code is\nthis command's.\n",
  async run(ctx, args: string[] | undefined) {
    if (ctx.json) throw new UsageError("--json is not restatectl's", "pass restatectl's own options after --: `npx patterns restatectl -- sql --json 'SELECT * FROM nodes'`");
    const stack = ctx.stack();
    const address = restatectlAddresses(stack.state, (n) => n.phase === "up" && isAlive(n.pid));
    process.exitCode = await runInherited(args?.length ? args : ["status"], address);
    return undefined;
  },
});
