// `patterns ui`: the Restate UI of the running stack: print its URL and open a browser where that is possible.
// Opening is best effort and never fails the verb.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";

export interface UiResult {
  url: string;
  /** HTTP status of GET <url>, or undefined if it did not answer */
  httpStatus?: number;
  opened: boolean;
  /** why it was not opened */
  reason?: string;
}

export function uiUrl(adminUrl: string): string {
  return `${adminUrl.replace(/\/+$/, "")}/ui/`;
}

function onPath(cmd: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      /* next */
    }
  }
  return false;
}

/** The command that opens a URL here, or why there is none (pure apart from the PATH lookup). */
export function opener(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): { cmd: string; args: string[] } | { reason: string } {
  if (platform === "darwin") return { cmd: "open", args: [] };
  if (platform === "win32") return { cmd: "cmd", args: ["/c", "start", '""'] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { reason: "no graphical display (DISPLAY/WAYLAND_DISPLAY unset)" };
  if (!onPath("xdg-open", env)) return { reason: "xdg-open is not installed" };
  return { cmd: "xdg-open", args: [] };
}

export { probeUi as probe } from "../../runtime/admin.js";

export function openUrl(url: string): Promise<{ opened: boolean; reason?: string }> {
  const how = opener();
  if ("reason" in how) return Promise.resolve({ opened: false, reason: how.reason });
  return new Promise((resolve) => {
    try {
      const child = spawn(how.cmd, [...how.args, url], { stdio: "ignore", detached: true });
      child.once("error", (e) => resolve({ opened: false, reason: `${how.cmd} failed: ${e.message}` }));
      child.once("spawn", () => {
        child.unref();
        resolve({ opened: true });
      });
    } catch (e) {
      resolve({ opened: false, reason: `${how.cmd} failed: ${(e as Error).message}` });
    }
  });
}
