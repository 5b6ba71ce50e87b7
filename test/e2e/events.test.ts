// The events group through the user's doors, against the shared stack: send-post / feed, the seed's curl and
// kafka-console-producer lines, the package tracker, bad records, and the two demos.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { eventually, ingress, patterns, stack, uniqueKey } from "../helpers.js";

const haveKcat = spawnSync("kcat", ["-V"]).status === 0;

interface SentJson {
  via: string;
  records: { key: string; partition?: number; offset?: number; invocationId?: string; outcome?: string; error?: string }[];
}
interface FeedJson {
  user: string;
  posts: { postId: string; content: string; via: string; offset?: number; invocationId: string }[];
}

async function feed(user: string): Promise<FeedJson> {
  const res = await patterns(["feed", user, "--json"]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as FeedJson;
}

const seedLine = (key: string, content: string) => `${key}:{"content": "${content}", "metadata": "public"}`;

// CLI calls take seconds each on a loaded 2-core machine: generous per-test timeouts
describe("user feed", { timeout: 300_000 }, () => {
  it("send-post produces to Kafka, names the invocation, and the feed keeps the user's order", async () => {
    const user = uniqueKey("userid1");
    // the first post stays pending longer than the second; the second must still wait for it
    const first = await patterns(["send-post", user, "Hi! This is my first post!", "--pending", "2"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`${user}\\s+social-media-posts/0 offset \\d+\\s+→ inv_\\w+`));
    // the equivalent console-producer line and curl, on stderr
    expect(first.stderr).toContain(`${user}:{"content":"Hi! This is my first post!","metadata":"public","pendingChecks":2}`);
    expect(first.stderr).toContain(`/userFeed/${user}/processPost/send`);

    const second = await patterns(["send-post", user, "Hi! This is my second post!", "--pending", "0", "--follow", "--json"]);
    expect(second.code, second.stderr).toBe(0);
    const events = second.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: string; name?: string; result?: string });
    expect(events.find((e) => e.event === "completed")?.result).toBe("success");
    expect(events.filter((e) => e.event === "step").map((e) => e.name)).toEqual(expect.arrayContaining(["create post", "check moderation", "update feed"]));

    const f = await feed(user);
    expect(f.posts.map((p) => p.content)).toEqual(["Hi! This is my first post!", "Hi! This is my second post!"]);
    expect(
      f.posts.filter((p) => p.via !== "kafka"),
      "posts not delivered via kafka",
    ).toEqual([]);
    expect(f.posts[0]!.offset).toBeLessThan(f.posts[1]!.offset!);
  });

  it.skipIf(!haveKcat)(`a zstd-compressed record from librdkafka (kcat -z zstd) reaches the feed through restate-server's consumer${haveKcat ? "" : " (SKIPPED: kcat is not installed)"}`, async () => {
    const user = uniqueKey("zstd");
    const r = spawnSync("kcat", ["-b", stack().brokers[0]!, "-P", "-t", "social-media-posts", "-K:", "-z", "zstd"], {
      input: `${user}:{"content":"packed with zstd"}\n`,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const f = await eventually(`the zstd post in ${user}'s feed`, async () => {
      const got = await feed(user);
      return got.posts.length ? got : undefined;
    });
    expect(f.posts).toMatchObject([{ content: "packed with zstd", via: "kafka" }]);
  });

  it("the ingress call (the curl equivalent) runs the same handler with the same key", async () => {
    const user = uniqueKey("userid2");
    const res = await ingress(`/userFeed/${user}/processPost`, { content: "Hi! This is my first post!", metadata: "public" });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ status: "published", checks: 2 });
    const f = await feed(user);
    expect(f.posts).toHaveLength(1);
    expect(f.posts[0]).toMatchObject({ via: "ingress", content: "Hi! This is my first post!" });
  });

  it("the handler rejects a bad post terminally, naming the field", async () => {
    const user = uniqueKey("userid3");
    const missing = await ingress(`/userFeed/${user}/processPost`, { metadata: "public" });
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/content is missing/);
    const raw = await fetch(`${stack().ingressUrl}/userFeed/${user}/processPost`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(raw.status).toBe(400);
    expect(await raw.text()).toMatch(/not valid JSON/);
    // the key is not blocked by the rejected posts
    const ok = await ingress(`/userFeed/${user}/processPost`, { content: "after the bad ones", pendingChecks: 0 });
    expect(ok.status, ok.text).toBe(200);
  });

  it("produce takes the seed's kafka-console-producer lines unchanged; users do not block each other", async () => {
    const [u1, u2] = [uniqueKey("userid1"), uniqueKey("userid2")];
    const res = await patterns(
      ["produce", "social-media-posts", "--wait", "30s", "--json", seedLine(u1, "Hi! This is my first post!"), seedLine(u2, "Hi! This is my first post!"), seedLine(u1, "Hi! This is my second post!")],
      { timeoutMs: 90_000 },
    );
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as SentJson;
    expect(out.records.map((r) => r.key)).toEqual([u1, u2, u1]);
    expect(out.records.map((r) => r.outcome)).toEqual(["done", "done", "done"]);
    const offsets = out.records.map((r) => r.offset!);
    expect(offsets[1]).toBe(offsets[0]! + 1);
    expect(offsets[2]).toBe(offsets[0]! + 2);
    expect((await feed(u1)).posts.map((p) => p.content)).toEqual(["Hi! This is my first post!", "Hi! This is my second post!"]);
    expect((await feed(u2)).posts).toHaveLength(1);

    // per key in order, across keys in parallel: compare completion times from sys_invocation
    const ids = out.records.map((r) => `'${r.invocationId}'`).join(", ");
    const rows = await stack().admin.query<{ id: string; completed_at: string; created_at: string }>(`SELECT id, created_at, completed_at FROM sys_invocation WHERE id IN (${ids})`);
    const at = (i: number) => Date.parse(rows.find((r) => r.id === out.records[i]!.invocationId)!.completed_at);
    expect(at(0)).toBeLessThan(at(2));
  });

  it("stdin input works like the console producer", async () => {
    const user = uniqueKey("userid4");
    const res = await patterns(["produce", "social-media-posts", "--json", "--wait", "0"], { input: `${seedLine(user, "from stdin")}\n\n` });
    expect(res.code, res.stderr).toBe(0);
    expect((JSON.parse(res.stdout) as SentJson).records).toHaveLength(1);
    await eventually("the stdin post in the feed", async () => (await feed(user)).posts.length === 1);
  });
});

describe("package tracker", { timeout: 300_000 }, () => {
  it("register over RPC, move with Kafka records, show the joined state", async () => {
    const id = uniqueKey("package");
    const reg = await patterns(["package", "register", id, "--to", "Bridge 6, Amsterdam", "--json"]);
    expect(reg.code, reg.stderr).toBe(0);
    expect(JSON.parse(reg.stdout)).toMatchObject({ id, finalDestination: "Bridge 6, Amsterdam" });
    for (const [at, where] of [
      ["2024-10-10 13:00", "Pinetree Road 5, Paris"],
      ["2024-10-10 14:00", "Mountain Road 155, Brussels"],
    ]) {
      const mv = await patterns(["package", "move", id, where!, "--at", at!, "--json"]);
      expect(mv.code, mv.stderr).toBe(0);
      expect(JSON.parse(mv.stdout)).toMatchObject({ via: "kafka", outcome: "applied" });
    }
    const show = await patterns(["package", "show", id, "--json"]);
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual({
      id,
      finalDestination: "Bridge 6, Amsterdam",
      locations: [
        { timestamp: "2024-10-10 13:00", location: "Pinetree Road 5, Paris" },
        { timestamp: "2024-10-10 14:00", location: "Mountain Road 155, Brussels" },
      ],
    });
    // the seed's own query
    const seedQuery = await fetch(`${stack().ingressUrl}/package-tracker/${id}/getPackageInfo`);
    expect(((await seedQuery.json()) as { locations: unknown[] }).locations).toHaveLength(2);
  });

  it("an update for an unregistered package is rejected visibly and does not block the topic", async () => {
    const ghost = uniqueKey("package");
    const id = uniqueKey("package");
    await patterns(["package", "register", id, "--to", "Bridge 6, Amsterdam"]);
    const mv = await patterns(["package", "move", ghost, "Nowhere 1", "--json"]);
    expect(mv.code).toBe(1);
    const moved = JSON.parse(mv.stdout) as { outcome: string; error: string };
    expect(moved.outcome).toBe("rejected");
    expect(moved.error).toMatch(/not found: rejected Kafka record package-location-updates\/0@\d+/);
    const text = await patterns(["package", "move", ghost, "Nowhere 2"]);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/rejected/);
    const after = await patterns(["package", "move", id, "Pinetree Road 5, Paris", "--json"]);
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ outcome: "applied" });
    const show = await patterns(["package", "show", ghost]);
    expect(show.code).toBe(1);
    expect(show.stderr).toMatch(/not registered/);
  });

  it("the delivery tracker of the docs seed works the same way", async () => {
    const id = uniqueKey("delivery");
    expect((await patterns(["delivery", "register", id, "--to", "Bridge 6, Amsterdam"])).code).toBe(0);
    expect((await patterns(["delivery", "move", id, "Pinetree Road 5, Paris"])).code).toBe(0);
    const show = JSON.parse((await patterns(["delivery", "show", id, "--json"])).stdout) as { locations: { location: string }[] };
    expect(show.locations.map((l) => l.location)).toEqual(["Pinetree Road 5, Paris"]);
  });
});

describe("bad records", { timeout: 300_000 }, () => {
  it("are refused before they reach Restate, naming the field, and the partition keeps flowing", async () => {
    const user = uniqueKey("userid5");
    // the CLI's own check (exit 2, nothing sent)
    const missing = await patterns(["produce", "social-media-posts", `${user}:{"metadata": "public"}`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/content is missing/);
    const notJson = await patterns(["produce", "social-media-posts", `${user}:{"content": "Hi!"`]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/not valid JSON/);
    // the broker's schema check (the embedded broker refuses with INVALID_RECORD)
    for (const line of [`bad key:{"content": "Hi!"}`, `${user}:not json`]) {
      const res = await patterns(["produce", "social-media-posts", "--no-validate", line]);
      expect(res.code, line).toBe(1);
      expect(res.stderr, line).toMatch(/INVALID_RECORD/);
    }
    const good = await patterns(["produce", "social-media-posts", "--json", "--wait", "30s", `${user}:{"content": "after the bad ones", "pendingChecks": 0}`], { timeoutMs: 90_000 });
    expect(good.code, good.stderr).toBe(0);
    expect((JSON.parse(good.stdout) as SentJson).records[0]!.outcome).toBe("done");
    expect((await feed(user)).posts.map((p) => p.content)).toEqual(["after the bad ones"]);
  });

  it("a valid record the handler rejects is reported with its coordinates and later records still flow", async () => {
    const ghost = uniqueKey("package");
    const id = uniqueKey("package");
    await patterns(["package", "register", id, "--to", "Bridge 6, Amsterdam"]);
    const res = await patterns(
      [
        "produce",
        "package-location-updates",
        "--json",
        "--wait",
        "20s",
        `${ghost}:{"timestamp": "2024-10-10 13:00", "location": "Pinetree Road 5, Paris"}`,
        `${id}:{"timestamp": "2024-10-10 13:00", "location": "Pinetree Road 5, Paris"}`,
      ],
      { timeoutMs: 60_000 },
    );
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as SentJson;
    expect(out.records.map((r) => r.outcome)).toEqual(["rejected", "done"]);
    expect(out.records[0]!.error).toContain(`package-location-updates/0@${out.records[0]!.offset}`);
  });
});

// Every pattern's scenario runs in interactive.test.ts (`tour --all`, with the crash checks on top), so the
// group files no longer repeat them through `demo`.
