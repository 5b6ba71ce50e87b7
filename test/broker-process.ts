// For the embedded broker's hostile, fault and fuzz tests: the built broker as a child process (the way the supervisor
// runs it) with its own topics document, environment (its PATTERNS_BROKER_* bounds) and an optional shell prefix
// (`ulimit -f` for a small file-size limit), its CPU time and memory read from /proc for its pid, and a raw Kafka
// client speaking frames over a socket.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort, canConnect } from "../src/runtime/ports.js";
import { brokerEntry } from "../src/runtime/paths.js";
import { ApiKey, decodeResponse, encodeRequest } from "../src/broker/protocol.js";
import { eventually } from "./helpers.js";

export interface BrokerProcess {
  port: number;
  dataDir: string;
  pid: number;
  log(): string;
  /** user + system CPU time of the broker process so far, ms */
  cpuMs(): number;
  /** resident memory now and its peak over the process's life (VmHWM), MB */
  memory(): { rssMb: number; peakMb: number };
  /** SIGKILL, then start again over the same data dir and port (optionally with another environment or prefix) */
  restart(opts?: { env?: Record<string, string>; shell?: string }): Promise<void>;
  /** SIGTERM (a clean stop: the broker fsyncs and checkpoints) and wait for the exit */
  stopCleanly(): Promise<void>;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100;

export async function startBrokerProcess(spec: string, opts: { env?: Record<string, string>; shell?: string } = {}): Promise<BrokerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "broker-hostile-"));
  const specFile = path.join(dataDir, "asyncapi.yaml");
  writeFileSync(specFile, spec);
  const data = path.join(dataDir, "data");
  let logText = "";
  let proc: ChildProcess;
  const spawnIt = async (o: { env?: Record<string, string>; shell?: string }) => {
    const args = [brokerEntry, String(port), data, specFile];
    const env = { ...process.env, ...o.env };
    // the shell prefix `exec`s node, so the pid is the broker's own
    proc = o.shell
      ? spawn("bash", ["-c", `${o.shell}; exec "$0" "$@"`, process.execPath, ...args], { stdio: ["ignore", "ignore", "pipe"], env })
      : spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env });
    proc.stderr!.on("data", (d) => (logText += d));
    await eventually(`the broker on port ${port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`the broker exited (${proc.exitCode}): ${logText}`);
      return canConnect(port);
    });
  };
  const kill = async (signal: NodeJS.Signals) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((r) => proc.once("exit", r));
    proc.kill(signal);
    await gone;
  };
  await spawnIt(opts);
  const status = () => readFileSync(`/proc/${proc.pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status())?.[1] ?? NaN);
  return {
    port,
    dataDir: data,
    get pid() {
      return proc.pid!;
    },
    log: () => logText,
    cpuMs() {
      // /proc/<pid>/stat: fields after the command's closing parenthesis; utime and stime are the 12th and 13th
      const stat = readFileSync(`/proc/${proc.pid}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
    },
    memory: () => ({ rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 }),
    async restart(o = {}) {
      await kill("SIGKILL");
      await spawnIt(o);
    },
    async stopCleanly() {
      await kill("SIGTERM");
    },
    async stop() {
      await kill("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A raw client: frames out, answers read in arrival order; `paused` leaves the answers unread in the kernel. */
export class RawClient {
  private parts: Buffer[] = [];
  private have = 0;
  private waiting: ((frame: Buffer) => void)[] = [];
  private frames: Buffer[] = [];
  private next = 1;
  closed = false;
  readonly whenClosed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => {
      this.parts.push(d);
      this.have += d.length;
      this.drainFrames();
    });
    this.whenClosed = new Promise((r) =>
      socket.on("close", () => {
        this.closed = true;
        r();
      }),
    );
    socket.on("error", () => {});
  }

  private drainFrames(): void {
    while (this.have >= 4) {
      const head = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
      this.parts = [head];
      const size = head.readInt32BE(0);
      if (head.length < 4 + size) return;
      const frame = head.subarray(4, 4 + size);
      const rest = head.subarray(4 + size);
      this.parts = rest.length ? [rest] : [];
      this.have = rest.length;
      const w = this.waiting.shift();
      if (w) w(frame);
      else this.frames.push(frame);
    }
  }

  static async open(port: number): Promise<RawClient> {
    const s = net.connect({ port, host: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => {
      s.once("connect", () => resolve());
      s.once("error", reject);
    });
    return new RawClient(s);
  }

  send(apiKey: number, version: number, body: Record<string, unknown>): number {
    const id = this.next++;
    this.socket.write(encodeRequest(apiKey, version, id, "hostile", body));
    return id;
  }

  frame(): Promise<Buffer> {
    const f = this.frames.shift();
    if (f) return Promise.resolve(f);
    if (this.closed) return Promise.reject(new Error("the broker closed the connection"));
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      void this.whenClosed.then(() => reject(new Error("the broker closed the connection")));
    });
  }

  async call(apiKey: number, version: number, body: Record<string, unknown>): Promise<Record<string, any>> {
    const id = this.send(apiKey, version, body);
    const res = decodeResponse(apiKey, version, await this.frame());
    if (res.correlationId !== id) throw new Error(`answer ${res.correlationId} to request ${id}`);
    return res.body;
  }

  close(): void {
    this.socket.destroy();
  }
}

export const produceBody = (topic: string, partition: number, records: Buffer | null, acks = -1) => ({
  transactionalId: null,
  acks,
  timeoutMs: 5000,
  topics: [{ name: topic, partitions: [{ index: partition, records }] }],
});

export const fetchBody = (topic: string, partition: number, fetchOffset: number, maxBytes = 1 << 20, maxWaitMs = 0) => ({
  replicaId: -1,
  maxWaitMs,
  minBytes: 1,
  maxBytes,
  isolationLevel: 1,
  topics: [{ topic, partitions: [{ partition, fetchOffset, logStartOffset: -1, partitionMaxBytes: maxBytes }] }],
});

/** [log start, log end] of a partition, through ListOffsets */
export async function offsets(c: RawClient, topic: string, partition: number): Promise<[number, number]> {
  const at = async (timestamp: number) =>
    (await c.call(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 1, topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp }] }] })).topics[0].partitions[0]
      .offset as number;
  return [await at(-2), await at(-1)];
}

/** A topics document: each topic with its partitions and optional topic configuration; values are any JSON. */
export function topicsSpec(topics: { name: string; partitions?: number; config?: Record<string, number> }[]): string {
  const lines = ["asyncapi: 3.0.0", "defaultContentType: application/json", "channels:"];
  for (const t of topics) {
    lines.push(`  ${t.name}:`, "    bindings:", "      kafka:", `        partitions: ${t.partitions ?? 1}`);
    if (t.config) {
      lines.push("        topicConfiguration:");
      for (const [k, v] of Object.entries(t.config)) lines.push(`          ${k}: ${v}`);
    }
  }
  return lines.join("\n") + "\n";
}
