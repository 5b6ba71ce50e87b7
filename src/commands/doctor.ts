// `patterns doctor`: one line per check, and the fix for each failure.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { brokerEntry, describeStateDir, resolveStateDir, restateServerBinary, statePaths } from "../runtime/paths.js";
import { findStack } from "../runtime/stack.js";
import { liveState, type StackState } from "../runtime/state.js";
import { PORT_ENV, PORT_FLAGS, resolvePorts, type Ports } from "../runtime/config.js";
import { isPortFree, listeners, canConnect } from "../runtime/ports.js";
import { KAFKA_CLUSTER } from "../runtime/kafka-wiring.js";
import { errorMessage } from "../errors.js";
import { formatDuration } from "../lib/duration.js";
import { duplicateSubscriptions, stalledSubscriptions } from "../observe/health.js";
import { stuckInvocations } from "../observe/index.js";
import { allServiceNames, allSubscriptions } from "../services/registry.js";
import { c, sym } from "../ui/palette.js";
import { verb } from "./verb.js";
import { collectCluster, collectDeployments } from "./status.js";
import { recoveryNotes } from "../broker/inspect.js";

export interface Check {
  name: string;
  ok: boolean;
  warn?: boolean;
  detail: string;
  fix?: string;
}

async function check(name: string, fn: () => Promise<Omit<Check, "name">> | Omit<Check, "name">): Promise<Check> {
  try {
    return { name, ...(await fn()) };
  } catch (e) {
    return { name, ok: false, detail: errorMessage(e) };
  }
}

/** One failed check per component the supervisor reports in a crash loop, with its last error and where to read more. */
export function crashLoops(state: StackState): Check[] {
  const comps = [...Object.entries(state.components), ...(state.nodes ?? []).slice(1).map((n) => [`restate-${n.node}`, n] as const)];
  return comps
    .filter(([, comp]) => comp.crashLoop)
    .map(([name, comp]) => ({
      name: `${name} crash loop`,
      ok: false,
      detail: `${comp.crashLoop!.failures} failures in a row (restarts waited ${(comp.backoff ?? []).map((ms) => formatDuration(ms)).join(", ")}); last error: ${comp.crashLoop!.lastError}`,
      fix: `read why: \`npx patterns logs ${name.replace(/-\d+$/, "")}\` (${comp.log}); the supervisor keeps retrying, with a longer wait each time`,
    }));
}

/** What the playground needs before anything runs: Node, the binaries, the state dir. */
async function installChecks(dir: string): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push(
    await check("node", () => {
      const major = Number(process.versions.node.split(".")[0]);
      return major >= 22
        ? { ok: true, detail: `Node ${process.versions.node} (${process.execPath})` }
        : { ok: false, detail: `Node ${process.versions.node}; the Restate SDK needs 22+`, fix: "run through npm (`npx patterns …`) so the pinned Node 22 is used" };
    }),
  );
  checks.push(await check("restate-server binary", () => ({ ok: true, detail: restateServerBinary() })));
  checks.push(
    await check("embedded broker", () =>
      existsSync(brokerEntry) ? { ok: true, detail: brokerEntry } : { ok: false, detail: `${brokerEntry} is missing`, fix: "run `npm run build` in the project folder" },
    ),
  );
  checks.push(
    await check("state dir", () =>
      existsSync(dir) && !statSync(dir).isDirectory() ? { ok: false, detail: `${dir} is a file`, fix: "pass another --state-dir" } : { ok: true, detail: describeStateDir(dir) },
    ),
  );
  checks.push(...brokerLogChecks(dir));
  return checks;
}

/** Damaged segments the embedded broker's recovery kept aside (running or not): what, where, and how to clear it. */
function brokerLogChecks(dir: string): Check[] {
  const data = statePaths(dir).brokerData;
  const kept = existsSync(data) ? recoveryNotes(data) : [];
  if (kept.length === 0) return [];
  const one = kept.length === 1;
  return [
    {
      name: "broker log",
      ok: false,
      detail: `recovery found ${kept.length} damaged segment${one ? "" : "s"} and kept ${one ? "it" : "them"} aside: ${kept.map((n) => `${n.partition} from offset ${n.fromOffset ?? "?"} (${n.detail})`).join("; ")}`,
      fix: `every intact batch is still served; inspect the copies (${[...new Set(kept.map((n) => path.dirname(n.movedTo)))].join(", ")}, a .json note beside each), then delete those corrupt/ folders to clear this`,
    },
  ];
}

/** No stack here: whether it is stale, and whether the ports `start` would take are free. */
async function notRunningChecks(dir: string): Promise<Check[]> {
  const checks: Check[] = [];
  const { stale } = liveState(statePaths(dir).stateFile);
  checks.push({
    name: "stack",
    ok: false,
    detail: stale ? "stale state file (supervisor gone)" : "not running",
    fix: stale ? "`npx patterns stop` cleans it, then `npx patterns start`" : "`npx patterns start`",
  });
  // the ports `npx patterns start` would use here: PATTERNS_*_PORT where set, else the defaults
  let ports: Ports;
  try {
    ports = resolvePorts({});
  } catch (e) {
    checks.push({ name: "ports", ok: false, detail: errorMessage(e), fix: "fix the PATTERNS_*_PORT variables" });
    return checks;
  }
  for (const key of Object.keys(ports) as (keyof Ports)[]) {
    const port = ports[key];
    const from = process.env[PORT_ENV[key]] ? ` from ${PORT_ENV[key]}` : "";
    checks.push(
      await check(`port ${port} (${key}${from})`, async () =>
        (await isPortFree(port)) ? { ok: true, detail: "free" } : { ok: false, detail: "in use", fix: `free it, or start with ${PORT_FLAGS[key]} <port> (or ${PORT_ENV[key]})` },
      ),
    );
  }
  return checks;
}

/** The broker, the registration and the Kafka subscriptions (present, not doubled, moving). */
async function kafkaChecks(state: Stack["state"], admin: Stack["admin"]): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push(
    await check("broker", async () => {
      if (state.kafka.kind === "none") return { ok: true, warn: true, detail: "no broker (--no-kafka)" };
      const [host, port] = state.brokers[0]!.split(":");
      return (await canConnect(Number(port), host))
        ? { ok: true, detail: `${state.brokers.join(",")} reachable` }
        : { ok: false, detail: `${state.brokers[0]} unreachable`, fix: "`npx patterns logs broker`" };
    }),
  );
  checks.push(
    await check("registration", async () => {
      const names = new Set((await admin.services()).services.map((s) => s.name));
      const missing = allServiceNames.filter((n) => !names.has(n));
      return missing.length === 0
        ? { ok: true, detail: `${names.size} services registered` }
        : { ok: false, detail: `missing: ${missing.join(", ")}`, fix: "`npx patterns stop && npx patterns start` re-registers the worker" };
    }),
  );
  if (state.kafka.kind !== "none") {
    checks.push(
      await check("subscriptions", async () => {
        const subs = await admin.subscriptions();
        const missing = allSubscriptions.filter((w) => !subs.some((s) => s.source === `kafka://${KAFKA_CLUSTER}/${w.topic}` && s.sink === `service://${w.service}/${w.handler}`));
        if (missing.length > 0) return { ok: false, detail: `missing: ${missing.map((m) => m.topic).join(", ")}`, fix: "restart the stack: `npx patterns stop && npx patterns start`" };
        const dups = duplicateSubscriptions(subs, new Set(state.subscriptions.map((x) => x.id)));
        if (dups.length > 0) {
          const extra = dups.flatMap((d) => d.extra);
          return {
            ok: false,
            detail: `${dups.map((d) => `${d.source.replace(/^kafka:\/\/[^/]+\//, "")} → ${d.sink.replace("service://", "")}`).join(", ")} subscribed ${extra.length + dups.length} times: every record is handled once per copy`,
            fix: `delete the extra: ${extra.map((id) => `\`curl -X DELETE ${state.adminUrl}/subscriptions/${id}\``).join(", ")}`,
          };
        }
        return { ok: true, detail: `${subs.length} live` };
      }),
    );
  }
  if (state.kafka.kind !== "none") {
    checks.push(
      await check("subscriptions moving", async () => {
        const subs = (await admin.subscriptions()).filter((s) => s.source.startsWith(`kafka://${KAFKA_CLUSTER}/`));
        const stalled = await stalledSubscriptions(state.brokers, admin, subs);
        if (stalled.length === 0) return { ok: true, detail: "every subscription is caught up or moving" };
        const where = stalled.map((l) => `${l.topic} (${l.taken} of ${l.records} records taken in)`).join(", ");
        return {
          ok: false,
          detail: `stalled: ${where}; the next record cannot become an invocation`,
          fix:
            state.kafka.kind === "embedded"
              ? "see `npx patterns logs restate`; `npx patterns stop && npx patterns start` starts the embedded broker empty"
              : "see `npx patterns logs restate`; delete the subscription and create it again with auto.offset.reset=latest (skips the backlog)",
        };
      }),
    );
  }
  return checks;
}

/** A cluster's nodes: all alive, every partition led. */
async function clusterChecks(state: Stack["state"]): Promise<Check[]> {
  const checks: Check[] = [];
  if (state.nodes && state.nodes.length > 1) {
    checks.push(
      await check("cluster", async () => {
        const cl = (await collectCluster(state))!;
        if (cl.problems.length > 0) {
          const down = state.nodes!.filter((n) => n.phase !== "up").map((n) => n.node);
          return {
            ok: false,
            detail: cl.problems.join("; "),
            fix: down.length
              ? `the supervisor is restarting node ${down.join(", ")}: check again in a few seconds, or read \`npx patterns logs ${down[0] === 1 ? "restate" : `restate-${down[0]}`}\``
              : "`npx patterns status` shows each node; `npx patterns logs restate-2` (etc.) shows why a node is not alive",
          };
        }
        const v = cl.view!;
        const leads = v.nodes.map((n) => `${n.name} leads ${n.leads.length ? n.leads.join(",") : "none"}`).join(", ");
        return { ok: true, detail: `${v.nodes.length} nodes alive, ${v.partitions.length} partitions led (${leads}), log replication ${v.logReplication.join(" / ")}` };
      }),
    );
  }
  return checks;
}

/** The worker's deployments: the current one registered, what older ones still run. */
async function deploymentChecks(state: Stack["state"], admin: Stack["admin"]): Promise<Check[]> {
  const checks: Check[] = [];
  if (state.deployments) {
    checks.push(
      await check("deployments", async () => {
        const list = (await collectDeployments(state, admin)) ?? [];
        const current = list.find((d) => d.phase === "current");
        if (!current) return { ok: false, detail: "the supervisor has no current deployment", fix: "`npx patterns stop && npx patterns start`" };
        if (!current.registered)
          return {
            ok: false,
            detail: `the current deployment ${current.id} (${current.uri}) is not registered in Restate`,
            fix: "`npx patterns stop && npx patterns start` registers the worker again",
          };
        const draining = list.filter((d) => d.phase === "draining");
        const others = list.filter((d) => d.phase === "other");
        const older = draining.length
          ? `; ${draining.map((d) => `${d.id} (${d.code}) still finishes ${d.inFlight ?? 0} invocation${d.inFlight === 1 ? "" : "s"} pinned to it`).join(", ")}`
          : "; nothing runs on an older deployment";
        const watch = state.watch ? `; watching ${state.watch.srcRoot}${state.watch.lastError ? `, last change failed: ${state.watch.lastError}` : ""}` : "";
        const other = others.length ? `; also registered, not by this stack: ${others.map((d) => `${d.id} ${d.uri}`).join(", ")}` : "";
        const stuck = draining.filter((d) => d.supersededAt && Date.now() - Date.parse(d.supersededAt) > 10 * 60_000);
        return {
          ok: true,
          warn: !!state.watch?.lastError || stuck.length > 0 || current.replacedInPlace === true,
          detail: `current ${current.id} (${current.code}${current.replacedInPlace ? ", code replaced in place" : ""}, ${current.uri})${older}${watch}${other}${stuck.length ? `; ${stuck.map((d) => d.id).join(", ")} draining for over 10 min: \`npx patterns invocations --status active\` shows what holds ${stuck.length === 1 ? "it" : "them"}` : ""}`,
        };
      }),
    );
  }
  return checks;
}

/** Invocations: none stuck, one through Restate answered; the worker refuses unsigned requests; loopback only. */
async function runningChecks(state: Stack["state"], admin: Stack["admin"]): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push(
    await check("stuck invocations", async () => {
      const stuck = await stuckInvocations(admin);
      if (stuck.length === 0) return { ok: true, detail: "none paused or retrying for long" };
      const first = stuck[0]!;
      return {
        ok: true,
        warn: true,
        detail: `${stuck.length} ${stuck.length === 1 ? "is" : "are"} ${[...new Set(stuck.map((x) => x.status))].join("/")}, e.g. ${first.id} ${first.target} (${first.retry_count ?? 0} retries${first.last_failure ? `: ${first.last_failure.slice(0, 80)}` : ""}); each holds its object key`,
        fix: `\`npx patterns timeline ${first.id}\` shows why; \`npx patterns cancel ${first.id}\` (runs compensations) or \`npx patterns kill ${first.id}\` clears it`,
      };
    }),
  );
  checks.push(
    await check("invocation through Restate", async () => {
      const { callOpts, httpStatus, ingress } = await import("../runtime/ingress.js");
      const { playgroundApi } = await import("../services/system/api.js");
      try {
        const body = await ingress(state.ingressUrl)
          .serviceClient(playgroundApi)
          .ping(callOpts({ timeoutMs: 10_000 }));
        return { ok: true, detail: `worker pid ${body.workerPid} on Node ${body.node} answered` };
      } catch (e) {
        const status = httpStatus(e);
        if (status === undefined) throw e;
        return { ok: false, detail: `HTTP ${status}`, fix: "`npx patterns logs worker`" };
      }
    }),
  );
  checks.push(
    await check("request signing", async () => {
      const { connect } = await import("node:http2");
      const status = await new Promise<number>((resolve, reject) => {
        const session = connect(`http://127.0.0.1:${state.components.worker.port}`);
        session.on("error", reject);
        const req = session.request({ ":method": "GET", ":path": "/discover" });
        req.on("response", (h) => {
          resolve(Number(h[":status"]));
          session.close();
        });
        req.on("error", reject);
        req.end();
      });
      return status === 401
        ? { ok: true, detail: "unsigned request to the worker refused (401)" }
        : { ok: false, detail: `unsigned request got ${status}`, fix: "the worker must be started by the supervisor with the identity key" };
    }),
  );
  checks.push(
    await check("loopback only", async () => {
      const pids = new Map<number, string>();
      for (const name of ["restate", "worker", "broker", "client-app"] as const) if (state.components[name]?.pid) pids.set(state.components[name].pid!, name);
      for (const n of state.nodes ?? []) if (n.pid) pids.set(n.pid, n.node === 1 ? "restate" : `restate-${n.node}`);
      for (const d of state.deployments ?? []) if (d.pid && d.phase !== "drained") pids.set(d.pid, `worker (${d.id})`);
      const own = (await listeners()).filter((l) => l.pid && pids.has(l.pid));
      if (own.length === 0) return { ok: true, warn: true, detail: "could not list listeners (no `ss`)" };
      const open = own.filter((l) => !["127.0.0.1", "[::1]", "::1"].includes(l.address));
      if (open.length) return { ok: false, detail: open.map((l) => `${pids.get(l.pid!)} on ${l.address}:${l.port}`).join(", "), fix: "report this: every component must bind 127.0.0.1" };
      return { ok: true, detail: "every listener is on 127.0.0.1" };
    }),
  );
  return checks;
}

type Stack = NonNullable<ReturnType<typeof findStack>>;

export async function runDoctor(stateDirFlag?: string): Promise<Check[]> {
  const dir = resolveStateDir(stateDirFlag);
  const checks = await installChecks(dir);
  const stack = findStack(stateDirFlag);
  if (!stack) {
    checks.push(...(await notRunningChecks(dir)));
    return checks;
  }
  const { state, admin } = stack;
  checks.push(...crashLoops(state));
  checks.push(
    await check("restate-server", async () =>
      (await admin.healthy()) ? { ok: true, detail: `admin ${state.adminUrl} healthy` } : { ok: false, detail: "admin /health failed", fix: "`npx patterns logs restate`" },
    ),
  );
  checks.push(...(await clusterChecks(state)));
  checks.push(...(await kafkaChecks(state, admin)));
  checks.push(...(await deploymentChecks(state, admin)));
  checks.push(...(await runningChecks(state, admin)));
  return checks;
}

export function renderCheck(x: Check): string {
  return `${x.ok ? (x.warn ? sym.warn : sym.ok) : sym.fail} ${x.name.padEnd(28)} ${x.ok ? c.dim(x.detail) : x.detail}${!x.ok && x.fix ? `\n    ${c.dim("fix:")} ${x.fix}` : ""}`;
}

export const doctor = verb<Record<string, never>, { ok: boolean; checks: Check[] }>({
  path: "doctor",
  group: "stack",
  summary: "check Node, binaries, ports, health, registration, subscriptions, signing and loopback binding",
  examples: ["npx patterns doctor", "npx patterns doctor --json"],
  async run(ctx) {
    const checks = await runDoctor(ctx.opts.stateDir);
    return { ok: checks.every((x) => x.ok), checks };
  },
  render: (r) => r.checks.map(renderCheck),
  exitCode: (r) => (r.ok ? 0 : 1),
});
