// The Kafka requests and responses this broker speaks, as data: each message is a list of fields with the versions
// that carry them, and one generic codec reads and writes any of them in both directions (the broker decodes requests
// and encodes responses; the tests and tools do the reverse). Only non-flexible versions are advertised, except
// ApiVersions v3, which is written by hand below (its response header stays v0, as Kafka specifies).
import { Reader, Writer, ProtocolError } from "./codec.js";

type Prim = "int8" | "int16" | "int32" | "int64" | "bool" | "string" | "nullableString" | "bytes" | "nullableBytes";
export interface ArrayType {
  of: Prim | Field[];
  nullable?: boolean;
}
export interface Field {
  name: string;
  type: Prim | Field[] | ArrayType;
  min: number;
  max: number;
  /** the value when a version does not carry the field (and the value written when none is given) */
  dflt?: unknown;
}

const ALL = 1000;
function f(name: string, type: Field["type"], min = 0, max = ALL, dflt?: unknown): Field {
  return { name, type, min, max, dflt };
}
function arr(of: ArrayType["of"], nullable = false): ArrayType {
  return { of, nullable };
}

function zero(t: Field["type"]): unknown {
  if (typeof t === "string") {
    if (t === "string") return "";
    if (t === "nullableString" || t === "nullableBytes") return null;
    if (t === "bytes") return Buffer.alloc(0);
    if (t === "bool") return false;
    return 0;
  }
  if (Array.isArray(t)) return {};
  return t.nullable ? null : [];
}

function writeValue(w: Writer, t: Field["type"], v: unknown, version: number): void {
  if (typeof t === "string") {
    switch (t) {
      case "int8":
        w.int8(Number(v));
        return;
      case "int16":
        w.int16(Number(v));
        return;
      case "int32":
        w.int32(Number(v));
        return;
      case "int64":
        w.int64(Number(v));
        return;
      case "bool":
        w.bool(Boolean(v));
        return;
      case "string":
        w.string(String(v ?? ""));
        return;
      case "nullableString":
        w.nullableString(v === null || v === undefined ? null : String(v));
        return;
      case "bytes":
        w.bytes((v as Uint8Array | null) ?? Buffer.alloc(0));
        return;
      case "nullableBytes":
        w.nullableBytes((v as Uint8Array | null | undefined) ?? null);
        return;
    }
  }
  if (Array.isArray(t)) {
    encodeFields(w, t, version, (v ?? {}) as Record<string, unknown>);
    return;
  }
  const items = v as unknown[] | null | undefined;
  if (items === null || items === undefined) {
    if (t.nullable) w.int32(-1);
    else w.int32(0);
    return;
  }
  w.int32(items.length);
  for (const item of items) writeValue(w, t.of, item, version);
}

function readValue(r: Reader, t: Field["type"], version: number): unknown {
  if (typeof t === "string") {
    switch (t) {
      case "int8":
        return r.int8();
      case "int16":
        return r.int16();
      case "int32":
        return r.int32();
      case "int64":
        return r.int64();
      case "bool":
        return r.bool();
      case "string":
        return r.string();
      case "nullableString":
        return r.nullableString();
      case "bytes":
        return r.bytes();
      case "nullableBytes":
        return r.nullableBytes();
    }
  }
  if (Array.isArray(t)) return decodeFields(r, t, version);
  const of = t.of;
  const items = r.nullableArray((rr) => readValue(rr, of, version));
  if (items === null && !t.nullable) return [];
  return items;
}

export function encodeFields(w: Writer, fields: Field[], version: number, value: Record<string, unknown>): void {
  for (const fl of fields) {
    if (version < fl.min || version > fl.max) continue;
    const v = value[fl.name] !== undefined ? value[fl.name] : fl.dflt !== undefined ? fl.dflt : zero(fl.type);
    writeValue(w, fl.type, v, version);
  }
}

export function decodeFields(r: Reader, fields: Field[], version: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const fl of fields) {
    if (version < fl.min || version > fl.max) out[fl.name] = fl.dflt !== undefined ? fl.dflt : zero(fl.type);
    else out[fl.name] = readValue(r, fl.type, version);
  }
  return out;
}

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  ApiVersions: 18,
} as const;
export type ApiKeyNumber = (typeof ApiKey)[keyof typeof ApiKey];

export const API_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ApiKey).map(([k, v]) => [v, k]));

/** What this broker advertises: the non-flexible versions that both librdkafka 2.12 and kafkajs 2.2.4 negotiate. */
export const SUPPORTED: Record<ApiKeyNumber, [number, number]> = {
  [ApiKey.Produce]: [3, 7],
  [ApiKey.Fetch]: [4, 11],
  [ApiKey.ListOffsets]: [1, 5],
  [ApiKey.Metadata]: [1, 8],
  [ApiKey.OffsetCommit]: [2, 7],
  [ApiKey.OffsetFetch]: [1, 5],
  [ApiKey.FindCoordinator]: [0, 2],
  [ApiKey.JoinGroup]: [0, 5],
  [ApiKey.Heartbeat]: [0, 3],
  [ApiKey.LeaveGroup]: [0, 1],
  [ApiKey.SyncGroup]: [0, 3],
  [ApiKey.ApiVersions]: [0, 3],
};

export function isSupported(apiKey: number, version: number): boolean {
  const range = SUPPORTED[apiKey as ApiKeyNumber];
  return range !== undefined && version >= range[0] && version <= range[1];
}

const throttle = (min: number) => f("throttleTimeMs", "int32", min);

export const REQUESTS: Record<Exclude<ApiKeyNumber, 18>, Field[]> = {
  [ApiKey.Produce]: [
    f("transactionalId", "nullableString", 3),
    f("acks", "int16"),
    f("timeoutMs", "int32"),
    f("topics", arr([f("name", "string"), f("partitions", arr([f("index", "int32"), f("records", "nullableBytes")]))])),
  ],
  [ApiKey.Fetch]: [
    f("replicaId", "int32", 0, ALL, -1),
    f("maxWaitMs", "int32"),
    f("minBytes", "int32"),
    f("maxBytes", "int32", 3, ALL, 0x7fffffff),
    f("isolationLevel", "int8", 4),
    f("sessionId", "int32", 7),
    f("sessionEpoch", "int32", 7, ALL, -1),
    f(
      "topics",
      arr([
        f("topic", "string"),
        f(
          "partitions",
          arr([f("partition", "int32"), f("currentLeaderEpoch", "int32", 9, ALL, -1), f("fetchOffset", "int64"), f("logStartOffset", "int64", 5, ALL, -1), f("partitionMaxBytes", "int32")]),
        ),
      ]),
    ),
    f("forgottenTopics", arr([f("topic", "string"), f("partitions", arr("int32"))]), 7),
    f("rackId", "string", 11),
  ],
  [ApiKey.ListOffsets]: [
    f("replicaId", "int32", 0, ALL, -1),
    f("isolationLevel", "int8", 2),
    f("topics", arr([f("name", "string"), f("partitions", arr([f("partitionIndex", "int32"), f("currentLeaderEpoch", "int32", 4, ALL, -1), f("timestamp", "int64")]))])),
  ],
  [ApiKey.Metadata]: [
    f("topics", arr([f("name", "string")], true)),
    f("allowAutoTopicCreation", "bool", 4, ALL, true),
    f("includeClusterAuthorizedOperations", "bool", 8),
    f("includeTopicAuthorizedOperations", "bool", 8),
  ],
  [ApiKey.OffsetCommit]: [
    f("groupId", "string"),
    f("generationId", "int32", 1, ALL, -1),
    f("memberId", "string", 1),
    f("groupInstanceId", "nullableString", 7),
    f("retentionTimeMs", "int64", 2, 4, -1),
    f(
      "topics",
      arr([
        f("name", "string"),
        f(
          "partitions",
          arr([
            f("partitionIndex", "int32"),
            f("committedOffset", "int64"),
            f("committedLeaderEpoch", "int32", 6, ALL, -1),
            f("commitTimestamp", "int64", 1, 1, -1),
            f("committedMetadata", "nullableString"),
          ]),
        ),
      ]),
    ),
  ],
  [ApiKey.OffsetFetch]: [f("groupId", "string"), f("topics", arr([f("name", "string"), f("partitionIndexes", arr("int32"))], true))],
  [ApiKey.FindCoordinator]: [f("key", "string"), f("keyType", "int8", 1)],
  [ApiKey.JoinGroup]: [
    f("groupId", "string"),
    f("sessionTimeoutMs", "int32"),
    f("rebalanceTimeoutMs", "int32", 1, ALL, -1),
    f("memberId", "string"),
    f("groupInstanceId", "nullableString", 5),
    f("protocolType", "string"),
    f("protocols", arr([f("name", "string"), f("metadata", "bytes")])),
  ],
  [ApiKey.Heartbeat]: [f("groupId", "string"), f("generationId", "int32"), f("memberId", "string"), f("groupInstanceId", "nullableString", 3)],
  [ApiKey.LeaveGroup]: [f("groupId", "string"), f("memberId", "string")],
  [ApiKey.SyncGroup]: [
    f("groupId", "string"),
    f("generationId", "int32"),
    f("memberId", "string"),
    f("groupInstanceId", "nullableString", 3),
    f("assignments", arr([f("memberId", "string"), f("assignment", "bytes")])),
  ],
};

export const RESPONSES: Record<Exclude<ApiKeyNumber, 18>, Field[]> = {
  [ApiKey.Produce]: [
    f(
      "responses",
      arr([
        f("name", "string"),
        f("partitions", arr([f("index", "int32"), f("errorCode", "int16"), f("baseOffset", "int64"), f("logAppendTimeMs", "int64", 2, ALL, -1), f("logStartOffset", "int64", 5, ALL, -1)])),
      ]),
    ),
    throttle(1),
  ],
  [ApiKey.Fetch]: [
    throttle(1),
    f("errorCode", "int16", 7),
    f("sessionId", "int32", 7),
    f(
      "responses",
      arr([
        f("topic", "string"),
        f(
          "partitions",
          arr([
            f("partitionIndex", "int32"),
            f("errorCode", "int16"),
            f("highWatermark", "int64"),
            f("lastStableOffset", "int64", 4, ALL, -1),
            f("logStartOffset", "int64", 5, ALL, -1),
            f("abortedTransactions", arr([f("producerId", "int64"), f("firstOffset", "int64")], true), 4),
            f("preferredReadReplica", "int32", 11, ALL, -1),
            f("records", "nullableBytes"),
          ]),
        ),
      ]),
    ),
  ],
  [ApiKey.ListOffsets]: [
    throttle(2),
    f(
      "topics",
      arr([
        f("name", "string"),
        f("partitions", arr([f("partitionIndex", "int32"), f("errorCode", "int16"), f("timestamp", "int64", 1, ALL, -1), f("offset", "int64", 1, ALL, -1), f("leaderEpoch", "int32", 4, ALL, -1)])),
      ]),
    ),
  ],
  [ApiKey.Metadata]: [
    throttle(3),
    f("brokers", arr([f("nodeId", "int32"), f("host", "string"), f("port", "int32"), f("rack", "nullableString", 1)])),
    f("clusterId", "nullableString", 2),
    f("controllerId", "int32", 1, ALL, -1),
    f(
      "topics",
      arr([
        f("errorCode", "int16"),
        f("name", "string"),
        f("isInternal", "bool", 1),
        f(
          "partitions",
          arr([
            f("errorCode", "int16"),
            f("partitionIndex", "int32"),
            f("leaderId", "int32"),
            f("leaderEpoch", "int32", 7, ALL, -1),
            f("replicaNodes", arr("int32")),
            f("isrNodes", arr("int32")),
            f("offlineReplicas", arr("int32"), 5),
          ]),
        ),
        f("topicAuthorizedOperations", "int32", 8, ALL, -2147483648),
      ]),
    ),
    f("clusterAuthorizedOperations", "int32", 8, ALL, -2147483648),
  ],
  [ApiKey.OffsetCommit]: [throttle(3), f("topics", arr([f("name", "string"), f("partitions", arr([f("partitionIndex", "int32"), f("errorCode", "int16")]))]))],
  [ApiKey.OffsetFetch]: [
    throttle(3),
    f(
      "topics",
      arr([
        f("name", "string"),
        f("partitions", arr([f("partitionIndex", "int32"), f("committedOffset", "int64"), f("committedLeaderEpoch", "int32", 5, ALL, -1), f("metadata", "nullableString"), f("errorCode", "int16")])),
      ]),
    ),
    f("errorCode", "int16", 2),
  ],
  [ApiKey.FindCoordinator]: [throttle(1), f("errorCode", "int16"), f("errorMessage", "nullableString", 1), f("nodeId", "int32"), f("host", "string"), f("port", "int32")],
  [ApiKey.JoinGroup]: [
    throttle(2),
    f("errorCode", "int16"),
    f("generationId", "int32", 0, ALL, -1),
    f("protocolName", "string"),
    f("leader", "string"),
    f("memberId", "string"),
    f("members", arr([f("memberId", "string"), f("groupInstanceId", "nullableString", 5), f("metadata", "bytes")])),
  ],
  [ApiKey.Heartbeat]: [throttle(1), f("errorCode", "int16")],
  [ApiKey.LeaveGroup]: [throttle(1), f("errorCode", "int16")],
  [ApiKey.SyncGroup]: [throttle(1), f("errorCode", "int16"), f("assignment", "bytes")],
};

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Request header v1 (v2 for ApiVersions v3: the same plus tagged fields). Returns the header and where the body starts. */
export function decodeRequestHeader(frame: Buffer): { header: RequestHeader; reader: Reader } {
  const r = new Reader(frame);
  const header = { apiKey: r.int16(), apiVersion: r.int16(), correlationId: r.int32(), clientId: r.nullableString() };
  if (header.apiKey === ApiKey.ApiVersions && header.apiVersion >= 3) r.taggedFields();
  return { header, reader: r };
}

export function decodeRequestBody(apiKey: number, version: number, r: Reader): Record<string, unknown> {
  if (apiKey === ApiKey.ApiVersions) {
    if (version >= 3) {
      const out = { clientSoftwareName: r.compactString(), clientSoftwareVersion: r.compactString() };
      r.taggedFields();
      return out;
    }
    return {};
  }
  const schema = REQUESTS[apiKey as Exclude<ApiKeyNumber, 18>];
  if (!schema) throw new ProtocolError(`unknown API key ${apiKey}`);
  return decodeFields(r, schema, version);
}

export interface ApiVersionsBody {
  errorCode: number;
  apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
  throttleTimeMs?: number;
}

export function encodeApiVersionsBody(w: Writer, version: number, body: ApiVersionsBody): void {
  w.int16(body.errorCode);
  if (version >= 3) {
    w.compactArray(body.apiKeys, (ww, k) => ww.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion).noTags());
    w.int32(body.throttleTimeMs ?? 0);
    w.noTags();
    return;
  }
  w.array(body.apiKeys, (ww, k) => ww.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion));
  if (version >= 1) w.int32(body.throttleTimeMs ?? 0);
}

export function decodeApiVersionsBody(r: Reader, version: number): ApiVersionsBody {
  const errorCode = r.int16();
  if (version >= 3) {
    const n = r.uvarint() - 1;
    const apiKeys = [];
    for (let i = 0; i < n; i++) {
      apiKeys.push({ apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() });
      r.taggedFields();
    }
    const throttleTimeMs = r.int32();
    r.taggedFields();
    return { errorCode, apiKeys, throttleTimeMs };
  }
  const apiKeys = r.array((rr) => ({ apiKey: rr.int16(), minVersion: rr.int16(), maxVersion: rr.int16() }));
  return { errorCode, apiKeys, throttleTimeMs: version >= 1 ? r.int32() : undefined };
}

/** A whole response frame: size, correlation id (response header v0 for every API here), body. */
export function encodeResponse(apiKey: number, version: number, correlationId: number, body: Record<string, unknown>): Buffer {
  const parts = encodeResponseParts(apiKey, version, correlationId, body);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** The same frame as pieces: a fetch answer's records are referenced, not copied, on their way to the socket. */
export function encodeResponseParts(apiKey: number, version: number, correlationId: number, body: Record<string, unknown>): Buffer[] {
  const w = new Writer(256);
  w.int32(0).int32(correlationId);
  if (apiKey === ApiKey.ApiVersions) encodeApiVersionsBody(w, version, body as unknown as ApiVersionsBody);
  else encodeFields(w, RESPONSES[apiKey as Exclude<ApiKeyNumber, 18>], version, body);
  const parts = w.toBuffers();
  parts[0]!.writeInt32BE(w.length - 4, 0);
  return parts;
}

/** The client side, for tests and tools: a request frame (size, header v1, body). */
export function encodeRequest(apiKey: number, version: number, correlationId: number, clientId: string | null, body: Record<string, unknown>): Buffer {
  const w = new Writer(64);
  w.int32(0).int16(apiKey).int16(version).int32(correlationId).nullableString(clientId);
  if (apiKey === ApiKey.ApiVersions) {
    if (version >= 3) {
      w.noTags();
      w.compactString((body.clientSoftwareName as string | undefined) ?? "test").compactString((body.clientSoftwareVersion as string | undefined) ?? "0");
      w.noTags();
    }
  } else encodeFields(w, REQUESTS[apiKey as Exclude<ApiKeyNumber, 18>], version, body);
  const out = w.toBuffer();
  out.writeInt32BE(out.length - 4, 0);
  return out;
}

/** The client side: a response frame's body (without the size prefix) → correlation id and fields. */
export function decodeResponse(apiKey: number, version: number, frame: Buffer): { correlationId: number; body: Record<string, unknown> } {
  const r = new Reader(frame);
  const correlationId = r.int32();
  const body = apiKey === ApiKey.ApiVersions ? (decodeApiVersionsBody(r, version) as unknown as Record<string, unknown>) : decodeFields(r, RESPONSES[apiKey as Exclude<ApiKeyNumber, 18>], version);
  if (r.remaining() !== 0) throw new ProtocolError(`${r.remaining()} bytes left after the response`);
  return { correlationId, body };
}
