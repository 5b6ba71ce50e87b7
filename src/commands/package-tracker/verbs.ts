// `patterns package|delivery register|move|show`: the package (and delivery) tracker, enriched by Kafka records.
import { PlaygroundError, UsageError } from "../../errors.js";
import { table } from "../../ui/text.js";
import { c, sym } from "../../ui/palette.js";
import { moveTracked, registerTracked, seedTimestamp, showTracked, TRACKERS, type MoveResult, type Tracker } from "./run.js";
import type { LocationUpdate } from "../../services/package-tracker/trackers.js";
import { verb, verbGroup, type Declaration, type VerbContext } from "../verb.js";
import { kafkaEquivalent, describeSent, viaNote, missingError, sayFailure } from "../lib/records.js";

function nounGroup(t: Tracker): Declaration {
  return verbGroup({
    path: t.noun,
    group: "patterns",
    summary: `${t.service}: register over RPC, move with Kafka records on ${t.topic}, show the joined state`,
    examples: [
      `npx patterns ${t.noun} register ${t.noun}123 --to "Bridge 6, Amsterdam"`,
      `npx patterns ${t.noun} move ${t.noun}123 "Pinetree Road 5, Paris" --at "2024-10-10 13:00"`,
      `npx patterns ${t.noun} show ${t.noun}123 --json`,
    ],
  });
}

/** what a location update's result means when it did not apply: no invocation, rejected, or not done in time */
function moveFailure(t: Tracker, d: MoveResult): PlaygroundError | undefined {
  const id = d.sent.key;
  if (!d.sent.invocationId && d.via === "kafka") return missingError([d.sent]);
  if (d.outcome === "rejected") return new PlaygroundError(`the location update for ${t.noun} ${id} was rejected`, `register it first: npx patterns ${t.noun} register ${id} --to <destination>`);
  if (d.outcome !== "applied") return new PlaygroundError(`the location update for ${t.noun} ${id} did not complete within 15 s`, `check it later with npx patterns ${t.noun} show ${id}`);
  return undefined;
}

function registerVerb(t: Tracker): Declaration {
  return verb({
    path: `${t.noun} register`,
    summary: `register a ${t.noun} with ${t.service}/{id}/${t.register} (RPC through the ingress)`,
    args: [{ name: "<id>", description: `${t.noun} id (the object key)` }],
    options: [{ flags: "--to <destination>", description: "final destination", required: true }],
    examples: [`npx patterns ${t.noun} register ${t.noun}123 --to "Bridge 6, Amsterdam"`],
    async run(ctx: VerbContext<{ to: string }>, id: string) {
      const to = ctx.opts.to;
      if (!to.trim()) throw new UsageError("--to must not be empty", `for example --to "Bridge 6, Amsterdam"`);
      const stack = ctx.stack();
      const res = await registerTracked(stack, t, id, to);
      ctx.equivalent({ url: `${stack.ingressUrl}/${t.service}/${encodeURIComponent(id)}/${t.register}`, body: { finalDestination: to } });
      return res;
    },
    render: (d) => `${sym.ok} ${c.bold(d.id)} registered, final destination ${d.finalDestination}${d.invocationId ? c.dim(`  (${d.invocationId})`) : ""}`,
  });
}

function moveVerb(t: Tracker): Declaration {
  return verb({
    path: `${t.noun} move`,
    summary: `send a location update as a Kafka record on ${t.topic} (→ ${t.service}/{id}/${t.move})`,
    args: [
      { name: "<id>", description: `${t.noun} id (the Kafka key)` },
      { name: "<location>", description: "where it is now" },
    ],
    options: [{ flags: "--at <timestamp>", description: 'when it was there, free text like the seed\'s "2024-10-10 13:00" (default: now)' }],
    examples: [`npx patterns ${t.noun} move ${t.noun}123 "Pinetree Road 5, Paris"`, `npx patterns ${t.noun} move ${t.noun}123 "Mountain Road 155, Brussels" --at "2024-10-10 14:00"`],
    async run(ctx: VerbContext<{ at?: string }>, id: string, location: string) {
      const at = ctx.opts.at;
      if (!location.trim()) throw new UsageError("<location> must not be empty", `for example "Pinetree Road 5, Paris"`);
      if (at !== undefined && !at.trim()) throw new UsageError("--at must not be empty", `for example --at "2024-10-10 13:00"`);
      const stack = ctx.stack();
      const update = { timestamp: at ?? seedTimestamp(new Date()), location };
      const res = await moveTracked(stack, t, id, update);
      viaNote(ctx, { via: res.via, records: [res.sent] }, stack);
      if (res.via === "kafka") ctx.equivalent(kafkaEquivalent(ctx, stack, t.topic, [res.sent]));
      const failure = moveFailure(t, res);
      if (failure) sayFailure(ctx, failure);
      return res;
    },
    render: (d) => {
      const lines = [describeSent(d.sent)];
      const update = d.sent.value as LocationUpdate;
      if (d.outcome === "applied") lines.push(`${sym.ok} location added: ${update.timestamp}  ${update.location}`);
      else if (d.outcome === "rejected") lines.push(`${sym.fail} rejected (terminal, not retried; later records still flow): ${d.error ?? ""}`);
      else lines.push(`${sym.warn} not processed yet (${d.invocation?.status ?? "no invocation"})`);
      return lines;
    },
    exitCode: (d) => (moveFailure(t, d) ? 1 : 0),
  });
}

function showVerb(t: Tracker): Declaration {
  return verb({
    path: `${t.noun} show`,
    summary: `destination and location history, from the shared handler ${t.service}/{id}/${t.show}`,
    args: [{ name: "<id>", description: `${t.noun} id` }],
    examples: [`npx patterns ${t.noun} show ${t.noun}123`, `npx patterns ${t.noun} show ${t.noun}123 --json`],
    async run(ctx, id: string) {
      const stack = ctx.stack();
      const info = await showTracked(stack, t, id);
      ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}/${t.service}/${encodeURIComponent(id)}/${t.show}` });
      return { id, ...info };
    },
    render: (d) => {
      const lines = [`${c.bold(d.id)} ${sym.arrow} ${d.finalDestination}`];
      if (!d.locations?.length) lines.push(c.dim("  no location updates yet"));
      else
        lines.push(
          ...table(
            ["#", "timestamp", "location"],
            d.locations.map((l, i) => [String(i + 1), l.timestamp, l.location]),
          ).map((l) => `  ${l}`),
        );
      return lines;
    },
  });
}

function trackerDeclarations(t: Tracker): Declaration[] {
  return [nounGroup(t), registerVerb(t), moveVerb(t), showVerb(t)];
}

export const declarations: Declaration[] = [...trackerDeclarations(TRACKERS.package), ...trackerDeclarations(TRACKERS.delivery)];
