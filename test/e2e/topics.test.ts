// `patterns topics` and the broker's log size in `status`, on the shared stack: after records are produced and
// handled, the topic's end offset covers them, its partition has bytes on disk, and the subscription's consumer group
// commits up to the end (lag 0; Restate commits every 5 s, so it is polled).
import { describe, expect, it } from "vitest";
import { eventually, patterns, uniqueKey } from "../helpers.js";

interface Topics {
  embedded: boolean;
  topics: { name: string; partitions: { partition: number; logStart: number; logEnd: number; records: number; bytes: number | null }[]; bytes: number | null }[];
  subscriptions: { id: string; topic: string; sink: string; group: string; partitions: { partition: number; committed: number | null; logEnd: number; lag: number }[]; lag: number }[];
}

async function topics(): Promise<Topics> {
  const r = await patterns(["topics", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Topics;
}

describe("patterns topics", () => {
  it("shows the produced records in the log, their bytes on disk, and the subscription's committed offset catching up", async () => {
    const id = uniqueKey("pkg");
    expect((await patterns(["package", "register", id, "--to", "Bridge 6, Amsterdam"])).code).toBe(0);
    const res = await patterns(["produce", "package-location-updates", "--json", "--wait", "30s", `${id}:{"timestamp": "t1", "location": "a"}`, `${id}:{"timestamp": "t2", "location": "b"}`]);
    expect(res.code, res.stderr).toBe(0);
    const last = Math.max(...(JSON.parse(res.stdout) as { records: { offset: number }[] }).records.map((r) => r.offset));

    const t = await topics();
    expect(t.embedded).toBe(true);
    const part = t.topics.find((x) => x.name === "package-location-updates")?.partitions[0];
    expect(part, "package-location-updates/0 in topics").toBeDefined();
    expect(part!.logEnd).toBeGreaterThan(last);
    expect(part!.bytes).toBeGreaterThan(0);
    expect(t.topics.find((x) => x.name === "chaos-events")?.partitions).toHaveLength(4);

    const sub = await eventually(
      "the package-location-updates subscription to commit past the records",
      async () => {
        const s = (await topics()).subscriptions.find((x) => x.topic === "package-location-updates" && x.sink === "package-tracker/updateLocation");
        return s && (s.partitions[0]?.committed ?? -1) > last ? s : undefined;
      },
      60_000,
      1000,
    );
    expect(sub.group).toBe(sub.id);

    const status = await patterns(["status", "--json"]);
    expect((JSON.parse(status.stdout) as { brokerLogBytes?: number }).brokerLogBytes).toBeGreaterThan(0);
    const text = await patterns(["topics"]);
    expect(text.stdout).toMatch(/package-location-updates\/0\s+\d+\s+\d+\s+\d+\s+[\d.]+ (B|KiB|MiB)/);
    expect(text.stdout).toContain(sub.id);
  });
});
