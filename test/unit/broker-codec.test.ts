// The embedded broker's wire layer: CRC-32C, the primitive codec, and every request and response version it
// advertises — each round-tripped field by field, and the layouts that clients depend on checked against bytes
// written out by hand from the Kafka protocol guide.
import { describe, expect, it } from "vitest";
import { crc32c } from "../../src/broker/crc32c.js";
import { Reader, Writer } from "../../src/broker/codec.js";
import { ApiKey, API_NAMES, REQUESTS, RESPONSES, SUPPORTED, decodeRequestBody, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse, type Field } from "../../src/broker/protocol.js";
import { repoRoot } from "../helpers.js";

/** A bit-at-a-time CRC-32C, the textbook definition, to check the table-driven one against. */
function crcReference(buf: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe("CRC-32C", () => {
  it("matches the published check value and the RFC 3720 vectors", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it("agrees with the bitwise definition on every length and alignment, and continues from a seed", () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) & 0xff));
    for (let len = 0; len < 40; len++) {
      for (const start of [0, 1, 3, 7]) expect(crc32c(data, start, start + len), `length ${len} at ${start}`).toBe(crcReference(data.subarray(start, start + len)));
    }
    expect(crc32c(data)).toBe(crcReference(data));
    expect(crc32c(data, 100, 300, crc32c(data, 0, 100))).toBe(crc32c(data));
  });
});

describe("primitive codec", () => {
  it("writes and reads varints, zig-zag varints, compact strings and nullable fields", () => {
    const w = new Writer(4);
    const uv = [0, 1, 127, 128, 300, 16383, 16384, 2 ** 31, 2 ** 40];
    const sv = [0, -1, 1, -64, 64, -(2 ** 31), 2 ** 31 - 1, -(2 ** 40)];
    for (const v of uv) w.uvarint(v);
    for (const v of sv) w.varint(v);
    w.compactString("héllo")
      .compactString(null)
      .nullableString(null)
      .nullableBytes(null)
      .varBytes(null)
      .varBytes(Buffer.from("ab"))
      .int64(2 ** 50)
      .int64(-1);
    const r = new Reader(w.toBuffer());
    for (const v of uv) expect(r.uvarint()).toBe(v);
    for (const v of sv) expect(r.varint()).toBe(v);
    expect(r.compactString()).toBe("héllo");
    expect(r.compactString()).toBeNull();
    expect(r.nullableString()).toBeNull();
    expect(r.nullableBytes()).toBeNull();
    expect(r.varBytes()).toBeNull();
    expect(r.varBytes()?.toString()).toBe("ab");
    expect(r.int64()).toBe(2 ** 50);
    expect(r.int64()).toBe(-1);
    expect(r.remaining()).toBe(0);
  });

  it("encodes varints as the protocol guide shows (300 → ac 02, −1 → 01)", () => {
    expect(new Writer().uvarint(300).toBuffer().toString("hex")).toBe("ac02");
    expect(new Writer().varint(-1).toBuffer().toString("hex")).toBe("01");
    expect(new Writer().varint(1).toBuffer().toString("hex")).toBe("02");
  });

  it("refuses truncated input instead of reading past it", () => {
    expect(() => new Reader(Buffer.from([0, 5, 0x61])).string()).toThrow(/truncated/);
    expect(() => new Reader(Buffer.from([0, 0, 0])).int32()).toThrow(/truncated/);
  });
});

/** A value for every field of a schema, distinct per field, as the given version carries it. */
function sample(fields: Field[], version: number, seed = 1): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = seed;
  for (const f of fields) {
    n++;
    if (version < f.min || version > f.max) continue;
    out[f.name] = sampleValue(f.type, version, n);
  }
  return out;
}

function sampleValue(t: Field["type"], version: number, n: number): unknown {
  if (typeof t === "string") {
    switch (t) {
      case "int8":
        return n % 100;
      case "int16":
        return 1000 + n;
      case "int32":
        return 100000 + n;
      case "int64":
        return 2 ** 40 + n;
      case "bool":
        return n % 2 === 1;
      case "string":
        return `s${n}`;
      case "nullableString":
        return n % 3 === 0 ? null : `ns${n}`;
      case "bytes":
        return Buffer.from(`b${n}`);
      case "nullableBytes":
        return Buffer.from(`nb${n}`);
    }
  }
  if (Array.isArray(t)) return sample(t, version, n * 10);
  return [sampleValue(t.of, version, n + 1), sampleValue(t.of, version, n + 2)];
}

/** The fields a version does not carry come back as their defaults; compare only the carried ones. */
function carried(fields: Field[], version: number, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (version < f.min || version > f.max) continue;
    out[f.name] = carriedValue(f.type, version, value[f.name]);
  }
  return out;
}

function carriedValue(t: Field["type"], version: number, v: unknown): unknown {
  if (typeof t === "string") return v;
  if (Array.isArray(t)) return carried(t, version, v as Record<string, unknown>);
  if (v === null) return null;
  return (v as unknown[]).map((x) => carriedValue(t.of, version, x));
}

describe("every advertised request and response version round-trips", () => {
  for (const [key, [min, max]] of Object.entries(SUPPORTED)) {
    const apiKey = Number(key);
    if (apiKey === ApiKey.ApiVersions) continue;
    for (let v = min; v <= max; v++) {
      it(`${API_NAMES[apiKey]} v${v}`, () => {
        const reqSchema = REQUESTS[apiKey as keyof typeof REQUESTS];
        const req = sample(reqSchema, v);
        const frame = encodeRequest(apiKey, v, 77, "client-x", req);
        expect(frame.readInt32BE(0), "size prefix").toBe(frame.length - 4);
        const { header, reader } = decodeRequestHeader(frame.subarray(4));
        expect(header).toEqual({ apiKey, apiVersion: v, correlationId: 77, clientId: "client-x" });
        const body = decodeRequestBody(apiKey, v, reader);
        expect(reader.remaining(), "bytes left after the request").toBe(0);
        expect(carried(reqSchema, v, body)).toEqual(carried(reqSchema, v, req));

        const resSchema = RESPONSES[apiKey as keyof typeof RESPONSES];
        const res = sample(resSchema, v, 5);
        const out = encodeResponse(apiKey, v, 99, res);
        expect(out.readInt32BE(0)).toBe(out.length - 4);
        const back = decodeResponse(apiKey, v, out.subarray(4));
        expect(back.correlationId).toBe(99);
        expect(carried(resSchema, v, back.body)).toEqual(carried(resSchema, v, res));
      });
    }
  }

  for (let v = 0; v <= 3; v++) {
    it(`ApiVersions v${v}`, () => {
      const frame = encodeRequest(ApiKey.ApiVersions, v, 5, "c", { clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.12.1" });
      const { header, reader } = decodeRequestHeader(frame.subarray(4));
      expect(header.apiVersion).toBe(v);
      const body = decodeRequestBody(ApiKey.ApiVersions, v, reader);
      expect(reader.remaining()).toBe(0);
      if (v >= 3) expect(body).toEqual({ clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.12.1" });
      const apiKeys = [
        { apiKey: 0, minVersion: 3, maxVersion: 7 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
      ];
      const back = decodeResponse(ApiKey.ApiVersions, v, encodeResponse(ApiKey.ApiVersions, v, 5, { errorCode: 0, apiKeys, throttleTimeMs: 0 }).subarray(4));
      expect(back.body).toMatchObject({ errorCode: 0, apiKeys });
    });
  }
});

describe("layouts against bytes written from the protocol guide", () => {
  const hex = (b: Buffer) => b.toString("hex");

  it("ApiVersions v3: response header v0 (no tagged fields), compact array of keys, throttle, empty tags", () => {
    const out = encodeResponse(ApiKey.ApiVersions, 3, 0x01020304, { errorCode: 0, apiKeys: [{ apiKey: 1, minVersion: 4, maxVersion: 11 }], throttleTimeMs: 0 });
    // size | correlation | error | count+1 | key min max tags | throttle | tags
    expect(hex(out)).toBe("00000013" + "01020304" + "0000" + "02" + "0001" + "0004" + "000b" + "00" + "00000000" + "00");
  });

  it("ApiVersions v0: int32-counted keys, no throttle", () => {
    const out = encodeResponse(ApiKey.ApiVersions, 0, 1, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }] });
    expect(hex(out)).toBe("00000010" + "00000001" + "0023" + "00000001" + "0012" + "0000" + "0003");
  });

  it("ApiVersions v3 request: header v2 carries tagged fields after the client id", () => {
    const frame = Buffer.from("0012" + "0003" + "00000007" + "0001" + "61" + "00" + "0b" + Buffer.from("librdkafka").toString("hex") + "03" + "322e" + "00", "hex");
    const { header, reader } = decodeRequestHeader(frame);
    expect(header).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 7, clientId: "a" });
    expect(decodeRequestBody(18, 3, reader)).toEqual({ clientSoftwareName: "librdkafka", clientSoftwareVersion: "2." });
  });

  it("Metadata v1 request: a null topic array means every topic; v4 adds allow_auto_topic_creation", () => {
    const v1 = decodeRequestHeader(Buffer.from("0003" + "0001" + "00000001" + "ffff" + "ffffffff", "hex"));
    expect(decodeRequestBody(3, 1, v1.reader)).toMatchObject({ topics: null });
    const v4 = decodeRequestHeader(Buffer.from("0003" + "0004" + "00000001" + "ffff" + "00000001" + "0001" + "74" + "00", "hex"));
    expect(decodeRequestBody(3, 4, v4.reader)).toMatchObject({ topics: [{ name: "t" }], allowAutoTopicCreation: false });
  });

  it("Produce v7 response: per-partition base offset, append time, log start; throttle last", () => {
    const out = encodeResponse(ApiKey.Produce, 7, 2, {
      responses: [{ name: "t", partitions: [{ index: 0, errorCode: 87, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: 5 }] }],
      throttleTimeMs: 0,
    });
    expect(hex(out.subarray(4))).toBe("00000002" + "00000001" + "0001" + "74" + "00000001" + "00000000" + "0057" + "ffffffffffffffff" + "ffffffffffffffff" + "0000000000000005" + "00000000");
  });

  it("Fetch v4 response: throttle first; high watermark, last stable offset, aborted transactions, records", () => {
    const out = encodeResponse(ApiKey.Fetch, 4, 3, {
      throttleTimeMs: 0,
      responses: [{ topic: "t", partitions: [{ partitionIndex: 1, errorCode: 1, highWatermark: 9, lastStableOffset: 9, abortedTransactions: null, records: null }] }],
    });
    expect(hex(out.subarray(4))).toBe("00000003" + "00000000" + "00000001" + "0001" + "74" + "00000001" + "00000001" + "0001" + "0000000000000009" + "0000000000000009" + "ffffffff" + "ffffffff");
  });

  it("FindCoordinator v0 response: error, node, host, port; v1 adds throttle first and an error message", () => {
    expect(hex(encodeResponse(10, 0, 1, { errorCode: 0, nodeId: 1, host: "h", port: 9092 }).subarray(8))).toBe("0000" + "00000001" + "0001" + "68" + "00002384");
    expect(hex(encodeResponse(10, 1, 1, { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: "h", port: 9092 }).subarray(8))).toBe(
      "00000000" + "0000" + "ffff" + "00000001" + "0001" + "68" + "00002384",
    );
  });

  it("JoinGroup v0 request has no rebalance timeout (it reads as −1); v1 has it after the session timeout", () => {
    const v0 = decodeRequestHeader(Buffer.from("000b" + "0000" + "00000001" + "ffff" + "0001" + "67" + "00007530" + "0000" + "0008" + Buffer.from("consumer").toString("hex") + "00000000", "hex"));
    expect(decodeRequestBody(11, 0, v0.reader)).toEqual({
      groupId: "g",
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: -1,
      memberId: "",
      groupInstanceId: null,
      protocolType: "consumer",
      protocols: [],
    });
    const v1 = decodeRequestHeader(
      Buffer.from("000b" + "0001" + "00000001" + "ffff" + "0001" + "67" + "00007530" + "0000ea60" + "0000" + "0008" + Buffer.from("consumer").toString("hex") + "00000000", "hex"),
    );
    expect(decodeRequestBody(11, 1, v1.reader)).toMatchObject({ sessionTimeoutMs: 30000, rebalanceTimeoutMs: 60000 });
  });

  it("OffsetFetch v5 response: committed leader epoch after the offset; top-level error last", () => {
    const out = encodeResponse(9, 5, 1, {
      throttleTimeMs: 0,
      topics: [{ name: "t", partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: -1, metadata: "", errorCode: 0 }] }],
      errorCode: 0,
    });
    expect(hex(out.subarray(8))).toBe("00000000" + "00000001" + "0001" + "74" + "00000001" + "00000000" + "0000000000000003" + "ffffffff" + "0000" + "0000" + "0000");
  });

  it("OffsetCommit v2 request carries retention time; v7 carries group instance id and leader epochs instead", () => {
    const schema = REQUESTS[ApiKey.OffsetCommit];
    const v2 = encodeRequest(8, 2, 1, null, { groupId: "g", generationId: 1, memberId: "m", retentionTimeMs: -1, topics: [] });
    expect(hex(v2.subarray(4 + 10))).toBe("0001" + "67" + "00000001" + "0001" + "6d" + "ffffffffffffffff" + "00000000");
    const v7 = encodeRequest(8, 7, 1, null, { groupId: "g", generationId: 1, memberId: "m", groupInstanceId: null, topics: [] });
    expect(hex(v7.subarray(4 + 10))).toBe("0001" + "67" + "00000001" + "0001" + "6d" + "ffff" + "00000000");
    expect(
      schema.find((f) => f.name === "retentionTimeMs"),
      "the retentionTimeMs field",
    ).toMatchObject({ max: 4 });
  });
});

describe("the broker module stands alone", () => {
  it("src/broker imports only Node built-ins, yaml, ajv, its own files and the shared log-line format", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const path = await import("node:path");
    const dir = path.join(repoRoot, "src", "broker");
    const bad: string[] = [];
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".ts"))) {
      for (const m of readFileSync(path.join(dir, f), "utf8").matchAll(/(?:from|import\()\s*"([^"]+)"/g)) {
        const spec = m[1]!;
        // the one shared file: every component's log lines have one shape (src/lib/log-line.ts, itself import-free)
        const ok = spec.startsWith("node:") || spec === "yaml" || spec === "ajv" || spec === "../lib/log-line.js" || (spec.startsWith("./") && !spec.includes("/", 2));
        if (!ok) bad.push(`${f} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
