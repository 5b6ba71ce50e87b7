// Consumer groups, classic protocol: the broker coordinates membership (JoinGroup held until every member has
// rejoined, SyncGroup hands out the leader's assignment), the members assign partitions themselves. Committed offsets
// survive a restart: each group's offsets live in one JSON file, replaced by write-then-rename on every commit.
// A member whose connection closes is removed at once (a SIGKILLed consumer would otherwise stall the next rebalance
// for its whole session timeout).
import { randomUUID, createHash } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from "node:fs";
import path from "node:path";
import { ErrorCode } from "./errors.js";
import { faults } from "./segment.js";
import type { LogLevel } from "../lib/log-line.js";

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: Protocol[];
  clientId: string;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  assignment: Buffer;
}

interface Member {
  id: string;
  clientId: string;
  instanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: Protocol[];
  conn: object;
  lastSeen: number;
  assignment: Buffer;
  join?: (r: JoinResult) => void;
  sync?: (r: SyncResult) => void;
}

type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable";

interface Group {
  id: string;
  state: GroupState;
  generation: number;
  protocolType?: string;
  protocol?: string;
  leader?: string;
  members: Map<string, Member>;
  rebalanceTimer?: NodeJS.Timeout;
}

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

export interface GroupSummary {
  groupId: string;
  state: GroupState;
  generation: number;
  members: number;
  offsets: { topic: string; partition: number; offset: number }[];
}

const EMPTY = Buffer.alloc(0);

export class GroupCoordinator {
  private groups = new Map<string, Group>();
  private offsets = new Map<string, Map<string, CommittedOffset>>();
  private sessionTimer: NodeJS.Timeout;

  constructor(
    private readonly dir: string,
    private readonly log: (level: LogLevel, line: string) => void = () => {},
  ) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) {
      if (!f.endsWith(".json")) continue;
      try {
        const data = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { group: string; offsets: Record<string, CommittedOffset> };
        this.offsets.set(data.group, new Map(Object.entries(data.offsets)));
      } catch (e) {
        this.log("warn", `ignoring unreadable group offsets ${f}: ${(e as Error).message}`);
      }
    }
    this.sessionTimer = setInterval(() => this.expireSessions(), 1000);
    this.sessionTimer.unref();
  }

  close(): void {
    clearInterval(this.sessionTimer);
    for (const g of this.groups.values()) clearTimeout(g.rebalanceTimer);
  }

  private group(id: string): Group {
    let g = this.groups.get(id);
    if (!g) {
      g = { id, state: "Empty", generation: 0, members: new Map() };
      this.groups.set(id, g);
    }
    return g;
  }

  join(req: JoinRequest, conn: object): Promise<JoinResult> {
    const fail = (errorCode: number, memberId = req.memberId): Promise<JoinResult> => Promise.resolve({ errorCode, generationId: -1, protocolName: "", leader: "", memberId, members: [] });
    if (!req.groupId) return fail(ErrorCode.INVALID_GROUP_ID);
    if (req.protocols.length === 0) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const g = this.group(req.groupId);
    if (g.members.size > 0 && g.protocolType !== req.protocolType) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    let m = req.memberId ? g.members.get(req.memberId) : undefined;
    if (req.memberId && !m) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (!m) {
      m = {
        id: `${req.clientId || "member"}-${randomUUID()}`,
        clientId: req.clientId,
        instanceId: req.groupInstanceId,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        protocols: req.protocols,
        conn,
        lastSeen: Date.now(),
        assignment: EMPTY,
      };
      g.members.set(m.id, m);
      this.log("info", `group ${g.id}: member ${m.id} joins`);
    }
    m.protocols = req.protocols;
    m.sessionTimeoutMs = req.sessionTimeoutMs;
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    m.conn = conn;
    m.lastSeen = Date.now();
    g.protocolType = req.protocolType;
    // a second JoinGroup from the same member replaces the first (the first answer is moot)
    m.join?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, generationId: -1, protocolName: "", leader: "", memberId: m.id, members: [] });
    const member = m;
    return new Promise((resolve) => {
      member.join = resolve;
      this.prepareRebalance(g);
      this.maybeCompleteJoin(g);
    });
  }

  private prepareRebalance(g: Group): void {
    if (g.state === "PreparingRebalance") return;
    g.state = "PreparingRebalance";
    for (const m of g.members.values()) {
      m.sync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      m.sync = undefined;
    }
    const timeout = Math.max(1000, ...[...g.members.values()].map((m) => m.rebalanceTimeoutMs));
    clearTimeout(g.rebalanceTimer);
    g.rebalanceTimer = setTimeout(() => {
      // members that did not rejoin in time are out
      for (const m of [...g.members.values()]) if (!m.join) this.remove(g, m, "did not rejoin in time");
      this.completeJoin(g);
    }, timeout);
    g.rebalanceTimer.unref();
  }

  private maybeCompleteJoin(g: Group): void {
    if (g.state !== "PreparingRebalance") return;
    for (const m of g.members.values()) if (!m.join) return;
    this.completeJoin(g);
  }

  private completeJoin(g: Group): void {
    clearTimeout(g.rebalanceTimer);
    g.rebalanceTimer = undefined;
    g.generation++;
    const members = [...g.members.values()];
    if (members.length === 0) {
      g.state = "Empty";
      g.leader = undefined;
      g.protocol = undefined;
      return;
    }
    const protocol = members[0]!.protocols.find((p) => members.every((m) => m.protocols.some((q) => q.name === p.name)))?.name;
    if (!protocol) {
      for (const m of members) {
        m.join?.({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, generationId: -1, protocolName: "", leader: "", memberId: m.id, members: [] });
        m.join = undefined;
        g.members.delete(m.id);
      }
      g.state = "Empty";
      return;
    }
    g.protocol = protocol;
    if (!g.leader || !g.members.has(g.leader)) g.leader = members[0]!.id;
    g.state = "CompletingRebalance";
    const all = members.map((m) => ({ memberId: m.id, groupInstanceId: m.instanceId, metadata: m.protocols.find((p) => p.name === protocol)!.metadata }));
    this.log("info", `group ${g.id}: generation ${g.generation}, ${members.length} member(s), protocol ${protocol}`);
    for (const m of members) {
      const answer = m.join;
      m.join = undefined;
      m.lastSeen = Date.now();
      answer?.({ errorCode: 0, generationId: g.generation, protocolName: protocol, leader: g.leader, memberId: m.id, members: m.id === g.leader ? all : [] });
    }
  }

  sync(groupId: string, generation: number, memberId: string, assignments: { memberId: string; assignment: Buffer }[]): Promise<SyncResult> {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return Promise.resolve({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (generation !== g.generation) return Promise.resolve({ errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY });
    m.lastSeen = Date.now();
    if (g.state === "PreparingRebalance") return Promise.resolve({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    if (g.state === "Stable") return Promise.resolve({ errorCode: 0, assignment: m.assignment });
    return new Promise((resolve) => {
      m.sync = resolve;
      if (memberId !== g.leader) return;
      const given = new Map(assignments.map((a) => [a.memberId, a.assignment]));
      g.state = "Stable";
      for (const member of g.members.values()) {
        member.assignment = given.get(member.id) ?? EMPTY;
        member.sync?.({ errorCode: 0, assignment: member.assignment });
        member.sync = undefined;
      }
    });
  }

  heartbeat(groupId: string, generation: number, memberId: string): number {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return ErrorCode.UNKNOWN_MEMBER_ID;
    m.lastSeen = Date.now();
    if (g.state === "PreparingRebalance") return ErrorCode.REBALANCE_IN_PROGRESS;
    if (generation !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
    return 0;
  }

  leave(groupId: string, memberId: string): number {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.remove(g, m, "left");
    return 0;
  }

  /** Every member that joined over this connection is gone with it. */
  connectionClosed(conn: object): void {
    for (const g of this.groups.values()) {
      for (const m of [...g.members.values()]) if (m.conn === conn) this.remove(g, m, "its connection closed");
    }
  }

  private remove(g: Group, m: Member, why: string): void {
    g.members.delete(m.id);
    this.log("info", `group ${g.id}: member ${m.id} removed (${why})`);
    m.join?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, generationId: -1, protocolName: "", leader: "", memberId: m.id, members: [] });
    m.sync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    m.join = undefined;
    m.sync = undefined;
    if (g.members.size === 0) {
      clearTimeout(g.rebalanceTimer);
      g.rebalanceTimer = undefined;
      g.state = "Empty";
      g.generation++;
      g.leader = undefined;
      return;
    }
    this.prepareRebalance(g);
    this.maybeCompleteJoin(g);
  }

  private expireSessions(): void {
    const now = Date.now();
    for (const g of this.groups.values()) {
      for (const m of [...g.members.values()]) {
        if (!m.join && now - m.lastSeen > m.sessionTimeoutMs) this.remove(g, m, `no heartbeat for ${m.sessionTimeoutMs} ms`);
      }
    }
  }

  // ---- offsets --------------------------------------------------------------------------------------------------

  /** Check a commit's member and generation: 0 when it may commit. A generation of −1 is a commit from outside a group. */
  commitAllowed(groupId: string, generation: number, memberId: string): number {
    if (!groupId) return ErrorCode.INVALID_GROUP_ID;
    if (generation < 0) return 0;
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generation !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
    if (g.state === "CompletingRebalance") return ErrorCode.REBALANCE_IN_PROGRESS;
    m.lastSeen = Date.now();
    return 0;
  }

  commit(groupId: string, entries: { topic: string; partition: number; offset: number; metadata: string | null }[]): void {
    const map = new Map(this.offsets.get(groupId) ?? []);
    for (const e of entries) map.set(`${e.topic}/${e.partition}`, { offset: e.offset, metadata: e.metadata });
    // persisted first: when the disk refuses, this throws and the group keeps the offsets it had
    this.persist(groupId, map);
    this.offsets.set(groupId, map);
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(groupId)?.get(`${topic}/${partition}`);
  }

  /** every committed offset of a group, as topic → partitions */
  committedAll(groupId: string): Map<string, { partition: number; offset: CommittedOffset }[]> {
    const out = new Map<string, { partition: number; offset: CommittedOffset }[]>();
    for (const [k, v] of this.offsets.get(groupId) ?? []) {
      const i = k.lastIndexOf("/");
      const topic = k.slice(0, i);
      out.set(topic, [...(out.get(topic) ?? []), { partition: Number(k.slice(i + 1)), offset: v }]);
    }
    return out;
  }

  summaries(): GroupSummary[] {
    const ids = new Set([...this.groups.keys(), ...this.offsets.keys()]);
    return [...ids].sort().map((id) => {
      const g = this.groups.get(id);
      const offsets = [...(this.offsets.get(id) ?? [])].map(([k, v]) => {
        const i = k.lastIndexOf("/");
        return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)), offset: v.offset };
      });
      return { groupId: id, state: g?.state ?? "Empty", generation: g?.generation ?? 0, members: g?.members.size ?? 0, offsets };
    });
  }

  private persist(groupId: string, map: Map<string, CommittedOffset>): void {
    const safe = /^[A-Za-z0-9._-]{1,100}$/.test(groupId) ? groupId : createHash("sha256").update(groupId).digest("hex");
    const file = path.join(this.dir, `${safe}.json`);
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      const text = JSON.stringify({ group: groupId, offsets: Object.fromEntries(map) });
      faults.beforeWrite?.(tmp, 0, Buffer.byteLength(text));
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  }
}
