// The bad-input catalogue, one row per case: the documented clear error, nothing lost,
// nothing left running, no partition stalled. CLI rows use throwaway state dirs; Kafka and HTTP rows use the shared
// stack and check afterwards that the topic still delivers.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { repoRoot, runCli, eventually, ingress, patterns, stack, uniqueKey, unsignedToWorker } from "../helpers.js";
import { openSink, SINK_FILE } from "../../src/services/chaos/sink.js";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "patterns-bad-"));

let producer: Producer | undefined;
async function kafka(): Promise<Producer> {
  if (!producer) {
    producer = new Kafka({ clientId: "bad-input", brokers: stack().brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer({ allowAutoTopicCreation: false });
    await producer.connect();
  }
  return producer;
}
afterAll(async () => producer?.disconnect());

/** The Kafka error code kafkajs reports (its `type`, e.g. INVALID_RECORD), looking through the errors it wraps. */
function kafkaErrorType(e: unknown): string {
  for (let x = e as { type?: string; originalError?: unknown; cause?: unknown; message?: string } | undefined; x; x = (x.originalError ?? x.cause) as typeof x) {
    if (x.type) return x.type;
  }
  return `no Kafka error code in: ${String((e as Error)?.message ?? e)}`;
}

/** Produce one raw record; resolves with the broker's error code, or undefined when it was accepted. */
async function produceRaw(topic: string, key: Buffer | string | null, value: Buffer | string | null): Promise<string | undefined> {
  try {
    await (await kafka()).send({ topic, acks: -1, messages: [{ key, value }] });
    return undefined;
  } catch (e) {
    return kafkaErrorType(e);
  }
}

/** After a refused or failed record the topic must still deliver: a good post reaches the feed. */
async function postStillFlows(): Promise<void> {
  const user = uniqueKey("flow");
  expect(await produceRaw("social-media-posts", user, JSON.stringify({ content: "still flowing", metadata: "public", pendingChecks: 0 }))).toBeUndefined();
  await eventually(
    `a good post for ${user} after the bad record`,
    async () => {
      const r = await patterns(["feed", user, "--json"]);
      return r.code === 0 && r.stdout.includes("still flowing");
    },
    120_000,
    500,
  );
}

type Row = [number, string, () => Promise<void>];

const rows: Row[] = [
  [
    1,
    "CLI: chaos flags --events -5 / abc, --keys 0 exit 2 and start nothing",
    async () => {
      for (const args of [
        ["--events", "-5"],
        ["--events", "abc"],
        ["--keys", "0"],
      ]) {
        const r = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", path.join(repoRoot, "dist", "chaos", "main.js"), ...args], { encoding: "utf8" });
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(new RegExp(`${args[0]} must be`));
      }
    },
  ],
  [
    2,
    "CLI: --ingress-port 70000 exits 2 naming the flag, before spawning anything",
    async () => {
      const dir = tmp();
      const r = await runCli(["start", "--state-dir", dir, "--ingress-port", "70000"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--ingress-port/);
      expect(existsSync(path.join(dir, "state.json"))).toBe(false);
    },
  ],
  [
    3,
    "CLI: --state-dir pointing at a file is refused with a specific message",
    async () => {
      const file = path.join(tmp(), "not-a-dir");
      writeFileSync(file, "x");
      const r = await runCli(["start", "--state-dir", file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a directory|is a file/i);
    },
  ],
  [
    4,
    "CLI: an unknown verb or flag (e.g. --host 0.0.0.0) exits 2; there is no way to bind elsewhere",
    async () => {
      expect((await runCli(["frobnicate"])).code).toBe(2);
      const r = await runCli(["start", "--host", "0.0.0.0", "--state-dir", tmp()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown option '--host'/);
    },
  ],
  [
    5,
    "CLI: there is no --spec flag: the broker's topics come from the project's kafka/asyncapi.yaml",
    async () => {
      const r = await runCli(["start", "--spec", "/tmp", "--state-dir", tmp()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown option '--spec'/);
    },
  ],
  [
    7,
    "Kafka: a value missing a required field is refused by the broker (INVALID_RECORD); the topic keeps flowing",
    async () => {
      expect(await produceRaw("social-media-posts", uniqueKey("u"), JSON.stringify({ metadata: "public" }))).toBe("INVALID_RECORD");
      await postStillFlows();
    },
  ],
  [
    8,
    "Kafka: a truncated, non-JSON value is refused by the broker",
    async () => {
      expect(await produceRaw("social-media-posts", uniqueKey("u"), '{"content": "trunc')).toBe("INVALID_RECORD");
    },
  ],
  [
    9,
    "Kafka: a null value (tombstone) is refused by the broker",
    async () => {
      expect(await produceRaw("package-location-updates", uniqueKey("p"), null)).toBe("INVALID_RECORD");
    },
  ],
  [
    10,
    "Kafka: a non-UTF-8 key and a missing key are refused at produce time (they would stall the partition)",
    async () => {
      expect(await produceRaw("social-media-posts", Buffer.from([0xff, 0xfe, 0xfd]), JSON.stringify({ content: "x" }))).toBe("INVALID_RECORD");
      expect(await produceRaw("social-media-posts", null, JSON.stringify({ content: "x" }))).toBe("INVALID_RECORD");
      await postStillFlows();
    },
  ],
  [
    11,
    "Kafka: the same event produced twice makes two invocations and one effect",
    async () => {
      const key = uniqueKey("twice");
      const value = JSON.stringify({ eventId: `${key}-1`, seq: 1, amount: 7 });
      expect(await produceRaw("chaos-events", key, value)).toBeUndefined();
      expect(await produceRaw("chaos-events", key, value)).toBeUndefined();
      const state = await eventually(
        "both deliveries handled",
        async () => {
          const r = await ingress(`/chaosProof/${key}/get`);
          const s = r.json as { count: number; redelivered: number } | null;
          return s && s.count + s.redelivered === 2 ? s : undefined;
        },
        120_000,
        500,
      );
      expect(state).toMatchObject({ count: 1, redelivered: 1 });
      const db = openSink(path.join(stack().stateDir, SINK_FILE));
      try {
        expect((db.prepare("SELECT COUNT(*) AS n FROM effects WHERE event_id = ?").get(`${key}-1`) as { n: number }).n).toBe(1);
      } finally {
        db.close();
      }
    },
  ],
  [
    12,
    "Kafka: a schema-valid but meaningless record (update for an unknown package) fails once, terminally, and the topic moves on",
    async () => {
      const pkg = uniqueKey("ghost");
      expect(await produceRaw("package-location-updates", pkg, JSON.stringify({ timestamp: "2024-01-01T00:00:00Z", location: "Nowhere" }))).toBeUndefined();
      const row = await eventually(
        "the failed invocation",
        async () => {
          const rows = await stack().admin.query<{ status: string; retry_count?: number; completion_result?: string }>(
            `SELECT status, retry_count, completion_result FROM sys_invocation WHERE target_service_name = 'package-tracker' AND target_service_key = '${pkg}'`,
          );
          return rows[0]?.status === "completed" ? rows[0] : undefined;
        },
        120_000,
        500,
      );
      expect(row.completion_result).toBe("failure");
      expect(row.retry_count ?? 0).toBe(0);
      const real = uniqueKey("pkg");
      expect((await patterns(["package", "register", real, "--to", "Bridge 6, Amsterdam"])).code).toBe(0);
      expect((await patterns(["package", "move", real, "Pinetree Road 5, Paris"])).code).toBe(0);
      await eventually("the next record on the topic handled", async () => (await patterns(["package", "show", real, "--json"])).stdout.includes("Pinetree"), 120_000, 500);
    },
  ],
  [
    13,
    "Kafka: an unknown topic is refused by the CLI with the list of topics",
    async () => {
      const r = await patterns(["produce", "no-such-topic", 'k:{"content":"x"}']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown topic no-such-topic/);
      expect(r.stderr).toMatch(/social-media-posts/);
    },
  ],
  [
    14,
    "Kafka: an oversized value (2 MiB) is refused by the CLI before producing",
    async () => {
      const user = uniqueKey("big");
      const r = await patterns(["produce", "social-media-posts"], { input: `${user}:${JSON.stringify({ content: "x".repeat(2 * 1024 * 1024) })}\n` });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/bytes \(at most 1048576\)/);
    },
  ],
  [
    15,
    "HTTP: an invalid JSON body fails with 400 from the handler and is not retried",
    async () => {
      const res = await fetch(`${stack().ingressUrl}/product/${uniqueKey("p")}/reserve`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"oops' });
      expect(res.status).toBe(400);
    },
  ],
  [
    16,
    "HTTP: a body over the ingress limit (32 MiB) is refused and the handler never runs",
    async () => {
      // Restate 1.7 answers 413 or drops the connection mid-upload; either way no invocation may exist
      const key = uniqueKey("huge");
      const outcome = await new Promise<string>((resolve) => {
        const req = http.request(`${stack().ingressUrl}/playgroundLane/${key}/work`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
          res.resume();
          resolve(String(res.statusCode));
        });
        req.on("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? "error"));
        req.end(JSON.stringify({ holdMs: 10, label: "x".repeat(33 * 1024 * 1024) }));
      });
      expect(["413", "EPIPE", "ECONNRESET"]).toContain(outcome);
      // a later call on the same key lands on the same partition after it: once that call's row is visible, a row for
      // the huge body would be too, so the only row for the key must be the later call's
      const marker = await ingress(`/playgroundLane/${key}/work`, { holdMs: 10, label: "marker" });
      expect(marker.status, marker.text).toBe(200);
      const markerId = marker.headers.get("x-restate-id");
      expect(markerId).toMatch(/^inv_/);
      const rows = await eventually(`the invocation row of the later call ${markerId}`, async () => {
        const r = await stack().admin.query<{ id: string }>(`SELECT id FROM sys_invocation WHERE target_service_name = 'playgroundLane' AND target_service_key = '${key}'`);
        return r.some((x) => x.id === markerId) ? r : undefined;
      });
      expect(rows.map((r) => r.id)).toEqual([markerId]);
    },
  ],
  [
    17,
    "HTTP: an unknown service or handler gets 404",
    async () => {
      expect((await ingress("/noSuchService/run", {})).status).toBe(404);
      expect((await ingress("/playground/noSuchHandler", {})).status).toBe(404);
    },
  ],
  [
    18,
    "HTTP: an idempotency key reused with a different body returns the first answer, without a second execution",
    async () => {
      const key = uniqueKey("lane");
      const idem = uniqueKey("idem");
      const first = await ingress(`/playgroundLane/${key}/work`, { holdMs: 10, label: "first" }, { "idempotency-key": idem });
      const second = await ingress(`/playgroundLane/${key}/work`, { holdMs: 10, label: "second" }, { "idempotency-key": idem });
      expect(first.json).toMatchObject({ count: 1, label: "first" });
      expect(second.json).toEqual(first.json);
    },
  ],
  [
    19,
    "HTTP: a workflow's run invoked twice with the same id executes once",
    async () => {
      const id = uniqueKey("wf");
      const first = await ingress(`/dataUploader/${id}/run`, {});
      expect(first.status).toBe(200);
      const again = await ingress(`/dataUploader/${id}/run`, {});
      expect(again.status).toBe(409);
      const rows = await stack().admin.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM sys_invocation WHERE target_service_name = 'dataUploader' AND target_service_key = '${id}' AND target_handler_name = 'run'`,
      );
      expect(Number(rows[0]?.n)).toBe(1);
    },
  ],
  [
    20,
    "HTTP: a direct unsigned request to the worker gets 401",
    async () => {
      expect(await unsignedToWorker([{ path: "/invoke/playground/ping" }])).toEqual([401]);
    },
  ],
  [
    21,
    "HTTP: a foreign browser Origin is reflected by the ingress (documented known risk)",
    async () => {
      const res = await fetch(`${stack().ingressUrl}/playground/ping`, { method: "OPTIONS", headers: { origin: "http://evil.example", "access-control-request-method": "POST" } });
      expect(res.headers.get("access-control-allow-origin")).toBe("http://evil.example");
    },
  ],
];

describe("bad-input catalogue", () => {
  it.each(rows)(
    "#%i %s",
    async (_n, _what, run) => {
      await run();
    },
    300_000,
  );
});
