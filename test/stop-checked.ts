// Stopping a stack in a test: what `stop` left behind (processes, ports) fails the test instead of being ignored.
// Plain module (no vitest import), so the e2e global setup uses it too.
import type { StartedStack } from "../src/lab/stack.js";
import { isPortFree, portOwner } from "../src/runtime/ports.js";

/**
 * Stop a stack and fail, naming them, when any of its processes outlive the stop or any of its ports is still taken
 * (after a few seconds for the kernel to release it; the owner is named, so a port another stack took meanwhile shows
 * as such). A leak fails the test (or the file's afterAll) that left it.
 */
export async function stopChecked(s: StartedStack | undefined): Promise<void> {
  if (!s) return;
  const { orphans, listeners } = await s.stop();
  const still: string[] = [];
  for (const port of listeners) {
    let freed = await isPortFree(port);
    for (const deadline = Date.now() + 5_000; !freed && Date.now() < deadline; freed = await isPortFree(port)) await new Promise((r) => setTimeout(r, 100));
    if (!freed) {
      const owner = await portOwner(port);
      still.push(`port ${port}${owner ? ` (held by ${owner.command ?? "?"} pid ${owner.pid ?? "?"})` : ""}`);
    }
  }
  const left = [...orphans.map((pid) => `process ${pid}`), ...still];
  if (left.length) throw new Error(`the stack in ${s.stateDir} left behind after stop: ${left.join(", ")}`);
}
