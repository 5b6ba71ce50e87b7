// The worker process: one HTTP/2 endpoint with every pattern. Started by the supervisor with the CLI's own Node.
import { existsSync, readFileSync } from "node:fs";
import { startEndpoint } from "../services/endpoint.js";
import { workerFiles } from "../lib/worker-files.js";
import { logLine } from "../lib/log-line.js";

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
const paths = stateDir ? workerFiles(stateDir) : undefined;
// A test hook, armed by a file: a worker that fails at load (the supervisor's crash-loop test), or with "hold" in the
// file one that waits at load until the file is gone (a start held half way, to interrupt it)
while (paths && existsSync(paths.workerFailAtLoad)) {
  const armed = readFileSync(paths.workerFailAtLoad, "utf8").trim();
  if (armed !== "hold") throw new Error(armed || "armed to fail at load");
  await new Promise((r) => setTimeout(r, 100));
}

const server = await startEndpoint({
  port,
  identityKeys: [key],
  stepLog: paths?.stepLog,
  crashArmFile: paths?.crashArm,
});
process.stderr.write(`${logLine("info", `worker listening on 127.0.0.1:${port} (pid ${process.pid}, Node ${process.versions.node})`)}\n`);

const shutdown = () => {
  // done once Restate's connections are gone (the supervisor stops restate-server first), else after half a second
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
