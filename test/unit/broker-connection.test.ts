// The embedded broker's connection plumbing as pure logic: frames assembled the same whatever the chunking (and each
// byte copied once: a 95 MiB frame in 64 KiB chunks), size prefixes out of bounds refused, error lines rate-limited
// per kind with a count of what was left out, and the bounds read from the environment.
import { describe, expect, it } from "vitest";
import { FrameError, FrameReader } from "../../src/broker/connection.js";
import { RateLog } from "../../src/broker/ratelog.js";
import { DEFAULT_LIMITS, LIMIT_ENV, limitsFromEnv } from "../../src/broker/settings.js";

function frame(body: Buffer): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

describe("frame assembly", () => {
  it("yields the same frames whatever the chunk boundaries, size prefix split included", () => {
    const bodies = [Buffer.from("a"), Buffer.alloc(0), Buffer.from("hello world"), Buffer.alloc(300, 7)];
    const stream = Buffer.concat(bodies.map(frame));
    for (const step of [1, 2, 3, 5, 7, 64, stream.length]) {
      const r = new FrameReader(1000);
      const out: Buffer[] = [];
      for (let at = 0; at < stream.length; at += step) r.push(stream.subarray(at, at + step), out);
      expect(
        out.map((b) => b.toString("hex")),
        `chunks of ${step}`,
      ).toEqual(bodies.map((b) => b.toString("hex")));
    }
  });

  it("assembles a 95 MiB frame from 64 KiB chunks by concatenating once", () => {
    const size = 95 * 1024 * 1024;
    const r = new FrameReader(100 * 1024 * 1024);
    const out: Buffer[] = [];
    const head = Buffer.alloc(4);
    head.writeInt32BE(size, 0);
    r.push(head, out);
    const chunk = Buffer.alloc(64 * 1024, 1);
    const copies = { n: 0 };
    const concat = Buffer.concat;
    // count the bytes copied into frames: exactly the frame's size, not the quadratic sum of partial re-copies
    Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
      copies.n += total ?? list.reduce((n, b) => n + b.length, 0);
      return concat(list, total);
    }) as typeof Buffer.concat;
    try {
      for (let sent = 0; sent < size; sent += chunk.length) r.push(chunk.subarray(0, Math.min(chunk.length, size - sent)), out);
    } finally {
      Buffer.concat = concat;
    }
    expect(out).toHaveLength(1);
    expect(out[0]!.length).toBe(size);
    expect(copies.n).toBe(size);
  });

  it("refuses a negative size or one above the largest request", () => {
    const r = new FrameReader(100);
    const big = Buffer.alloc(4);
    big.writeInt32BE(101, 0);
    expect(() => r.push(big, [])).toThrow(FrameError);
    const neg = Buffer.alloc(4);
    neg.writeInt32BE(-1, 0);
    expect(() => new FrameReader(100).push(neg, [])).toThrow(/-1 bytes/);
  });
});

describe("rate-limited log lines", () => {
  it("writes `burst` lines per kind per window, then one line counting the rest at their level", () => {
    let now = 0;
    const lines: string[] = [];
    const log = new RateLog(
      (level, l) => lines.push(`${level} ${l}`),
      3,
      10_000,
      () => now,
    );
    for (let i = 0; i < 100; i++) log.line("bad frame", `bad ${i}`);
    log.line("idle", "idle 1", "info");
    for (let i = 0; i < 5; i++) log.line("storage", `disk ${i}`, "error");
    expect(lines).toEqual(["warn bad 0", "warn bad 1", "warn bad 2", "info idle 1", "error disk 0", "error disk 1", "error disk 2"]);
    now = 10_001;
    log.line("bad frame", "bad again");
    expect(lines.slice(7)).toEqual(['warn 97 more "bad frame" lines were not logged (at most 3 per 10 s)', "warn bad again"]);
    log.close();
    expect(lines.slice(9)).toEqual(['error 2 more "storage" lines were not logged (at most 3 per 10 s)']);
  });
});

describe("broker settings", () => {
  it("defaults to Kafka's own where Kafka has the setting, and reads PATTERNS_BROKER_* overrides", () => {
    expect(DEFAULT_LIMITS.maxRequestBytes).toBe(104857600);
    expect(DEFAULT_LIMITS.maxBatchBytes).toBe(1048588);
    expect(DEFAULT_LIMITS.idleMs).toBe(600_000);
    expect(limitsFromEnv({})).toEqual(DEFAULT_LIMITS);
    expect(limitsFromEnv({ [LIMIT_ENV.maxConnections]: "7" }).maxConnections).toBe(7);
    expect(() => limitsFromEnv({ [LIMIT_ENV.idleMs]: "soon" })).toThrow(/PATTERNS_BROKER_IDLE_MS=soon/);
    expect(() => limitsFromEnv({ [LIMIT_ENV.maxQueuedRequests]: "0" })).toThrow(/positive integer/);
  });
});
