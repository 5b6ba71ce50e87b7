// Errors from the typed ingress client (@restatedev/restate-sdk-clients), as one-line PlaygroundErrors for the verbs.
import * as clients from "@restatedev/restate-sdk-clients";
import { PlaygroundError } from "../../errors.js";

/** The ingress's error answer (a TerminalError's message and code) as a PlaygroundError. */
export function callError(e: unknown, what: string): PlaygroundError {
  if (e instanceof clients.HttpCallError) {
    let msg = e.responseText;
    try {
      msg = (JSON.parse(e.responseText) as { message?: string }).message ?? msg;
    } catch {
      /* plain text */
    }
    return new PlaygroundError(`${what} failed (HTTP ${e.status}): ${msg}`);
  }
  if (e instanceof PlaygroundError) return e;
  const err = e as Error & { cause?: { code?: string } };
  if (err?.cause?.code === "ECONNREFUSED" || /fetch failed/.test(String(err?.message))) {
    return new PlaygroundError(`Restate's ingress is not reachable (${err.message})`, "check `npx patterns status`");
  }
  return new PlaygroundError(`${what} failed: ${err instanceof Error ? err.message : String(e)}`);
}
