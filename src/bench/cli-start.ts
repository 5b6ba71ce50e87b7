// The bench's row for the CLI's own start: a bare Node next to the built entry's --version and --help.
import { spawn } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../runtime/paths.js";
import { median } from "./stats.js";

/** The CLI's own start: a bare `node -e 0` beside `--version` and `--help` of the built entry, each the median of RUNS. */
export async function cliStartup(RUNS: number): Promise<{ nodeBaselineMs: number; versionMs: number; helpMs: number }> {
  const main = path.join(projectRoot, "dist", "main.js");
  const wall = (args: string[]) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, args, { stdio: "ignore" });
      child.on("error", reject);
      child.on("exit", () => resolve(performance.now() - t0));
    });
  // the first --help after a build writes the help cache (and V8's compile cache): not what a user meets next
  await wall([main, "--help"]);
  const node: number[] = [];
  const version: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    node.push(await wall(["-e", "0"]));
    version.push(await wall([main, "--version"]));
    help.push(await wall([main, "--help"]));
  }
  return { nodeBaselineMs: median(node), versionMs: median(version), helpMs: median(help) };
}
