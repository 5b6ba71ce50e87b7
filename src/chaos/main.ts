// `npm run chaos -- [--events 5000] [--keys 50] [--duration 6m] [--seed n] [--smoke] [--out file] [--json] [--keep]`
// Exit 0 when every invariant holds, 1 when one fails, 2 on bad flags, 130 when interrupted (the stack is stopped).
import { writeFileSync } from "node:fs";
import { CommanderError } from "commander";
import { UsageError, errorMessage } from "../errors.js";
import { parseChaosArgs, renderReport, runChaos, type ChaosOptions } from "./run.js";

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  let o: ChaosOptions;
  try {
    o = parseChaosArgs(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      say(`error: ${e.message.replace(/^error: /, "")}`);
      say("fix: npm run chaos -- --help");
      return 2;
    }
    if (e instanceof UsageError) {
      say(`error: ${e.message}`);
      if (e.fix) say(`fix: ${e.fix}`);
      return 2;
    }
    throw e;
  }
  const abort = new AbortController();
  process.once("SIGINT", () => {
    say("interrupted: stopping the chaos stack…");
    abort.abort();
  });
  const r = await runChaos(o, abort.signal);
  writeFileSync(o.out, `${JSON.stringify(r, null, 2)}\n`);
  if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else for (const l of renderReport(r)) process.stdout.write(`${l}\n`);
  say(`written ${o.out}`);
  if (abort.signal.aborted) return 130;
  return r.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    say(`chaos run failed: ${errorMessage(e)}`);
    process.exitCode = 1;
  },
);
