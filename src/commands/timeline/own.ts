// The playground's own invocations, one rule for every view: `timeline`, `invocations` and the kill verbs' in-flight
// list leave them out unless asked for (`--all`, or `--service` naming one). They are the automated runs (bench,
// chaos) and the status reads the CLI makes while a verb waits. The demos of the `system` record (the crash demo
// playground/recovery, the lanes and versioning helpers) stay visible: a person starts them to look at them.
import { playgroundWorkers } from "../../services/registry.js";
import type { InvocationRow } from "../../observe/index.js";

export const AUTOMATED_RECORDS = ["bench", "chaos"];
export const STATUS_READ_HANDLERS = ["getStatus", "GetStatus", "ping"];

export const automatedServices: readonly string[] = playgroundWorkers.filter((r) => AUTOMATED_RECORDS.includes(r.name)).flatMap((r) => r.services);

/** The SQL filter that leaves the playground's own invocations out; what --service/--handler name stays in. */
export function playgroundOwnFilter(explicitService?: string, explicitHandler?: string): { notServices: string[]; notHandlers: string[] } {
  return {
    notServices: automatedServices.filter((s) => s !== explicitService),
    notHandlers: (explicitService && automatedServices.includes(explicitService)) || (explicitHandler && STATUS_READ_HANDLERS.includes(explicitHandler)) ? [] : STATUS_READ_HANDLERS,
  };
}

export function isPlaygroundOwn(r: Pick<InvocationRow, "target_service_name" | "target_handler_name">): boolean {
  return automatedServices.includes(r.target_service_name) || STATUS_READ_HANDLERS.includes(r.target_handler_name);
}
