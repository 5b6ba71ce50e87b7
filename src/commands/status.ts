// `patterns status`: one row per component (pid, port, health, uptime), plus registration and subscriptions.
import type { Command } from "commander";
import { describeStateDir, resolveStateDir, statePaths } from "../runtime/paths.js";
import { COMPONENT_NAMES, isAlive, liveState, type ComponentName, type StackState } from "../runtime/state.js";
import { AdminClient } from "../runtime/admin.js";
import { canConnect } from "../runtime/ports.js";
import { examples, globals } from "./common.js";
import { humanDuration, note, out, printJson, table } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { logBytes } from "../broker/inspect.js";
import { humanBytes } from "./topics.js";

export interface ComponentStatus {
  name: ComponentName;
  pid?: number;
  port: number;
  healthy: boolean;
  phase: string;
  uptimeMs?: number;
  restarts: number;
  log: string;
}

export interface StatusReport {
  running: boolean;
  stateDir: string;
  supervisorPid?: number;
  ingressUrl?: string;
  adminUrl?: string;
  kafka?: StackState["kafka"];
  brokers?: string[];
  components: ComponentStatus[];
  services: string[];
  subscriptions: { id: string; source: string; sink: string }[];
  /** bytes of the embedded broker's partition logs on disk */
  brokerLogBytes?: number;
  notes: string[];
}

export async function collectStatus(stateDirFlag?: string): Promise<StatusReport> {
  const dir = resolveStateDir(stateDirFlag);
  const { state, stale } = liveState(statePaths(dir).stateFile);
  if (!state || stale) return { running: false, stateDir: dir, components: [], services: [], subscriptions: [], notes: stale ? ["a stale state file was found; `npx patterns stop` cleans it"] : [] };
  const admin = new AdminClient(state.adminUrl);
  const now = Date.now();
  const components: ComponentStatus[] = [];
  for (const name of COMPONENT_NAMES) {
    const comp = state.components[name];
    if (!comp) continue; // a stack started by an older version has no client app
    let healthy = false;
    if (comp.phase === "disabled") healthy = true;
    else if (name === "restate") healthy = isAlive(comp.pid) && (await admin.healthy());
    else if (name === "broker" && comp.phase === "external") {
      const [host, port] = (state.brokers[0] ?? "").split(":");
      healthy = await canConnect(Number(port), host);
    } else healthy = isAlive(comp.pid) && (await canConnect(comp.port));
    components.push({
      name,
      pid: comp.pid,
      port: comp.port,
      healthy,
      phase: comp.phase,
      uptimeMs: comp.startedAt && comp.phase === "up" ? now - Date.parse(comp.startedAt) : undefined,
      restarts: comp.restarts,
      log: comp.log,
    });
  }
  let services: string[] = [];
  let subscriptions = state.subscriptions;
  try {
    services = (await admin.services()).services.map((s) => s.name).sort();
    subscriptions = (await admin.subscriptions()).map((s) => ({ id: s.id, source: s.source, sink: s.sink }));
  } catch {
    /* restate down: the component row says so */
  }
  return {
    running: true,
    stateDir: dir,
    supervisorPid: state.supervisorPid,
    ingressUrl: state.ingressUrl,
    adminUrl: state.adminUrl,
    kafka: state.kafka,
    brokers: state.brokers,
    components,
    services,
    subscriptions,
    brokerLogBytes: state.kafka.kind === "embedded" ? logBytes(statePaths(dir).brokerData) : undefined,
    notes: state.notes,
  };
}

/** The status as text lines for stdout; the report's notes are printed apart, on stderr. */
export function renderStatus(r: StatusReport): string[] {
  if (!r.running) return [`${c.dim("not running")} ${c.dim(`(${describeStateDir(r.stateDir)})`)}; start it with ${c.cmd("npx patterns start")}`];
  const rows = r.components.map((x) => [
    x.name,
    x.phase === "disabled" ? c.dim("off") : x.healthy ? c.ok("healthy") : c.fail(x.phase === "down" ? "down (restarting)" : "unhealthy"),
    x.pid ? String(x.pid) : "-",
    x.phase === "disabled" ? "-" : x.name === "broker" && x.phase === "external" ? (r.brokers ?? []).join(",") : `127.0.0.1:${x.port}`,
    x.uptimeMs !== undefined ? humanDuration(x.uptimeMs) : "-",
    String(x.restarts),
  ]);
  const lines = table(["component", "health", "pid", "address", "uptime", "restarts"], rows);
  lines.push("", `services       ${r.services.length ? r.services.join(", ") : c.dim("none registered")}`);
  lines.push(`subscriptions  ${r.subscriptions.length ? r.subscriptions.map((s) => `${s.source.replace(/^kafka:\/\/[^/]+\//, "")} ${sym.arrow} ${s.sink.replace("service://", "")}`).join(", ") : c.dim("none")}`);
  if (r.brokerLogBytes !== undefined) lines.push(`broker log     ${humanBytes(r.brokerLogBytes)} on disk ${c.dim("(per partition: npx patterns topics)")}`);
  lines.push(`ingress        ${r.ingressUrl}   admin ${r.adminUrl}`);
  return lines;
}

export function register(program: Command): void {
  program
    .command("status")
    .description("show each component's pid, address, health and uptime, the registered services and subscriptions")
    .addHelpText("after", examples("npx patterns status", "npx patterns status --json"))
    .action(async (_o, command: Command) => {
      const o = globals(command);
      const r = await collectStatus(o.stateDir);
      if (o.json) printJson(r);
      else {
        for (const l of renderStatus(r)) out(l);
        // notes are advice, not the status: stderr (they are in --json's "notes")
        for (const n of r.notes) note(`${sym.warn} ${c.dim(n)}`);
      }
      if (r.running && r.components.some((x) => !x.healthy)) {
        if (!o.json) note(c.dim("a component is not healthy: see `npx patterns logs <component>` or `npx patterns doctor`"));
        process.exitCode = 1;
      }
    });
}
