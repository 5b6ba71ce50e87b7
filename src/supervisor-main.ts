// Entry of the detached supervisor: reads its config from argv, hands the supervisor what it needs from above the
// runtime (the observation layer's count of pinned invocations), reports progress to the `start` command over IPC,
// then keeps running until `stop` (SIGTERM or the control socket).
import { errorMessage } from "./errors.js";
import { supervisorDeps } from "./observe/supervisor-deps.js";
import type { StackConfig } from "./runtime/config.js";
import { Supervisor, StartError, logTail, type ProgressEvent } from "./runtime/supervisor.js";

const config = JSON.parse(process.argv[2] ?? "{}") as StackConfig;
const send = (e: ProgressEvent) => {
  if (process.connected) process.send?.(e);
};
const supervisor = new Supervisor(config, supervisorDeps, send);

let shuttingDown = false;
const shutdown = async () => {
  if (shuttingDown) return;
  shuttingDown = true;
  await supervisor.stop();
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
process.on("SIGHUP", () => {});
process.on("disconnect", () => {});

try {
  const state = await supervisor.start();
  send({ type: "ready", state });
  if (process.connected) process.disconnect();
} catch (e) {
  const component = e instanceof StartError ? e.component : undefined;
  const log = e instanceof StartError ? e.log : undefined;
  send({ type: "failed", message: errorMessage(e), component, log, tail: logTail(log) });
  setTimeout(() => process.exit(1), 100);
}
