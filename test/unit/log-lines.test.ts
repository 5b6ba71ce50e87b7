// The worker's log lines: the SDK's log events in the other components' shape (time, level, invocation, message).
import { describe, expect, it } from "vitest";
import { TerminalError, type LoggerContext, type LogMetadata } from "@restatedev/restate-sdk";
import { formatLogEvent, minLevel, onceWhile, workerLogger } from "../../src/services/lib/log-lines.js";
import { logLine } from "../../src/lib/log-line.js";
import { LogFilter } from "../../src/runtime/log-filter.js";

const at = new Date("2026-12-07T19:03:10.421Z");
const inv = "inv_10NwGNU3Cldj7scVBea98PY5rc2I1Zfjj2";
type Level = "trace" | "debug" | "info" | "warn" | "error";
// the SDK's runtime exports neither LoggerContext nor its enums (only their types): the fields it fills, as it does
const context = (service: string, handler: string, key?: string, additionalContext?: Record<string, string>) =>
  ({ invocationId: inv, serviceName: service, handlerName: handler, key, additionalContext, invocationTarget: key ? `${service}/${key}/${handler}` : `${service}/${handler}` }) as LoggerContext;
const meta = (level: Level, ctx?: LoggerContext, replaying = false) => ({ source: "SYSTEM", level, replaying, context: ctx }) as LogMetadata;

describe("worker log lines", () => {
  it("start with the time and the level, then the invocation target and its whole id, then the message", () => {
    const ctx = context("priorityQueue", "configure", "pq-1");
    expect(formatLogEvent(meta("info", ctx), at, "Starting invocation.")).toBe(`2026-12-07T19:03:10.421Z INFO  priorityQueue/pq-1/configure ${inv}: Starting invocation.`);
    const service = context("playground", "ping");
    expect(formatLogEvent(meta("error", service), at, "boom")).toBe(`2026-12-07T19:03:10.421Z ERROR playground/ping ${inv}: boom`);
  });

  it("an event outside an invocation has no subject; extra context the SDK attaches is named", () => {
    expect(formatLogEvent(meta("info"), at, "Validating requests using signing keys [k]")).toBe("2026-12-07T19:03:10.421Z INFO  Validating requests using signing keys [k]");
    const ctx = context("svc", "h", undefined, { awsRequestId: "r-1" });
    expect(formatLogEvent(meta("warn", ctx), at, "slow")).toBe(`2026-12-07T19:03:10.421Z WARN  svc/h ${inv} awsRequestId=r-1: slow`);
  });

  it("formats arguments as console does, and indents an error's lines under its record", () => {
    const ctx = context("svc", "h");
    expect(formatLogEvent(meta("info", ctx), at, "granted %d of %s", 2, "3", { waiting: 1 })).toBe(`2026-12-07T19:03:10.421Z INFO  svc/h ${inv}: granted 2 of 3 { waiting: 1 }`);
    // the SDK's own warning for a failed handler: a message ending in a newline, then the error
    const text = formatLogEvent(meta("warn", ctx), at, "Error when processing a Restate context operation.\n", new TerminalError("Payment declined", { errorCode: 402 }));
    const [head, ...rest] = text.split("\n");
    expect(head).toBe(`2026-12-07T19:03:10.421Z WARN  svc/h ${inv}: Error when processing a Restate context operation.`);
    expect(rest[0]).toMatch(/^\s{2,}TerminalError: Payment declined$/);
    expect(rest.length).toBeGreaterThan(1);
    for (const l of rest) expect(l, "every continuation line is indented").toMatch(/^ {2}/);
    expect(text).not.toMatch(/\[restate\]/);
  });

  it("reads as restate-server's records to the foreground filter: warnings with their continuation lines, not INFO", () => {
    const ctx = context("svc", "h");
    const lines = [
      ...formatLogEvent(meta("info", ctx), at, "Starting invocation.").split("\n"),
      ...formatLogEvent(meta("warn", ctx), at, "failed:\n", new TerminalError("nope")).split("\n"),
      logLine("info", "worker listening on 127.0.0.1:9080", at),
    ];
    const f = new LogFilter();
    const kept = lines.filter((l) => f.accept(l));
    expect(kept[0]).toMatch(/WARN {2}svc\/h inv_\w+: failed:$/);
    expect(kept.length).toBe(lines.length - 2);
  });

  it("every component's line has the same head: time, level padded to five, message; continuation lines indented", () => {
    expect(logLine("warn", "restarting worker in 1000 ms", at)).toBe("2026-12-07T19:03:10.421Z WARN  restarting worker in 1000 ms");
    expect(logLine("error", "RECOVERY: t-0 segment 0: bad crc\n\nkept aside", at)).toBe("2026-12-07T19:03:10.421Z ERROR RECOVERY: t-0 segment 0: bad crc\n  kept aside");
    const f = new LogFilter();
    expect(["info", "warn", "error", "debug"].map((l) => f.accept(logLine(l as Level, "x", at)))).toEqual([false, true, true, false]);
  });

  it("writes a start-up line the SDK repeats (once per request handler it builds) once while building, then everything", () => {
    const written: string[] = [];
    let building = true;
    const log = onceWhile(
      () => building,
      workerLogger((t) => written.push(t), {}),
    );
    log(meta("info"), "Validating requests using signing keys [%s]", "k");
    log(meta("info"), "Validating requests using signing keys [%s]", "k");
    log(meta("info"), "Validating requests using signing keys [%s]", "other");
    building = false;
    log(meta("info"), "Validating requests using signing keys [%s]", "k");
    const ctx = context("svc", "h");
    log(meta("info", ctx), "same");
    log(meta("info", ctx), "same");
    expect(written.map((t) => t.slice(25).trim())).toEqual([
      "INFO  Validating requests using signing keys [k]",
      "INFO  Validating requests using signing keys [other]",
      "INFO  Validating requests using signing keys [k]",
      `INFO  svc/h ${inv}: same`,
      `INFO  svc/h ${inv}: same`,
    ]);
  });

  it("skips what the SDK's console logger skips: events below RESTATE_LOGGING and replayed ctx.console calls", () => {
    const written: string[] = [];
    const ctx = context("svc", "h");
    const log = workerLogger((t) => written.push(t), { RESTATE_LOGGING: "warn" });
    log(meta("info", ctx), "chatter");
    log(meta("warn", ctx, true), "said when it first ran");
    log(meta("warn", ctx), "kept");
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN {2}svc\/h inv_\w+: kept\n$/);
    expect(minLevel({})).toBe("info");
    expect(minLevel({ RESTATE_LOGGING: "DEBUG" })).toBe("debug");
  });
});
