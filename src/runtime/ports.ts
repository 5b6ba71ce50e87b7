// Port checks: is a loopback port free, who holds it, and a free port for tests.
import net from "node:net";
import { readFileSync } from "node:fs";
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

/** The low end of the kernel's ephemeral range (outgoing connections take their local ports from it). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const handedOut = new Set<number>();

/**
 * A port free on 127.0.0.1 and on every interface (so a real Kafka published elsewhere cannot hold it), for private stacks. Picked at random
 * below the ephemeral range: a port the kernel handed to one caller (bind to 0) is soon handed to the next one or to an
 * outgoing connection, which made parallel stacks collide.
 */
export async function freePort(): Promise<number> {
  const low = 10_000;
  const high = ephemeralLow();
  for (let i = 0; i < 200; i++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    if ((await isPortFree(port)) && (await isPortFree(port, "0.0.0.0"))) {
      handedOut.add(port);
      return port;
    }
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
