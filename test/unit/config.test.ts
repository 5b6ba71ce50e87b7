import { describe, expect, it } from "vitest";
import { DEFAULT_PORTS, parseBrokers, parseTimeScale, resolveKafka, resolvePorts, scaleDuration } from "../../src/runtime/config.js";
import { UsageError } from "../../src/errors.js";
import { parseDuration } from "../../src/commands/common.js";

describe("ports", () => {
  it("defaults, then environment, then flags", () => {
    expect(resolvePorts({}, {})).toEqual(DEFAULT_PORTS);
    expect(resolvePorts({}, { PATTERNS_INGRESS_PORT: "18080" }).ingress).toBe(18080);
    expect(resolvePorts({ ingress: "28080" }, { PATTERNS_INGRESS_PORT: "18080" }).ingress).toBe(28080);
  });
  it.each([["70000"], ["0"], ["abc"], ["-5"], ["80.5"]])("rejects %s with a usage error naming the flag", (bad) => {
    expect(() => resolvePorts({ admin: bad }, {})).toThrowError(UsageError);
    expect(() => resolvePorts({ admin: bad }, {})).toThrowError(/--admin-port/);
  });
  it("rejects two components on one port", () => {
    expect(() => resolvePorts({ admin: "8080" }, {})).toThrowError(/both ask for port 8080/);
  });
});

describe("kafka mode", () => {
  it("embedded by default, external with brokers, none with --no-kafka", () => {
    expect(resolveKafka({}, {})).toEqual({ kind: "embedded" });
    expect(resolveKafka({ kafkaBrokers: "127.0.0.1:9092,127.0.0.1:9093" }, {})).toEqual({ kind: "external", brokers: ["127.0.0.1:9092", "127.0.0.1:9093"] });
    expect(resolveKafka({ kafka: false }, {})).toEqual({ kind: "none" });
    expect(() => resolveKafka({ kafka: false, kafkaBrokers: "a:1" }, {})).toThrowError(/contradict/);
  });
  it("rejects brokers without a port", () => {
    expect(() => parseBrokers("localhost")).toThrowError(/host:port/);
    expect(() => parseBrokers("")).toThrowError(/empty/);
  });
});

describe("time scale", () => {
  it("parses and validates", () => {
    expect(parseTimeScale(undefined, {})).toBe(17280);
    expect(parseTimeScale("1", {})).toBe(1);
    expect(() => parseTimeScale("0", {})).toThrowError(UsageError);
    expect(() => parseTimeScale("fast", {})).toThrowError(/positive number/);
  });
  it("turns a day into seconds but keeps short waits watchable", () => {
    expect(scaleDuration(86_400_000, 17280)).toBe(5000);
    expect(scaleDuration(5000, 17280)).toBe(1000);
    expect(scaleDuration(300, 17280)).toBe(300);
    expect(scaleDuration(5000, 1)).toBe(5000);
  });
});

describe("durations", () => {
  it.each([
    ["2s", 2000],
    ["500ms", 500],
    ["1.5s", 1500],
    ["1m", 60000],
    ["1m30s", 90000],
    ["0", 0],
  ])("%s → %d ms", (raw, ms) => expect(parseDuration(raw)).toBe(ms));
  it("rejects nonsense", () => expect(() => parseDuration("soon", "--down")).toThrowError(/--down/));
  it("refuses a bare number: is 3000 seconds or milliseconds?", () => expect(() => parseDuration("3000", "--down")).toThrowError(/--down needs a unit/));
});
