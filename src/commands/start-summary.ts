// What `start` prints once the stack is ready: where each part listens, the cluster's nodes, and where to go next.
import { replicationFor, toleratedDown } from "../runtime/config.js";
import type { StackState } from "../runtime/state.js";
import { c, sym } from "../ui/palette.js";

export function summary(state: StackState): string[] {
  const lines = [
    `${sym.ok} ${c.bold("playground ready")}`,
    `  ingress   ${c.info(state.ingressUrl)}`,
    `  admin     ${c.info(state.adminUrl)}   UI ${c.info(`${state.adminUrl}/ui/`)}`,
    `  worker    ${c.info(`http://127.0.0.1:${state.components.worker.port}`)} (signed requests only)`,
    `  client    ${c.info(`http://127.0.0.1:${state.ports.clientApp}/reserve/<product>/<reservation>`)} ${c.dim("(the TypeScript seed's client app)")}`,
    `  kafka     ${state.kafka.kind === "none" ? c.warn("none (--no-kafka)") : c.info(state.brokers.join(","))}${state.kafka.kind === "embedded" ? c.dim(" embedded broker, 127.0.0.1 only") : ""}`,
    `  state     ${c.dim(state.stateDir)}`,
  ];
  if (state.nodes && state.nodes.length > 1) lines.splice(3, 0, ...clusterLines(state));
  for (const n of state.notes) lines.push(`  ${sym.warn} ${c.dim(n)}`);
  // where a newcomer goes next: the menu, or straight to the first tour; the stack verbs after
  lines.push(`  next: ${c.cmd("npx patterns")} ${c.dim("(the menu: pick a pattern and a tour)")}`);
  lines.push(`        ${c.cmd("npx patterns tour crash-and-resume")} ${c.dim("(the first tour: a worker killed mid-invocation, resumed)")}`);
  lines.push(`        ${c.dim("then")} ${c.cmd("npx patterns list")}${c.dim(",")} ${c.cmd("npx patterns status")}${c.dim(",")} ${c.cmd("npx patterns stop")}`);
  return lines;
}

/** One line per node of a cluster: its ports and data dir, and what the cluster tolerates. */
export function clusterLines(state: StackState): string[] {
  const nodes = state.nodes ?? [];
  const lines = [
    `  cluster   ${nodes.length} nodes, replication ${state.replication ?? replicationFor(nodes.length)} ${c.dim(`(tolerates ${toleratedDown(nodes.length)} node${toleratedDown(nodes.length) === 1 ? "" : "s"} down at once)`)}`,
  ];
  for (const n of nodes) {
    lines.push(`    ${n.name.padEnd(3)} ingress ${c.info(n.ingressUrl)}  admin ${c.info(n.adminUrl)}  fabric ${c.dim(`127.0.0.1:${n.fabricPort}`)}`);
  }
  return lines;
}
