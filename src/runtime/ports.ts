// Port checks: is a loopback port free, who holds it, and a free port for tests.
import net from "node:net";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Can something be connected to on host:port right now? */
export function canConnect(port: number, host = "127.0.0.1", timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });
}

/** A port free on 127.0.0.1 and on every interface (Mokapi binds all of them). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
      });
    });
    if (port && (await isPortFree(port, "0.0.0.0"))) return port;
  }
  throw new Error("no free port found");
}

export interface PortOwner {
  pid?: number;
  command?: string;
}

/** Parse `ss -ltnpH` output for the owner of a port (pure; unit-tested). */
export function parseSsOwner(output: string, port: number): PortOwner | undefined {
  for (const line of output.split("\n")) {
    const cols = line.trim().split(/\s+/);
    const local = cols[3];
    if (!local || !local.endsWith(`:${port}`)) continue;
    const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    if (m) return { command: m[1], pid: Number(m[2]) };
    return {};
  }
  return undefined;
}

/** Best effort: which process listens on this port (Linux `ss`). */
export async function portOwner(port: number): Promise<PortOwner | undefined> {
  try {
    const { stdout } = await execFileP("ss", ["-ltnpH", `sport = :${port}`], { timeout: 2000 });
    return parseSsOwner(stdout, port);
  } catch {
    return undefined;
  }
}

export interface Listener {
  address: string;
  port: number;
  pid?: number;
  command?: string;
}

/** Every TCP listener with its owning pid (for `status` and the loopback test). */
export async function listeners(): Promise<Listener[]> {
  try {
    const { stdout } = await execFileP("ss", ["-ltnpH"], { timeout: 2000 });
    const out: Listener[] = [];
    for (const line of stdout.split("\n")) {
      const cols = line.trim().split(/\s+/);
      const local = cols[3];
      if (!local) continue;
      const idx = local.lastIndexOf(":");
      const address = local.slice(0, idx);
      const port = Number(local.slice(idx + 1));
      for (const m of line.matchAll(/\("([^"]+)",pid=(\d+)/g)) out.push({ address, port, command: m[1], pid: Number(m[2]) });
    }
    return out;
  } catch {
    return [];
  }
}
