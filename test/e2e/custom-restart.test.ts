// Durable promises across restarts, on a private stack (this test kills the worker and restate-server).
import { describe, expect, it } from "vitest";
import { eventually, json, privateStack, uniqueKey } from "../helpers.js";

const LONG = 600_000;
const s = privateStack();

describe("durable promises across restarts", () => {
  it(
    "an awaiter started before a worker and a restate-server restart gets the value resolved after them; first still wins",
    async () => {
      const name = uniqueKey("prom");
      const awaiter = s().cli(["promise", "await", name, "--json"], { timeoutMs: 500_000 });
      await eventually(
        `the awaiter of promise ${name} to register (peek: waiting >= 1)`,
        async () => {
          const p = await s().cli(["promise", "peek", name, "--json"], { timeoutMs: 300_000 });
          return p.code === 0 && json<{ waiting: number }>(p).waiting >= 1;
        },
        300_000,
        1000,
      );
      expect((await s().cli(["kill-worker"], { timeoutMs: 300_000 })).code).toBe(0);
      expect((await s().cli(["kill-restate"], { timeoutMs: 300_000 })).code).toBe(0);
      const first = await s().cli(["promise", "resolve", name, '{"after":"restarts"}', "--json"], { timeoutMs: 300_000 });
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ won: true });
      const second = await s().cli(["promise", "resolve", name, '{"late":true}', "--json"], { timeoutMs: 300_000 });
      expect(JSON.parse(second.stdout)).toMatchObject({ won: false, value: { after: "restarts" } });
      const r = await awaiter;
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ state: "resolved", value: { after: "restarts" } });
    },
    LONG,
  );
});
