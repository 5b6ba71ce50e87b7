// The broker: one TCP listener on 127.0.0.1, each connection's requests answered strictly in order (a parked Fetch
// holds back the requests behind it on its connection, as in Kafka; librdkafka keeps its group traffic on another).
// A Fetch that finds nothing new parks on the partitions it asked for and wakes the moment a produce appends to one
// of them, or at its max wait: no timer polls the log.
import net from "node:net";
import path from "node:path";
import { BatchError, decodeRecords, rewriteBatch, splitBatches } from "./batch.js";
import { ProtocolError } from "./codec.js";
import { ErrorCode } from "./errors.js";
import { GroupCoordinator } from "./groups.js";
import { PartitionLog } from "./log.js";
import { API_NAMES, ApiKey, decodeRequestBody, decodeRequestHeader, encodeResponse, isSupported, SUPPORTED, type RequestHeader } from "./protocol.js";
import { compileChecks, type TopicSpec } from "./spec.js";

export const NODE_ID = 1;
export const CLUSTER_ID = "restate-patterns-embedded";
const MAX_FRAME = 100 * 1024 * 1024;

export interface BrokerOptions {
  /** 0 picks a free port */
  port: number;
  dataDir: string;
  topics: Map<string, TopicSpec>;
  log?: (line: string) => void;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Body = Record<string, any>;

interface Conn {
  socket: net.Socket;
  closed: boolean;
  /** cancels a parked fetch when the connection goes */
  onClose: (() => void)[];
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
  private readonly log: (line: string) => void;

  constructor(readonly opts: BrokerOptions) {
    this.log = opts.log ?? (() => {});
    for (const t of opts.topics.values()) {
      const parts: PartitionLog[] = [];
      for (let p = 0; p < t.partitions; p++) {
        const pl = new PartitionLog(path.join(opts.dataDir, "topics", `${t.name}-${p}`), t.retention);
        if (pl.recovery.truncatedBytes > 0) this.log(`${t.name}-${p}: cut a torn tail of ${pl.recovery.truncatedBytes} bytes after offset ${pl.end - 1}`);
        parts.push(pl);
      }
      this.logs.set(t.name, parts);
    }
    this.groups = new GroupCoordinator(path.join(opts.dataDir, "groups"), this.log);
  }

  async start(): Promise<number> {
    this.server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen({ port: this.opts.port, host: "127.0.0.1" }, () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.checks = compileChecks(this.opts.topics);
    this.checks.catch((e: unknown) => this.log(`cannot compile the topics' schemas: ${(e as Error).message}`));
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
    for (const c of this.conns) c.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.groups.close();
    for (const parts of this.logs.values()) for (const p of parts) p.close();
  }

  // ---- connections ----------------------------------------------------------------------------------------------

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const conn: Conn = { socket, closed: false, onClose: [] };
    this.conns.add(conn);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const queue: Buffer[] = [];
    let busy = false;

    const pump = async () => {
      if (busy) return;
      busy = true;
      try {
        while (queue.length > 0 && !conn.closed) {
          const frame = queue.shift()!;
          const response = await this.handle(frame, conn);
          if (response && !conn.closed) socket.write(response);
        }
      } catch (e) {
        this.log(`closing a connection: ${(e as Error).message}`);
        socket.destroy();
      } finally {
        busy = false;
      }
    };

    socket.on("data", (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      let buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      let at = 0;
      while (buf.length - at >= 4) {
        const size = buf.readInt32BE(at);
        if (size < 0 || size > MAX_FRAME) {
          this.log(`closing a connection that sent a frame of ${size} bytes`);
          socket.destroy();
          return;
        }
        if (buf.length - at - 4 < size) break;
        // copy: the frame outlives this chunk while it waits in the queue
        queue.push(Buffer.from(buf.subarray(at + 4, at + 4 + size)));
        at += 4 + size;
      }
      buf = buf.subarray(at);
      pending = buf.length ? [buf] : [];
      pendingBytes = buf.length;
      void pump();
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
  private async handle(frame: Buffer, conn: Conn): Promise<Buffer | null> {
    const { header, reader } = decodeRequestHeader(frame);
    const { apiKey, apiVersion: v, correlationId } = header;
    if (!isSupported(apiKey, v)) {
      if (apiKey === ApiKey.ApiVersions) {
        // answered in v0 form so that any client can read the versions it may use and ask again
        return encodeResponse(ApiKey.ApiVersions, 0, correlationId, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: this.apiVersions() });
      }
      const name = API_NAMES[apiKey] ?? `API ${apiKey}`;
      const range = SUPPORTED[apiKey as keyof typeof SUPPORTED];
      throw new ProtocolError(`${header.clientId ?? "a client"} sent ${name} v${v}; this broker speaks ${range ? `v${range[0]}–${range[1]}` : "no version of it"}`);
    }
    const body = decodeRequestBody(apiKey, v, reader) as Body;
    const answer = (b: Body) => encodeResponse(apiKey, v, correlationId, b);
    switch (apiKey) {
      case ApiKey.ApiVersions:
        return answer({ errorCode: 0, apiKeys: this.apiVersions(), throttleTimeMs: 0 });
      case ApiKey.Metadata:
        return answer(this.metadata(body));
      case ApiKey.Produce: {
        await this.checks;
        const res = this.produce(body, header);
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
    return Object.entries(SUPPORTED).map(([k, [min, max]]) => ({ apiKey: Number(k), minVersion: min, maxVersion: max }));
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

  private produce(body: Body, header: RequestHeader): Body {
    const badAcks = body.acks !== 0 && body.acks !== 1 && body.acks !== -1;
    return {
      responses: (body.topics as Body[]).map((t) => ({
        name: t.name,
        partitions: (t.partitions as Body[]).map((p) => {
          const res = { index: p.index, errorCode: 0, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
          const log = this.partition(t.name, p.index);
          if (badAcks) return { ...res, errorCode: ErrorCode.INVALID_REQUIRED_ACKS };
          if (!log) return { ...res, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          res.logStartOffset = log.logStart;
          if (!p.records || p.records.length === 0) return { ...res, errorCode: ErrorCode.CORRUPT_MESSAGE };
          const spec = this.opts.topics.get(t.name)!;
          try {
            const batches = splitBatches(p.records);
            for (const b of batches) {
              const records = decodeRecords(b.bytes);
              for (const [i, r] of records.entries()) {
                const problems = spec.check(r.key, r.value);
                if (problems.length > 0) {
                  const key = r.key === null ? "no key" : `key ${JSON.stringify(r.key.toString("utf8").slice(0, 64))}`;
                  this.log(`INVALID_RECORD: refused record ${i + 1} of ${records.length} for ${t.name}-${p.index} (${key}) from ${header.clientId ?? "?"}: ${problems.join("; ")}`);
                  return { ...res, errorCode: ErrorCode.INVALID_RECORD };
                }
              }
            }
            let first = -1;
            for (const b of batches) {
              rewriteBatch(b.bytes, log.end, -1);
              const base = log.append(b.bytes, b.header.lastOffsetDelta, b.header.maxTimestamp);
              if (first < 0) first = base;
            }
            res.baseOffset = first;
            res.logStartOffset = log.logStart;
            this.wake(log);
            return res;
          } catch (e) {
            if (e instanceof BatchError) {
              this.log(`refused a batch for ${t.name}-${p.index} from ${header.clientId ?? "?"}: ${e.message}`);
              return { ...res, errorCode: e.code };
            }
            throw e;
          }
        }),
      })),
      throttleTimeMs: 0,
    };
  }

  private wake(log: PartitionLog): void {
    const set = this.waiters.get(log);
    if (!set || set.size === 0) return;
    for (const w of [...set]) w();
  }

  private fetchOnce(body: Body): { res: Body; bytes: number; error: boolean } {
    let budget = Math.max(0, Number(body.maxBytes));
    let bytes = 0;
    let error = false;
    const responses = (body.topics as Body[]).map((t) => ({
      topic: t.topic,
      partitions: (t.partitions as Body[]).map((p) => {
        const log = this.partition(t.topic, p.partition);
        const base = { partitionIndex: p.partition, errorCode: 0, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: [], preferredReadReplica: -1, records: null as Buffer | null };
        if (!log) {
          error = true;
          return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        }
        const marks = { highWatermark: log.end, lastStableOffset: log.end, logStartOffset: log.logStart };
        if (bytes > 0 && budget <= 0) return { ...base, ...marks, records: Buffer.alloc(0) };
        const data = log.read(p.fetchOffset, Math.min(p.partitionMaxBytes, budget || p.partitionMaxBytes));
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
    for (const t of body.topics as Body[]) for (const p of t.partitions as Body[]) {
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
          const offset = ts === -1 ? log.end : ts === -2 ? log.logStart : log.offsetForTime(ts);
          return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1, offset, leaderEpoch: -1 };
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
    if (entries.length > 0) this.groups.commit(body.groupId, entries);
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
