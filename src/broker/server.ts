// The broker: one TCP listener on 127.0.0.1, each connection's requests answered strictly in order (a parked Fetch
// holds back the requests behind it on its connection, as in Kafka; librdkafka keeps its group traffic on another).
// A Fetch that finds nothing new parks on the partitions it asked for and wakes the moment a produce appends to one
// of them, or at its max wait: no timer polls the log. What one client may make the broker hold is bounded
// (settings.ts, connection.ts), a producer's batch is checked as Kafka checks it (produce.ts), a write the disk
// refuses is answered KAFKA_STORAGE_ERROR, and what recovery found on start is logged loudly.
import net from "node:net";
import path from "node:path";
import { BatchError, rewriteBatch, setMaxTimestamp } from "./batch.js";
import { serveConnection } from "./connection.js";
import { ErrorCode } from "./errors.js";
import { GroupCoordinator } from "./groups.js";
import { PartitionLog, StorageError } from "./log.js";
import { checkProduced } from "./produce.js";
import { ProtocolError } from "./codec.js";
import { API_NAMES, ApiKey, decodeRequestBody, decodeRequestHeader, encodeResponseParts, isSupported, SUPPORTED, type ApiKeyNumber, type RequestHeader } from "./protocol.js";
import { RateLog } from "./ratelog.js";
import { DEFAULT_LIMITS, type BrokerLimits } from "./settings.js";
import { compileChecks, type TopicSpec } from "./spec.js";
import type { LogLevel } from "../lib/log-line.js";

export const NODE_ID = 1;
export const CLUSTER_ID = "restate-patterns-embedded";

export interface BrokerOptions {
  /** 0 picks a free port */
  port: number;
  dataDir: string;
  topics: Map<string, TopicSpec>;
  /** one record at a level; main.ts writes it in the shape of lib/log-line.ts */
  log?: (level: LogLevel, line: string) => void;
  /** bounds (settings.ts); the defaults where not given */
  limits?: Partial<BrokerLimits>;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Body = Record<string, any>;

interface Conn {
  socket: net.Socket;
  closed: boolean;
  /** cancels a parked fetch when the connection goes */
  onClose: (() => void)[];
}

const EMPTY = Buffer.alloc(0);

/**
 * Versions advertised below what is served. Apache Kafka 4 answers Produce v0–v2 in ApiVersions although it serves
 * v3 and up only: librdkafka (before 2.10) checks a codec against Produce v0 and, without it, silently sends every
 * gzip, snappy or lz4 batch uncompressed. A request at such a version is still refused (the connection closes).
 */
const ADVERTISED_MIN: Partial<Record<ApiKeyNumber, number>> = { [ApiKey.Produce]: 0 };

/** The ApiVersions answer: what is served, with ADVERTISED_MIN's lower bounds. */
function advertisedVersions(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return Object.entries(SUPPORTED).map(([k, [min, max]]) => ({ apiKey: Number(k), minVersion: ADVERTISED_MIN[Number(k) as ApiKeyNumber] ?? min, maxVersion: max }));
}

export class Broker {
  readonly logs = new Map<string, PartitionLog[]>();
  readonly groups: GroupCoordinator;
  private waiters = new Map<PartitionLog, Set<() => void>>();
  private server?: net.Server;
  private conns = new Set<Conn>();
  private retentionTimer?: NodeJS.Timeout;
  /** the topics' record checks, compiled once the port is open; produce requests wait for them */
  private checks?: Promise<void>;
  port = 0;
  readonly limits: BrokerLimits;
  private readonly log: (level: LogLevel, line: string) => void;
  /** lines a client can cause, rate-limited per kind */
  private readonly clientLog: RateLog;

  constructor(readonly opts: BrokerOptions) {
    this.log = opts.log ?? (() => {});
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.clientLog = new RateLog(this.log, this.limits.logBurst, this.limits.logWindowMs);
    for (const t of opts.topics.values()) {
      const parts: PartitionLog[] = [];
      for (let p = 0; p < t.partitions; p++) {
        const pl = new PartitionLog(path.join(opts.dataDir, "topics", `${t.name}-${p}`), t.retention);
        this.reportRecovery(`${t.name}-${p}`, pl);
        parts.push(pl);
      }
      this.logs.set(t.name, parts);
    }
    this.groups = new GroupCoordinator(path.join(opts.dataDir, "groups"), this.log);
  }

  /** what recovery found, loudly: status and doctor read the notes it left next to what it moved aside */
  private reportRecovery(name: string, pl: PartitionLog): void {
    for (const f of pl.recovery.findings) {
      // a torn tail is what a crash mid-write leaves, and recovery's ordinary work; a damaged segment lost data
      if (f.kind === "torn-tail") this.log("info", `${name}: recovery: ${f.detail}`);
      else
        this.log(
          "error",
          `RECOVERY: ${name} segment ${f.segment}: ${f.detail}; ${f.bytes} bytes from offset ${f.fromOffset ?? "?"} are no longer served, ` +
            `the original is kept in ${f.movedTo}; every intact batch is served (offsets ${pl.logStart}–${pl.end - 1})`,
        );
    }
  }

  async start(): Promise<number> {
    this.server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen({ port: this.opts.port, host: "127.0.0.1" }, () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.checks = compileChecks(this.opts.topics);
    this.checks.catch((e: unknown) => this.log("error", `cannot compile the topics' schemas: ${(e as Error).message}`));
    // age-based retention for partitions nobody writes to (writes check size and age themselves)
    this.retentionTimer = setInterval(() => this.enforceRetention(), 60_000);
    this.retentionTimer.unref();
    return this.port;
  }

  enforceRetention(now = Date.now()): void {
    for (const parts of this.logs.values()) for (const p of parts) p.enforceRetention(now);
  }

  async close(): Promise<void> {
    clearInterval(this.retentionTimer);
    this.clientLog.close();
    for (const c of this.conns) c.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.groups.close();
    for (const parts of this.logs.values()) for (const p of parts) p.close();
  }

  // ---- connections ----------------------------------------------------------------------------------------------

  private accept(socket: net.Socket): void {
    if (this.conns.size >= this.limits.maxConnections) {
      this.clientLog.line("connection cap", `refusing a connection: ${this.conns.size} are open (at most ${this.limits.maxConnections})`);
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const conn: Conn = { socket, closed: false, onClose: [] };
    this.conns.add(conn);
    serveConnection(socket, this.limits, {
      handle: (frame) => this.handle(frame, conn),
      // an idle client is closed as Kafka closes it (connections.max.idle.ms), which is no news; a bad frame is
      closing: (kind, why) => this.clientLog.line(kind, `closing a connection from ${socket.remotePort ?? "?"}: ${why}`, kind === "idle" ? "info" : "warn"),
    });
    const gone = () => {
      if (conn.closed) return;
      conn.closed = true;
      this.conns.delete(conn);
      for (const f of conn.onClose.splice(0)) f();
      this.groups.connectionClosed(conn);
    };
    socket.on("close", gone);
    socket.on("error", () => socket.destroy());
  }

  /** Decode, dispatch, encode. null = no response (acks=0 produce). */
  private async handle(frame: Buffer, conn: Conn): Promise<Buffer[] | null> {
    const { header, reader } = decodeRequestHeader(frame);
    const { apiKey, apiVersion: v, correlationId } = header;
    if (!isSupported(apiKey, v)) {
      if (apiKey === ApiKey.ApiVersions) {
        // answered in v0 form so that any client can read the versions it may use and ask again
        return encodeResponseParts(ApiKey.ApiVersions, 0, correlationId, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: this.apiVersions() });
      }
      const name = API_NAMES[apiKey] ?? `API ${apiKey}`;
      const range = SUPPORTED[apiKey as keyof typeof SUPPORTED];
      throw new ProtocolError(`${header.clientId ?? "a client"} sent ${name} v${v}; this broker speaks ${range ? `v${range[0]}–${range[1]}` : "no version of it"}`);
    }
    const body = decodeRequestBody(apiKey, v, reader) as Body;
    const answer = (b: Body) => encodeResponseParts(apiKey, v, correlationId, b);
    switch (apiKey) {
      case ApiKey.ApiVersions:
        return answer({ errorCode: 0, apiKeys: this.apiVersions(), throttleTimeMs: 0 });
      case ApiKey.Metadata:
        return answer(this.metadata(body));
      case ApiKey.Produce: {
        await this.checks;
        const res = await this.produce(body, header);
        return body.acks === 0 ? null : answer(res);
      }
      case ApiKey.Fetch:
        return answer(await this.fetch(body, conn));
      case ApiKey.ListOffsets:
        return answer(this.listOffsets(body));
      case ApiKey.FindCoordinator:
        return answer({ errorCode: 0, errorMessage: null, nodeId: NODE_ID, host: "127.0.0.1", port: this.port });
      case ApiKey.JoinGroup: {
        const res = await this.groups.join(
          {
            groupId: body.groupId,
            sessionTimeoutMs: body.sessionTimeoutMs,
            rebalanceTimeoutMs: body.rebalanceTimeoutMs >= 0 ? body.rebalanceTimeoutMs : body.sessionTimeoutMs,
            memberId: body.memberId,
            groupInstanceId: body.groupInstanceId,
            protocolType: body.protocolType,
            protocols: body.protocols,
            clientId: header.clientId ?? "",
          },
          conn,
        );
        return answer(res as unknown as Body);
      }
      case ApiKey.SyncGroup:
        return answer((await this.groups.sync(body.groupId, body.generationId, body.memberId, body.assignments)) as unknown as Body);
      case ApiKey.Heartbeat:
        return answer({ errorCode: this.groups.heartbeat(body.groupId, body.generationId, body.memberId) });
      case ApiKey.LeaveGroup:
        return answer({ errorCode: this.groups.leave(body.groupId, body.memberId) });
      case ApiKey.OffsetCommit:
        return answer(this.offsetCommit(body));
      case ApiKey.OffsetFetch:
        return answer(this.offsetFetch(body));
    }
    throw new ProtocolError(`API ${apiKey} is advertised but not handled`);
  }

  private apiVersions() {
    return advertisedVersions();
  }

  private partition(topic: string, p: number): PartitionLog | undefined {
    return this.logs.get(topic)?.[p];
  }

  // ---- handlers -------------------------------------------------------------------------------------------------

  private metadata(body: Body): Body {
    const wanted: string[] = body.topics === null ? [...this.logs.keys()].sort() : (body.topics as { name: string }[]).map((t) => t.name);
    return {
      brokers: [{ nodeId: NODE_ID, host: "127.0.0.1", port: this.port, rack: null }],
      clusterId: CLUSTER_ID,
      controllerId: NODE_ID,
      topics: wanted.map((name) => {
        const parts = this.logs.get(name);
        if (!parts) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, isInternal: false, partitions: [] };
        return {
          errorCode: 0,
          name,
          isInternal: false,
          partitions: parts.map((_, i) => ({ errorCode: 0, partitionIndex: i, leaderId: NODE_ID, leaderEpoch: -1, replicaNodes: [NODE_ID], isrNodes: [NODE_ID], offlineReplicas: [] })),
        };
      }),
    };
  }

  private async produce(body: Body, header: RequestHeader): Promise<Body> {
    const responses = [];
    for (const t of body.topics as Body[]) {
      const partitions = [];
      for (const p of t.partitions as Body[]) partitions.push(await this.producePartition(body.acks, t.name, p, header));
      responses.push({ name: t.name, partitions });
    }
    return { responses, throttleTimeMs: 0 };
  }

  private async producePartition(acks: number, topic: string, p: Body, header: RequestHeader): Promise<Body> {
    const res = { index: p.index, errorCode: 0, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
    const log = this.partition(topic, p.index);
    const client = header.clientId ?? "?";
    const where = `${topic}-${p.index} from ${client}`;
    if (acks !== 0 && acks !== 1 && acks !== -1) return { ...res, errorCode: ErrorCode.INVALID_REQUIRED_ACKS };
    if (!log) return { ...res, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    res.logStartOffset = log.logStart;
    try {
      const batch = await checkProduced(p.records, this.limits, header.apiVersion);
      const spec = this.opts.topics.get(topic)!;
      let maxTs = -1;
      for (const [i, r] of batch.records.entries()) {
        maxTs = Math.max(maxTs, batch.header.baseTimestamp + r.timestampDelta);
        const problems = spec.check(r.key, r.value);
        if (problems.length > 0) {
          const key = r.key === null ? "no key" : `key ${JSON.stringify(r.key.toString("utf8").slice(0, 64))}`;
          this.clientLog.line("INVALID_RECORD", `INVALID_RECORD: refused record ${i + 1} of ${batch.records.length} for ${topic}-${p.index} (${key}) from ${client}: ${problems.join("; ")}`);
          return { ...res, errorCode: ErrorCode.INVALID_RECORD };
        }
      }
      // as Kafka does, the stored max timestamp is the records' own, whatever the header claimed
      if (maxTs !== batch.header.maxTimestamp) setMaxTimestamp(batch.bytes, maxTs);
      rewriteBatch(batch.bytes, log.end, -1);
      res.baseOffset = log.append(batch.bytes, batch.header.lastOffsetDelta, maxTs);
      res.logStartOffset = log.logStart;
      this.wake(log);
      return res;
    } catch (e) {
      if (e instanceof BatchError) {
        this.clientLog.line("refused batch", `refused a batch for ${where}: ${e.message}`);
        return { ...res, errorCode: e.code };
      }
      if (e instanceof StorageError) {
        this.clientLog.line("storage", `STORAGE ERROR: nothing written for ${where}: ${e.message}${e.lost ? `; ${topic}-${p.index} takes no writes until a restart` : ""}`, "error");
        return { ...res, errorCode: ErrorCode.KAFKA_STORAGE_ERROR };
      }
      throw e;
    }
  }

  private wake(log: PartitionLog): void {
    const set = this.waiters.get(log);
    if (!set || set.size === 0) return;
    for (const w of [...set]) w();
  }

  private fetchOnce(body: Body): { res: Body; bytes: number; error: boolean } {
    // the client's bound, within the broker's (Kafka: fetch.max.bytes); one whole batch always goes out
    let budget = Math.min(Math.max(0, Number(body.maxBytes)), this.limits.maxFetchBytes);
    let bytes = 0;
    let error = false;
    const responses = (body.topics as Body[]).map((t) => ({
      topic: t.topic,
      partitions: (t.partitions as Body[]).map((p) => {
        const log = this.partition(t.topic, p.partition);
        const base = { partitionIndex: p.partition, errorCode: 0, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: [], preferredReadReplica: -1, records: EMPTY };
        if (!log) {
          error = true;
          return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        }
        const marks = { highWatermark: log.end, lastStableOffset: log.end, logStartOffset: log.logStart };
        if (bytes > 0 && budget <= 0) return { ...base, ...marks };
        let data: Buffer | "out-of-range";
        try {
          data = log.read(p.fetchOffset, Math.max(0, Math.min(p.partitionMaxBytes, budget)));
        } catch (e) {
          this.clientLog.line("storage", `STORAGE ERROR: cannot read ${t.topic}-${p.partition}: ${(e as Error).message}`, "error");
          error = true;
          return { ...base, ...marks, errorCode: ErrorCode.KAFKA_STORAGE_ERROR };
        }
        if (data === "out-of-range") {
          error = true;
          return { ...base, ...marks, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
        }
        bytes += data.length;
        budget -= data.length;
        return { ...base, ...marks, records: data };
      }),
    }));
    return { res: { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses }, bytes, error };
  }

  private fetch(body: Body, conn: Conn): Body | Promise<Body> {
    const first = this.fetchOnce(body);
    const minBytes = Math.max(1, Number(body.minBytes));
    if (first.bytes >= minBytes || first.error || body.maxWaitMs <= 0) return first.res;
    const logs: PartitionLog[] = [];
    for (const t of body.topics as Body[])
      for (const p of t.partitions as Body[]) {
        const log = this.partition(t.topic, p.partition);
        if (log) logs.push(log);
      }
    return new Promise<Body>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const l of logs) this.waiters.get(l)?.delete(wake);
        const i = conn.onClose.indexOf(finish);
        if (i >= 0) conn.onClose.splice(i, 1);
        resolve(this.fetchOnce(body).res);
      };
      const wake = () => finish();
      const timer = setTimeout(finish, body.maxWaitMs);
      for (const l of logs) {
        let set = this.waiters.get(l);
        if (!set) {
          set = new Set();
          this.waiters.set(l, set);
        }
        set.add(wake);
      }
      conn.onClose.push(finish);
    });
  }

  private listOffsets(body: Body): Body {
    return {
      throttleTimeMs: 0,
      topics: (body.topics as Body[]).map((t) => ({
        name: t.name,
        partitions: (t.partitions as Body[]).map((p) => {
          const log = this.partition(t.name, p.partitionIndex);
          if (!log) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1, offset: -1, leaderEpoch: -1 };
          const ts = Number(p.timestamp);
          if (ts === -1 || ts === -2) return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1, offset: ts === -1 ? log.end : log.logStart, leaderEpoch: -1 };
          if (ts < 0) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.INVALID_REQUEST, timestamp: -1, offset: -1, leaderEpoch: -1 };
          // the first record at or after the time, with its own timestamp; −1/−1 when none is that late (as Kafka)
          const found = log.offsetForTime(ts);
          return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp: found?.timestamp ?? -1, offset: found?.offset ?? -1, leaderEpoch: -1 };
        }),
      })),
    };
  }

  private offsetCommit(body: Body): Body {
    const allowed = this.groups.commitAllowed(body.groupId, body.generationId, body.memberId);
    const entries: { topic: string; partition: number; offset: number; metadata: string | null }[] = [];
    const topics = (body.topics as Body[]).map((t) => ({
      name: t.name,
      partitions: (t.partitions as Body[]).map((p) => {
        let errorCode: number = allowed;
        if (errorCode === 0 && !this.partition(t.name, p.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        if (errorCode === 0) entries.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), metadata: p.committedMetadata });
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    }));
    if (entries.length > 0) {
      try {
        this.groups.commit(body.groupId, entries);
      } catch (e) {
        this.clientLog.line("storage", `STORAGE ERROR: cannot persist the offsets of group ${body.groupId}: ${(e as Error).message}`, "error");
        for (const t of topics) for (const p of t.partitions) if (p.errorCode === 0) p.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
      }
    }
    return { throttleTimeMs: 0, topics };
  }

  private offsetFetch(body: Body): Body {
    const groupId = body.groupId as string;
    const asked: { name: string; partitionIndexes: number[] }[] =
      body.topics === null ? [...this.groups.committedAll(groupId)].map(([name, ps]) => ({ name, partitionIndexes: ps.map((p) => p.partition) })) : body.topics;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      topics: asked.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => {
          const c = this.groups.committed(groupId, t.name, p);
          return { partitionIndex: p, committedOffset: c?.offset ?? -1, committedLeaderEpoch: -1, metadata: c?.metadata ?? "", errorCode: 0 };
        }),
      })),
    };
  }
}
