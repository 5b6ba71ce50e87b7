// Pure logic of `start --nodes N`: node count, derived ports and their clashes, what a cluster tolerates, the
// environment that makes a node a member, the view built from restatectl's tables, and the kill warning.
import { describe, expect, it } from "vitest";
import { DEFAULT_PORTS, checkNodePorts, nodePorts, parseNodes, replicationFor, toleratedDown } from "../../src/runtime/config.js";
import { buildClusterView, clusterProblems, replicationFactor } from "../../src/runtime/cluster.js";
import { clusterEnv } from "../../src/runtime/component-specs.js";
import { checkNode, killWarning } from "../../src/commands/timeline/kill.js";
import type { NodeState, StackState } from "../../src/runtime/state.js";
import { UsageError } from "../../src/errors.js";

describe("--nodes", () => {
  it("defaults to 1, takes 1 to 5 from the flag or PATTERNS_NODES, refuses anything else", () => {
    expect(parseNodes(undefined, {})).toBe(1);
    expect(parseNodes("3", {})).toBe(3);
    expect(parseNodes(undefined, { PATTERNS_NODES: "5" })).toBe(5);
    for (const bad of ["0", "6", "two", "2.5", "-1"]) expect(() => parseNodes(bad, {}), bad).toThrow(UsageError);
  });

  it("replication is min(2, N); the tolerated node losses follow the log copies and the metadata majority", () => {
    expect([1, 2, 3, 4, 5].map(replicationFor)).toEqual([1, 2, 2, 2, 2]);
    expect([1, 2, 3, 4, 5].map(toleratedDown)).toEqual([0, 0, 1, 1, 2]);
  });

  it("node 1 keeps the configured ports, node k adds k-1 to ingress, admin and fabric", () => {
    const list = nodePorts(DEFAULT_PORTS, 3);
    expect(list).toEqual([
      { node: 1, fabric: 5122, admin: 9070, ingress: 8080 },
      { node: 2, fabric: 5123, admin: 9071, ingress: 8081 },
      { node: 3, fabric: 5124, admin: 9072, ingress: 8082 },
    ]);
    expect(checkNodePorts(DEFAULT_PORTS, 5)).toHaveLength(5);
  });

  it("a derived port that clashes with another port, or passes 65535, is refused with the flag to change", () => {
    expect(() => checkNodePorts({ ...DEFAULT_PORTS, worker: 9071 }, 3)).toThrow(/node 2's admin port .*--worker-port/);
    expect(() => checkNodePorts({ ...DEFAULT_PORTS, admin: 8081 }, 2)).toThrow(/both ask for port 8081/);
    expect(() => checkNodePorts({ ...DEFAULT_PORTS, fabric: 65535 }, 2)).toThrow(/above 65535/);
    // a single node derives nothing
    expect(() => checkNodePorts({ ...DEFAULT_PORTS, worker: 9071 }, 1)).not.toThrow();
  });
});

describe("cluster environment", () => {
  const nodes = [1, 2, 3].map((k) => ({ node: k, name: `n${k}`, fabricPort: 5121 + k }));
  it("a single node gets nothing extra (it runs exactly as before)", () => {
    expect(clusterEnv(nodes.slice(0, 1), 1)).toEqual({});
  });
  it("every node lists all fabric addresses, replication 2, its own name and address; only node 1 provisions", () => {
    const e2 = clusterEnv(nodes, 2);
    expect(e2).toMatchObject({
      RESTATE_NODE_NAME: "n2",
      RESTATE_DEFAULT_REPLICATION: "2",
      RESTATE_AUTO_PROVISION: "false",
      RESTATE_ADVERTISED_ADDRESS: "http://127.0.0.1:5123",
      // Restate's id is our node number: restatectl's N2 is `--node 2`
      RESTATE_FORCE_NODE_ID: "2",
    });
    expect(JSON.parse(e2.RESTATE_METADATA_CLIENT__ADDRESSES!)).toEqual(["http://127.0.0.1:5122", "http://127.0.0.1:5123", "http://127.0.0.1:5124"]);
    expect(clusterEnv(nodes, 1).RESTATE_AUTO_PROVISION).toBe("true");
  });
});

describe("cluster view from restatectl's tables", () => {
  const rows = [
    { plain_node_id: "N1", name: "n1", state: "alive", has_admin_role: true, has_worker_role: true, has_metadata_server_role: true, has_log_server_role: true, has_ingress_role: true },
    { plain_node_id: "N2", name: "n3", state: "alive", has_worker_role: true },
    { plain_node_id: "N3", name: "n2", state: "dead", has_worker_role: true },
  ];
  const parts = [
    { partition_id: 1, leader_plain_node_id: "N2", current_replica_set: "N1,N2" },
    { partition_id: 0, leader_plain_node_id: "N3", current_replica_set: "N3,N1" },
  ];
  const logs = [
    { log_id: 0, kind: "replicated", replication: "{node: 2}", nodeset: "[N1, N2, N3]", sequencer: "N1:2" },
    { log_id: 0, kind: "sealed" },
  ];

  it("maps Restate's node ids to our node numbers by name, with roles, leaderships and replicas", () => {
    const v = buildClusterView("http://127.0.0.1:5122", rows, parts, logs);
    expect(v.nodes.map((n) => [n.name, n.id, n.node, n.alive])).toEqual([
      ["N1", "N1", 1, true],
      ["N3", "N3", 2, false],
      ["N2", "N2", 3, true],
    ]);
    expect(v.nodes[0]!.roles).toEqual(["metadata-server", "admin", "worker", "log-server", "http-ingress"]);
    expect(v.nodes.find((n) => n.node === 3)!.leads).toEqual([1]);
    expect(v.nodes.find((n) => n.node === 1)!.replicas).toEqual([0, 1]);
    expect(v.partitions.map((p) => p.id)).toEqual([0, 1]);
    expect(v.logReplication).toEqual(["{node: 2}"]);
    expect(v.logs).toEqual([{ id: 0, replication: "{node: 2}", nodeset: ["N1", "N2", "N3"], sequencer: "N1:2" }]);
    expect(replicationFactor("{node: 2}")).toBe(2);
  });

  it("names each problem: a dead node, a partition led by a dead node, too few live replicas", () => {
    const v = buildClusterView("x", rows, parts, logs);
    expect(clusterProblems(v, 3, 2)).toEqual(["2 of 3 nodes alive (N3 down)", "partition 0 without a live leader", "partition 0 with fewer than 2 live replicas"]);
    const healthy = buildClusterView(
      "x",
      rows.map((r) => ({ ...r, state: "alive" })),
      parts,
      logs,
    );
    expect(clusterProblems(healthy, 3, 2)).toEqual([]);
    expect(clusterProblems(healthy, 3, 3)).toContain("log 0 replicated fewer than 3 times");
  });
});

describe("kill-restate --node", () => {
  const node = (k: number, phase: NodeState["phase"]): NodeState => ({
    node: k,
    name: `n${k}`,
    phase,
    pid: phase === "up" ? process.pid : undefined,
    port: 0,
    log: "",
    restarts: 0,
    fabricPort: 0,
    adminPort: 0,
    ingressPort: 0,
    adminUrl: "",
    ingressUrl: "",
    dataDir: "",
  });
  const state = (phases: NodeState["phase"][]) => ({ nodes: phases.map((p, i) => node(i + 1, p)), replication: 2 }) as unknown as StackState;

  it("one node down of three is tolerated; a second one is explained: writes wait until a node is back", () => {
    expect(killWarning(state(["up", "up", "up"]), 2, 3000)).toBeUndefined();
    const w = killWarning(state(["up", "down", "up"]), 3, 5000);
    expect(w).toMatch(/2 of 3 nodes will be down \(N2 already\).*tolerates 1.*wait \(they are not lost\).*about 5s/);
    expect(killWarning(state(["up", "up"]), 1, 3000)).toMatch(/with 2 nodes every log record needs both/);
  });

  it("--node must name a node of the stack; a single node has only node 1", () => {
    expect(checkNode(state(["up", "up", "up"]), "restate", undefined)).toBe(1);
    expect(checkNode(state(["up", "up", "up"]), "restate", 3)).toBe(3);
    expect(() => checkNode(state(["up", "up", "up"]), "restate", 4)).toThrow(/no node 4: this stack has nodes 1 to 3/);
    expect(() => checkNode({} as StackState, "restate", 2)).toThrow(/single node/);
    expect(checkNode({} as StackState, "restate", 1)).toBeUndefined();
    expect(() => checkNode(state(["up", "up"]), "worker", 2)).toThrow(/only goes with kill-restate/);
  });
});
