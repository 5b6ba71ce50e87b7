// The chaos run's proof services (not a pattern; `npm run chaos` and its smoke test feed them):
//  - chaosProof/{key}/onEvent, subscribed to topic chaos-events: checks per-key order against its state, applies the
//    event's effect in a named step (idempotent insert into the SQLite sink outside Restate), sometimes calls
//    chaosRpc with the event id as idempotency key, then updates count/sum/lastSeq in its state;
//  - chaosRpc/record: one step that counts its own executions per event id in the sink.
import * as restate from "@restatedev/restate-sdk";
import { applyEffect, recordRpc, recordViolation, workerSink } from "./sink.js";

export const CHAOS_TOPIC = "chaos-events";

export interface ChaosEvent {
  eventId: string;
  seq: number;
  amount: number;
  /** also call chaosRpc/record with the event id as idempotency key */
  rpc?: boolean;
}

export interface ChaosState {
  lastSeq: number;
  count: number;
  sum: number;
  violations: number;
  redelivered: number;
}

function validate(e: unknown): ChaosEvent {
  const v = e as Partial<ChaosEvent> | undefined;
  if (!v || typeof v !== "object") throw new restate.TerminalError("the event must be a JSON object", { errorCode: 400 });
  if (typeof v.eventId !== "string" || !v.eventId) throw new restate.TerminalError("eventId is missing", { errorCode: 400 });
  if (typeof v.seq !== "number" || !Number.isInteger(v.seq) || v.seq < 1) throw new restate.TerminalError("seq must be a whole number ≥ 1", { errorCode: 400 });
  if (typeof v.amount !== "number" || !Number.isInteger(v.amount)) throw new restate.TerminalError("amount must be a whole number", { errorCode: 400 });
  return { eventId: v.eventId, seq: v.seq, amount: v.amount, rpc: v.rpc === true };
}

const chaosRpc = restate.service({
  name: "chaosRpc",
  description: "Chaos run: an idempotent RPC target that counts its executions (not a pattern)",
  handlers: {
    record: async (ctx: restate.Context, input: { eventId: string }) => {
      if (!input || typeof input.eventId !== "string") throw new restate.TerminalError("eventId is missing", { errorCode: 400 });
      return ctx.run("record rpc", () => recordRpc(workerSink(), input.eventId));
    },
  },
});

const chaosProof = restate.object({
  name: "chaosProof",
  description: "Chaos run: the Kafka-fed object whose effects and order are checked (not a pattern)",
  handlers: {
    onEvent: async (ctx: restate.ObjectContext, raw: unknown) => {
      const e = validate(raw);
      const s: ChaosState = (await ctx.get<ChaosState>("s")) ?? { lastSeq: 0, count: 0, sum: 0, violations: 0, redelivered: 0 };
      if (e.seq <= s.lastSeq) {
        // the same event delivered again (a producer retry): its effect is already counted
        s.redelivered += 1;
        ctx.set("s", s);
        return { key: ctx.key, duplicate: true };
      }
      if (e.seq !== s.lastSeq + 1) {
        const expected = s.lastSeq + 1;
        await ctx.run("record order violation", () => recordViolation(workerSink(), { event_id: e.eventId, key: ctx.key, seq: e.seq, expected }));
        s.violations += 1;
      }
      await ctx.run("apply effect", () => applyEffect(workerSink(), { event_id: e.eventId, key: ctx.key, seq: e.seq, amount: e.amount }));
      if (e.rpc) await ctx.serviceClient(chaosRpc).record({ eventId: e.eventId }, restate.rpc.opts({ idempotencyKey: e.eventId }));
      s.lastSeq = e.seq;
      s.count += 1;
      s.sum += e.amount;
      ctx.set("s", s);
      return { key: ctx.key, seq: e.seq };
    },
    get: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext) => (await ctx.get<ChaosState>("s")) ?? null),
  },
});

export const services = [chaosProof, chaosRpc];
