// Security checks on the running stack: every listener on 127.0.0.1 (the embedded broker
// included, with its one Kafka port), request signing, key hygiene.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { patterns, stack, repoRoot, unsignedToWorker } from "../helpers.js";
import { listeners } from "../../src/runtime/ports.js";
import { statePaths } from "../../src/runtime/paths.js";
import { readState } from "../../src/runtime/state.js";

function components() {
  const st = readState(statePaths(stack().stateDir).stateFile)!;
  return st.components;
}

describe("security", () => {
  it("restate-server, the broker and the worker listen on 127.0.0.1 only; the broker on its one Kafka port", async () => {
    const comps = components();
    const all = await listeners();
    const of = (pid: number | undefined) => all.filter((l) => l.pid === pid);
    const broker = of(comps.broker.pid);
    expect(broker.map((l) => l.port)).toEqual([stack().ports.broker]);
    for (const [name, l] of [...of(comps.restate.pid).map((l) => ["restate", l] as const), ...of(comps.worker.pid).map((l) => ["worker", l] as const), ...broker.map((l) => ["broker", l] as const)]) {
      expect(l.address, `${name} port ${l.port}`).toBe("127.0.0.1");
    }
  });

  it("doctor finds every listener on 127.0.0.1", async () => {
    const r = await patterns(["doctor", "--json"], { timeoutMs: 120_000 });
    const checks = (JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; warn?: boolean; detail: string }[] }).checks;
    expect(checks.find((c) => c.name === "loopback only")).toMatchObject({ ok: true, detail: "every listener is on 127.0.0.1" });
  });

  it("unsigned requests to the worker get 401 (invoke and discover); the health endpoint stays open", async () => {
    const statuses = await unsignedToWorker([{ path: "/invoke/playground/ping" }, { path: "/discover", method: "GET" }, { path: "/health", method: "GET" }]);
    expect(statuses).toEqual([401, 401, 200]);
  });

  it("the signing key is 0600, inside the state dir, git-ignored, and never in a log", () => {
    const paths = statePaths(stack().stateDir);
    expect(statSync(paths.privateKey).mode & 0o777).toBe(0o600);
    const pem = readFileSync(paths.privateKey, "utf8");
    const body = pem
      .split("\n")
      .filter((l) => l && !l.startsWith("-----"))
      .join("");
    expect(body.length).toBeGreaterThan(20);
    for (const f of readdirSync(paths.logsDir)) {
      const log = readFileSync(path.join(paths.logsDir, f), "utf8");
      expect(log.includes(body), `${f} contains the private key`).toBe(false);
      expect(log).not.toMatch(/without validating request signatures/i);
    }
    // the default state dir (where a user's key lives) is ignored by git
    const ignored = execFileSync("git", ["check-ignore", "-q", "--no-index", ".patterns/keys/request-identity.pem"], { cwd: repoRoot, stdio: "pipe" });
    expect(ignored).toBeDefined();
  });

  it("the ingress's CORS policy is the documented known risk: a foreign Origin is reflected", async () => {
    // Restate 1.7 answers any Origin (README, "Choices and known limits"). Kept as an assertion so a change upstream is noticed.
    const res = await fetch(`${stack().ingressUrl}/playground/ping`, {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://evil.example");
  });

  it("the admin API refuses a text/plain POST (the CSRF posture) ", async () => {
    const res = await fetch(`${stack().adminUrl}/deployments`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(res.status).toBe(415);
  });
});
