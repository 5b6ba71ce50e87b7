// The embedded broker as a process: `node dist/broker/main.js <port> <data-dir> <asyncapi.yaml>`.
// Listens on 127.0.0.1 only, logs to stderr, stops cleanly on SIGTERM or SIGINT. Its bounds come from the
// environment (PATTERNS_BROKER_*, see settings.ts).
import { Broker } from "./server.js";
import { limitsFromEnv } from "./settings.js";
import { loadSpec } from "./spec.js";
import { lineWriter } from "../lib/log-line.js";

const log = lineWriter();

async function main(): Promise<void> {
  const [portArg, dataDir, specPath] = process.argv.slice(2);
  if (!portArg || !dataDir || !specPath || !/^\d+$/.test(portArg)) {
    process.stderr.write("usage: node dist/broker/main.js <port> <data-dir> <asyncapi.yaml>\n");
    process.exit(2);
  }
  let limits;
  try {
    limits = limitsFromEnv(process.env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const topics = loadSpec(specPath);
  const broker = new Broker({ port: Number(portArg), dataDir, topics, log, limits });
  const port = await broker.start();
  const parts = [...broker.logs.entries()].map(([t, ps]) => `${t}×${ps.length} (${ps.map((p) => `${p.logStart}-${p.end}`).join(", ")})`);
  log("info", `listening on 127.0.0.1:${port}, data in ${dataDir}; topics: ${parts.join("; ")}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", `${signal}: stopping`);
    void broker.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((e: unknown) => {
  log("error", `cannot start: ${(e as Error).message}`);
  process.exit(1);
});
