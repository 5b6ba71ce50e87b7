import { describe, expect, it } from "vitest";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { base58, ensureIdentityKey, publicKeyId } from "../../src/runtime/keys.js";
import { parseSsOwner } from "../../src/runtime/ports.js";
import { duplicateSubscriptions } from "../../src/observe/health.js";
import { liveState, readState, writeState, type StackState } from "../../src/runtime/state.js";
import { humanDuration, shortId } from "../../src/ui/output.js";
import { table } from "../../src/ui/text.js";

describe("request identity keys", () => {
  it("base58 matches known vectors", () => {
    expect(base58(Buffer.from("hello world"))).toBe("StV1DL6CwTryKyV");
    expect(base58(Uint8Array.from([0, 0, 1]))).toBe("112");
  });
  it("creates a 0600 Ed25519 key once and derives a stable publickeyv1_ id", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "keys-"));
    const file = path.join(dir, "keys", "k.pem");
    const id1 = ensureIdentityKey(file);
    const id2 = ensureIdentityKey(file);
    expect(id1).toBe(id2);
    expect(id1).toMatch(/^publickeyv1_[1-9A-HJ-NP-Za-km-z]{43,44}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
  it("derives the id Restate logs for a known key", () => {
    // Ed25519 key from RFC 8032 test 1 (secret 9d61b1…), public key d75a98…; base58 of the public key.
    const pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n";
    expect(publicKeyId(pem)).toBe(`publickeyv1_${base58(Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex"))}`);
  });
});

describe("port owner parsing", () => {
  const ss = 'LISTEN 0      128        127.0.0.1:9070       0.0.0.0:*    users:(("restate-server",pid=2918,fd=10))\nLISTEN 0 4096 *:9092 *:* users:(("kafka-broker",pid=2919,fd=10))';
  it("finds the pid and command of a port", () => {
    expect(parseSsOwner(ss, 9070)).toEqual({ command: "restate-server", pid: 2918 });
    expect(parseSsOwner(ss, 9092)).toEqual({ command: "kafka-broker", pid: 2919 });
    expect(parseSsOwner(ss, 1234)).toBeUndefined();
  });
});

describe("state file", () => {
  const state = (pid: number): StackState => ({
    version: 1,
    supervisorPid: pid,
    startedAt: new Date().toISOString(),
    stateDir: "/tmp/x",
    ports: { ingress: 1, admin: 2, worker: 3, broker: 4, fabric: 5, clientApp: 7 },
    kafka: { kind: "embedded" },
    timeScale: 1,
    publicKey: "k",
    ingressUrl: "",
    adminUrl: "",
    brokers: [],
    components: {
      restate: { port: 2, log: "", restarts: 0, phase: "up" },
      broker: { port: 4, log: "", restarts: 0, phase: "up" },
      worker: { port: 3, log: "", restarts: 0, phase: "up" },
      "client-app": { port: 7, log: "", restarts: 0, phase: "up" },
    },
    subscriptions: [],
    notes: [],
  });
  it("round-trips and tells live from stale", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "state-"));
    const file = path.join(dir, "state.json");
    writeState(file, state(process.pid));
    expect(readState(file)?.supervisorPid).toBe(process.pid);
    expect(liveState(file).stale).toBe(false);
    writeState(file, state(2 ** 22 + 12345));
    expect(liveState(file).stale).toBe(true);
  });
  it("ignores a corrupt file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "state-"));
    const file = path.join(dir, "state.json");
    writeFileSync(file, "{not json");
    expect(readState(file)).toBeUndefined();
  });
});

describe("rendering helpers", () => {
  it("durations in human units", () => {
    expect(humanDuration(450)).toBe("450ms");
    expect(humanDuration(2300)).toBe("2.3s");
    expect(humanDuration(125_000)).toBe("2m5s");
    expect(humanDuration(3_900_000)).toBe("1h5m");
  });
  it("short ids keep head and tail", () => {
    expect(shortId("inv_1abcdefghijklmnopqrstuvwxyz")).toBe("inv_1abcde…wxyz");
    expect(shortId("inv_1")).toBe("inv_1");
  });
  it("tables fit the width: cells are cut with cut, wrapped at words by default, headers never split", () => {
    const cutLines = table(["a", "b"], [["x".repeat(50), "y".repeat(50)]], { width: 60, overflow: "cut" });
    for (const l of cutLines) expect(l.length).toBeLessThanOrEqual(60);
    expect(cutLines[1]).toContain("…");
    const wrapped = table(["outcome", "target"], [["one two three four five six seven", "payments/make"]], { width: 30 });
    for (const l of wrapped) expect(l.length).toBeLessThanOrEqual(30);
    expect(wrapped[0]).toMatch(/^outcome\s+target$/);
    expect(wrapped.join(" ").split(/\s+/).filter(Boolean)).toEqual(["outcome", "target", "one", "two", "three", "payments/make", "four", "five", "six", "seven"]);
  });
});

describe("duplicateSubscriptions", () => {
  it("groups subscriptions by source and sink and names every copy after the first", () => {
    const sub = (id: string, topic: string, sink = "service://userFeed/processPost") => ({ id, source: `kafka://my-cluster/${topic}`, sink });
    expect(duplicateSubscriptions([sub("a", "posts"), sub("b", "moves", "service://t/u")])).toEqual([]);
    expect(duplicateSubscriptions([sub("a", "posts"), sub("b", "posts"), sub("c", "moves"), sub("d", "posts")])).toEqual([
      { source: "kafka://my-cluster/posts", sink: "service://userFeed/processPost", extra: ["b", "d"] },
    ]);
    // the playground's own subscription is kept, whatever the listing order
    expect(duplicateSubscriptions([sub("copy", "posts"), sub("own", "posts")], new Set(["own"]))[0]!.extra).toEqual(["copy"]);
    // same topic, another handler: not a duplicate
    expect(duplicateSubscriptions([sub("a", "posts"), sub("b", "posts", "service://other/handle")])).toEqual([]);
  });
});
