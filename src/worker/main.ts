// The worker process: one HTTP/2 endpoint with every pattern. Started by the supervisor with the CLI's own Node.
import { existsSync, readFileSync } from "node:fs";
import { startEndpoint } from "../services/endpoint.js";
import { statePaths } from "../runtime/paths.js";

const [major] = process.versions.node.split(".").map(Number);
if ((major ?? 0) < 22) {
  process.stderr.write(`the worker needs Node 22 or newer (the Restate SDK calls Promise.withResolvers); this is Node ${process.versions.node}\n`);
  process.exit(1);
}

const port = Number(process.env.PATTERNS_WORKER_PORT ?? 9080);
const key = process.env.PATTERNS_IDENTITY_KEY;
const stateDir = process.env.PATTERNS_STATE_DIR;
if (!key) {
  process.stderr.write("PATTERNS_IDENTITY_KEY is not set: the worker only serves signed requests\n");
  process.exit(1);
}
const paths = stateDir ? statePaths(stateDir) : undefined;
// A test hook: a worker that fails at load, armed by a file (the supervisor's crash-loop test writes it, then removes it)
if (paths && existsSync(paths.workerFailAtLoad)) throw new Error(readFileSync(paths.workerFailAtLoad, "utf8").trim() || "armed to fail at load");

const server = await startEndpoint({
  port,
  identityKeys: [key],
  stepLog: paths?.stepLog,
  crashArmFile: paths?.crashArm,
});
process.stderr.write(`[playground] worker listening on 127.0.0.1:${port} (pid ${process.pid}, Node ${process.versions.node})\n`);

const shutdown = () => {
  server.close();
  setTimeout(() => process.exit(0), 500).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
