// The embedded broker SIGKILLed mid-stream, on a private stack. Its log and its consumer groups' committed offsets
// persist in the state dir, so after the restart offsets continue where they were, the subscriptions stay the same
// (same ids, same consumer groups) and Restate's consumers resume from their committed offsets: every record is
// handled exactly once and in order, before and after; the same after a restate-server SIGKILL. On the same private stack (they rewire subscriptions by hand),
// doctor's checks for a subscription made twice and for one that stopped taking records in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { startOwnStack, stopChecked, type OwnStack } from "../helpers.js";
import { kafkaProducer } from "../../src/lab/measure.js";

let own: OwnStack;

beforeAll(async () => {
  own = await startOwnStack();
}, 180_000);

afterAll(async () => {
  await stopChecked(own);
}, 120_000);

interface Produced {
  records: { key: string; offset: number; invocationId?: string; outcome: string }[];
}

async function produce(topic: string, lines: string[]): Promise<Produced> {
  const res = await own.cli(["produce", topic, "--json", "--wait", "30s", ...lines], { timeoutMs: 90_000 });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Produced;
}

const move = (id: string, i: number) => `${id}:{"timestamp": "t${i}", "location": "stop ${i}"}`;

async function subscriptionIds(): Promise<string[]> {
  return (await own.admin.subscriptions()).map((s) => s.id).sort();
}

describe("broker restart mid-stream", () => {
  it("keeps the subscription ids and offsets; every record before and after is handled exactly once, in order", async () => {
    const id = `package-${randomBytes(3).toString("hex")}`;
    const user = `userid1-${randomBytes(3).toString("hex")}`;
    expect((await own.cli(["package", "register", id, "--to", "Bridge 6, Amsterdam"])).code).toBe(0);

    // before: 5 location updates and 2 posts, all handled
    const before = await produce(
      "package-location-updates",
      [1, 2, 3, 4, 5].map((i) => move(id, i)),
    );
    expect(before.records.map((r) => r.outcome)).toEqual(Array(5).fill("done"));
    const postsBefore = await produce("social-media-posts", [`${user}:{"content": "before 1", "pendingChecks": 0}`, `${user}:{"content": "before 2", "pendingChecks": 0}`]);
    expect(postsBefore.records.map((r) => r.outcome)).toEqual(["done", "done"]);
    const subsBefore = await subscriptionIds();

    // kill the broker (`kill-broker`, SIGKILL); the supervisor brings it back after ~1 s over the same data dir
    const kill = await own.cli(["kill-broker", "--down", "1s", "--json"], { timeoutMs: 120_000 });
    expect(kill.code, kill.stderr).toBe(0);
    const killed = JSON.parse(kill.stdout) as { component: string; pid: number; newPid?: number; waited: boolean };
    expect(killed).toMatchObject({ component: "broker", waited: true });
    expect(killed.newPid).toBeDefined();
    expect(killed.newPid).not.toBe(killed.pid);
    expect(await subscriptionIds(), "the same subscriptions after the broker restart").toEqual(subsBefore);

    // after: offsets continue where the log ended, in two batches
    const after1 = await produce(
      "package-location-updates",
      [6, 7, 8, 9, 10].map((i) => move(id, i)),
    );
    const after2 = await produce(
      "package-location-updates",
      [11, 12, 13, 14, 15].map((i) => move(id, i)),
    );
    const postsAfter = await produce("social-media-posts", [`${user}:{"content": "after 1", "pendingChecks": 0}`, `${user}:{"content": "after 2", "pendingChecks": 0}`]);
    expect(after1.records[0]!.offset, "the first offset after the restart").toBe(before.records[4]!.offset + 1);
    expect([...after1.records, ...after2.records, ...postsAfter.records].map((r) => r.outcome)).toEqual(Array(12).fill("done"));
    expect(await subscriptionIds(), "still the same subscriptions").toEqual(subsBefore);

    // exactly once: each location once and in order; one invocation per record
    const show = await own.cli(["package", "show", id, "--json"]);
    const info = JSON.parse(show.stdout) as { locations: { location: string }[] };
    expect(info.locations.map((l) => l.location)).toEqual(Array.from({ length: 15 }, (_, i) => `stop ${i + 1}`));
    const rows = await own.admin.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM sys_invocation WHERE target_service_name = 'package-tracker' AND target_handler_name = 'updateLocation' AND target_service_key = '${id}'`,
    );
    expect(Number(rows[0]?.n)).toBe(15);

    const feed = JSON.parse((await own.cli(["feed", user, "--json"])).stdout) as { posts: { content: string }[] };
    expect(feed.posts.map((p) => p.content)).toEqual(["before 1", "before 2", "after 1", "after 2"]);
  }, 480_000);

  it("a restate-server SIGKILL: its consumers rejoin their groups and every record, before and after, is handled once", async () => {
    const id = `package-${randomBytes(3).toString("hex")}`;
    expect((await own.cli(["package", "register", id, "--to", "Bridge 6, Amsterdam"])).code).toBe(0);
    const before = await produce(
      "package-location-updates",
      [1, 2, 3].map((i) => move(id, i)),
    );
    expect(before.records.map((r) => r.outcome)).toEqual(Array(3).fill("done"));
    const subsBefore = await subscriptionIds();
    const kill = await own.cli(["kill-restate", "--down", "1s", "--json"], { timeoutMs: 180_000 });
    expect(kill.code, kill.stderr).toBe(0);
    const after = await produce(
      "package-location-updates",
      [4, 5, 6].map((i) => move(id, i)),
    );
    expect(after.records.map((r) => r.outcome)).toEqual(Array(3).fill("done"));
    expect(await subscriptionIds(), "the same subscriptions after the restate-server restart").toEqual(subsBefore);
    const info = JSON.parse((await own.cli(["package", "show", id, "--json"])).stdout) as { locations: { location: string }[] };
    expect(info.locations.map((l) => l.location)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `stop ${i}`));
  }, 480_000);

  it("doctor finds a subscription made twice (the seed's curl on a wired playground) and names the one to delete", async () => {
    interface Doctor {
      checks: { name: string; ok: boolean; detail: string; fix?: string }[];
    }
    const doctor = async () => JSON.parse((await own.cli(["doctor", "--json"], { timeoutMs: 120_000 })).stdout) as Doctor;
    const sink = "service://package-tracker/updateLocation";
    const source = (await own.admin.subscriptions()).find((s) => s.sink === sink)!.source;
    const extra = await own.admin.createSubscription(source, sink, { "auto.offset.reset": "earliest" });
    const found = (await doctor()).checks.find((c) => c.name === "subscriptions")!;
    expect(found.ok).toBe(false);
    expect(found.detail).toMatch(/package-location-updates → package-tracker\/updateLocation subscribed 2 times/);
    // the playground's own subscription is kept; the copy is the one to delete
    expect(found.fix).toContain(`/subscriptions/${extra.id}`);
    await own.admin.deleteSubscription(extra.id);
    expect((await doctor()).checks.find((c) => c.name === "subscriptions")).toMatchObject({ ok: true });
  }, 300_000);

  it("doctor flags a subscription that stopped taking records in (a backlog it will never read)", async () => {
    interface Doctor {
      checks: { name: string; ok: boolean; detail: string; fix?: string }[];
    }
    const moving = async () => (JSON.parse((await own.cli(["doctor", "--json"], { timeoutMs: 120_000 })).stdout) as Doctor).checks.find((c) => c.name === "subscriptions moving")!;
    expect(await moving()).toMatchObject({ ok: true });
    // records produced while the topic has no subscription, which is then made reading from the end: they stay unread
    const sink = "service://delivery-tracker/setLocation";
    const sub = (await own.admin.subscriptions()).find((s) => s.sink === sink)!;
    await own.admin.deleteSubscription(sub.id);
    const id = `delivery-${randomBytes(3).toString("hex")}`;
    const producer = await kafkaProducer(own.ports.broker!, "test-backlog");
    await producer.send({ topic: "delivery-location-updates", messages: [1, 2, 3].map((i) => ({ key: id, value: JSON.stringify({ timestamp: `t${i}`, location: `stop ${i}` }) })) });
    await producer.disconnect();
    await own.admin.createSubscription(sub.source, sink, { "auto.offset.reset": "latest" });
    const flagged = await moving();
    expect(flagged.ok).toBe(false);
    expect(flagged.detail).toMatch(/stalled: delivery-location-updates \(0 of \d+ records taken in\)/);
    expect(flagged.fix).toContain("npx patterns stop && npx patterns start");
  }, 300_000);
});
