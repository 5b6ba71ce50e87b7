// Decoding journal v2 entries (sys_journal.entry_json): the command or notification, its completion ids, targets
// and payloads. Payloads come as arrays of byte values; results as {"Success":[…]}, {"Failure":{code,message}} or "Void".

export type Json = Record<string, unknown>;

export interface DecodedEntry {
  family: "Command" | "Notification";
  /** Run, Sleep, Call, OneWayCall, GetEagerState, Signal, … */
  type: string;
  body: Json;
}

export function decodeEntry(entryJson: string | undefined): DecodedEntry | undefined {
  if (!entryJson) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(entryJson);
  } catch {
    return undefined;
  }
  if (!isObj(parsed)) return undefined;
  if (isObj(parsed.Command)) {
    const [type, body] = firstPair(parsed.Command);
    return type ? { family: "Command", type, body: isObj(body) ? body : {} } : undefined;
  }
  if (isObj(parsed.Notification)) {
    const n = parsed.Notification;
    if (isObj(n.Completion)) {
      const [type, body] = firstPair(n.Completion);
      return type ? { family: "Notification", type, body: isObj(body) ? body : {} } : undefined;
    }
    const [type, body] = firstPair(n);
    return type ? { family: "Notification", type, body: isObj(body) ? body : {} } : undefined;
  }
  return undefined;
}

export function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function firstPair(o: Json): [string | undefined, unknown] {
  const k = Object.keys(o)[0];
  return [k, k === undefined ? undefined : o[k]];
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** "Svc/handler" or "Obj/key/handler" from an invocation_target ({"Service":{name,handler}}, {"VirtualObject":{…}}, {"Workflow":{…}}). */
export function targetString(t: unknown): string | undefined {
  if (!isObj(t)) return undefined;
  const [, inner] = firstPair(t);
  if (!isObj(inner)) return undefined;
  const name = str(inner.name);
  const handler = str(inner.handler);
  if (!name || !handler) return undefined;
  const key = str(inner.key);
  return key !== undefined ? `${name}/${key}/${handler}` : `${name}/${handler}`;
}

export function bytesToText(bytes: unknown): string | undefined {
  if (!Array.isArray(bytes)) return undefined;
  if (bytes.length === 0) return "";
  return Buffer.from(bytes as number[]).toString("utf8");
}

/** How much of a value the model keeps (--json); the text view cuts it shorter. */
export const VALUE_MAX = 240;

/** A payload (array of bytes) as short text: compact JSON when it parses, else the raw text. */
export function shortValue(bytes: unknown, max = VALUE_MAX): string | undefined {
  const text = bytesToText(bytes);
  if (text === undefined || text === "") return undefined;
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text));
  } catch {
    /* not JSON: show the text */
  }
  return truncate(shown, max);
}

export function truncate(s: string, max: number): string {
  const oneLine = s.replace(/\s+/g, " ");
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, Math.max(1, max - 1))}…`;
}

export interface DecodedResult {
  ok: boolean;
  value?: string;
  failure?: { code?: number; message: string };
}

/** {"Success":[bytes]} | {"Failure":{code,message}} | "Void" | "InvocationId" … */
export function decodeResult(r: unknown, max = VALUE_MAX): DecodedResult | undefined {
  if (r === undefined || r === null) return undefined;
  if (typeof r === "string") return { ok: r !== "Failure" };
  if (!isObj(r)) return undefined;
  if ("Success" in r) return { ok: true, value: shortValue(r.Success, max) };
  if (isObj(r.Failure)) return { ok: false, failure: { code: num(r.Failure.code), message: str(r.Failure.message) ?? "failed" } };
  return undefined;
}

/** Completion ids a command waits for (result first). */
export function completionIds(d: DecodedEntry): number[] {
  const ids = [num(d.body.result_completion_id), num(d.body.completion_id), num(d.body.invocation_id_completion_id)];
  return ids.filter((x): x is number => x !== undefined);
}

/** The request part of Call/OneWayCall (entry_json nests it under "request"; the lite form does not). */
export function callRequest(d: DecodedEntry): Json {
  return isObj(d.body.request) ? d.body.request : d.body;
}
