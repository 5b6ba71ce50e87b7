// The one raw Kafka client of the tests: requests written as frames over a socket, answers read back in arrival
// order (pipelined requests, an answer never read, a connection the broker closes are all visible), plus the frame
// bodies and the topics document the broker's hostile, fault and fuzz tests send.
import net from "node:net";
import { ApiKey, decodeResponse, encodeRequest } from "../src/broker/protocol.js";

const CLOSED = "the broker closed the connection";

/** A raw client: frames out, answers read in arrival order; `socket.pause()` leaves the answers unread in the kernel. */
export class RawClient {
  private parts: Buffer[] = [];
  private have = 0;
  /** readers of the next answer; each gets undefined when the connection closes first */
  private waiting: ((frame: Buffer | undefined) => void)[] = [];
  private frames: Buffer[] = [];
  private next = 1;
  closed = false;
  readonly whenClosed: Promise<void>;

  private constructor(
    readonly socket: net.Socket,
    private readonly clientId: string,
  ) {
    socket.on("data", (d: Buffer) => {
      this.parts.push(d);
      this.have += d.length;
      this.drainFrames();
    });
    this.whenClosed = new Promise((r) =>
      socket.on("close", () => {
        this.closed = true;
        for (const w of this.waiting.splice(0)) w(undefined);
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

  /** A connection to 127.0.0.1:port; `clientId` goes into every request header. */
  static async open(port: number, clientId = "raw"): Promise<RawClient> {
    const s = net.connect({ port, host: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => {
      s.once("connect", () => resolve());
      s.once("error", reject);
    });
    return new RawClient(s, clientId);
  }

  send(apiKey: number, version: number, body: Record<string, unknown>): number {
    const id = this.next++;
    this.socket.write(encodeRequest(apiKey, version, id, this.clientId, body));
    return id;
  }

  /** The next answer's frame, or undefined when the connection closed before it came. */
  private nextFrame(): Promise<Buffer | undefined> {
    const f = this.frames.shift();
    if (f || this.closed) return Promise.resolve(f);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The next answer's frame; an error when the connection closed before it came. */
  async frame(): Promise<Buffer> {
    const f = await this.nextFrame();
    if (!f) throw new Error(CLOSED);
    return f;
  }

  /** One request and its decoded answer, or "closed" when the broker closed the connection instead of answering. */
  async callOrClosed(apiKey: number, version: number, body: Record<string, unknown>): Promise<Record<string, any> | "closed"> {
    const id = this.send(apiKey, version, body);
    const frame = await this.nextFrame();
    if (!frame) return "closed";
    const res = decodeResponse(apiKey, version, frame);
    if (res.correlationId !== id) throw new Error(`answer ${res.correlationId} to request ${id}`);
    return res.body as Record<string, any>;
  }

  /** One request and its decoded answer; an error when the connection closed instead. */
  async call(apiKey: number, version: number, body: Record<string, unknown>): Promise<Record<string, any>> {
    const res = await this.callOrClosed(apiKey, version, body);
    if (res === "closed") throw new Error(CLOSED);
    return res;
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
