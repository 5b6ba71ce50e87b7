// Services used by `npm run bench` to measure the playground itself (not patterns):
//  - BenchSink/{key}/onEvent: the Kafka- and ingress-fed object handler whose arrival times give throughput and
//    latency; it appends one line per handled event to <stateDir>/bench-sink.ndjson (outside Restate);
//  - BenchRecovery/run: a durable step, a durable sleep and a second step, for the recovery measurement;
//  - BenchJournal/run: an invocation with many journal entries, for the timeline measurement.
import { appendFileSync } from "node:fs";
import path from "node:path";
import * as restate from "@restatedev/restate-sdk";

export const BENCH_TOPIC = "bench-events";

export interface BenchEvent {
  run: string;
  seq: number;
  /** ms since epoch when the producer sent it */
  sentAt: number;
}

function sinkFile(): string | undefined {
  const dir = process.env.PATTERNS_STATE_DIR;
  return dir ? path.join(dir, "bench-sink.ndjson") : undefined;
}

const benchSink = restate.object({
  name: "BenchSink",
  description: "Benchmark sink: records when each event reached the handler (not a pattern)",
  handlers: {
    onEvent: async (ctx: restate.ObjectContext, event: BenchEvent) => {
      const handledAt = Date.now();
      const file = sinkFile();
      if (file && event && typeof event.seq === "number") {
        appendFileSync(file, `${JSON.stringify({ run: event.run, key: ctx.key, seq: event.seq, sentAt: event.sentAt, handledAt })}\n`);
      }
    },
  },
});

const benchRecovery = restate.service({
  name: "BenchRecovery",
  description: "Benchmark: a step, a durable sleep, a step (not a pattern)",
  handlers: {
    run: async (ctx: restate.Context, input: { sleepMs?: number }) => {
      const before = await ctx.run("before sleep", () => Date.now());
      await ctx.sleep(input?.sleepMs ?? 1000, "bench sleep");
      const after = await ctx.run("after sleep", () => Date.now());
      return { before, after };
    },
  },
});

const benchJournal = restate.service({
  name: "BenchJournal",
  description: "Benchmark: an invocation with many journal entries (not a pattern)",
  handlers: {
    run: async (ctx: restate.Context, input: { steps?: number }) => {
      const steps = Math.min(Math.max(input?.steps ?? 500, 1), 5000);
      let sum = 0;
      for (let i = 0; i < steps; i++) sum += await ctx.run(`step ${i}`, () => i);
      return { steps, sum };
    },
  },
});

export const services = [benchSink, benchRecovery, benchJournal];
