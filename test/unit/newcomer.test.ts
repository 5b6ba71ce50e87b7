// Pure pieces of the newcomer path: where the state dir is, the spinner's fallback, the foreground log filter, the
// ports a second start did not apply, the seed aliases, the client app's route, the restate CLI's .env, the lock file.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defaultStateDir, describeStateDir, projectRoot, resolveStateDir } from "../../src/runtime/paths.js";
import { canAnimate } from "../../src/ui/spinner.js";
import { LogFilter } from "../../src/runtime/log-filter.js";
import { portsNotApplied } from "../../src/commands/start.js";
import { DEFAULT_PORTS, resolvePorts } from "../../src/runtime/config.js";
import { fromGoBooking } from "../../src/services/seed-aliases/booking.js";
import { ALIAS_SERVICES, SEED_ALIASES, services as aliasServices } from "../../src/services/seed-aliases/index.js";
import { reserveRoute } from "../../src/services/durable-rpc/client-app.js";
import { cliEnvText, CLI_ENV_MARKER, restatectlAddresses, restatectlNote } from "../../src/runtime/restate-cli-env.js";
import type { NodeState } from "../../src/runtime/state.js";
import { BookingSchema } from "../../src/services/sagas/schema.js";
const parseBooking = (v: unknown) => BookingSchema.parse(v);
import { paymentExpiryMs } from "../../src/services/payment-state-machine/model.js";
import { registry } from "../../src/registry.js";

describe("the state dir belongs to the project", () => {
  it("defaults to <project>/.patterns whatever the current folder; the flag and PATTERNS_STATE_DIR override", () => {
    const saved = { cwd: process.cwd(), env: process.env.PATTERNS_STATE_DIR };
    try {
      delete process.env.PATTERNS_STATE_DIR;
      process.chdir(path.join(projectRoot, "docs"));
      expect(resolveStateDir()).toBe(path.join(projectRoot, ".patterns"));
      process.env.PATTERNS_STATE_DIR = "/tmp/elsewhere";
      expect(resolveStateDir()).toBe("/tmp/elsewhere");
      expect(resolveStateDir("/tmp/flag")).toBe("/tmp/flag");
    } finally {
      process.chdir(saved.cwd);
      if (saved.env === undefined) delete process.env.PATTERNS_STATE_DIR;
      else process.env.PATTERNS_STATE_DIR = saved.env;
    }
  });
  it("messages name the project for its own state dir", () => {
    expect(describeStateDir(defaultStateDir)).toBe(`project ${projectRoot}, state dir ${defaultStateDir}`);
    expect(describeStateDir("/tmp/x")).toBe("state dir /tmp/x");
  });
});

describe("spinner", () => {
  it.each([
    [{ isTTY: true, columns: 80 }, false, true],
    [{ isTTY: true, columns: 0 }, false, false],
    [{ isTTY: true, columns: undefined }, false, false],
    [{ isTTY: true, columns: Number.NaN }, false, false],
    [{ isTTY: false, columns: 80 }, false, false],
    [{ isTTY: true, columns: 80 }, true, false],
  ])("animates on %o (json %s): %s", (stream, json, expected) => {
    expect(canAnimate(stream, json)).toBe(expected);
  });
});

describe("foreground log filter", () => {
  const kept = (lines: string[]) => {
    const f = new LogFilter();
    return lines.filter((l) => f.accept(l));
  };
  it("keeps restate's WARN and ERROR records with their continuation lines, drops INFO", () => {
    const lines = [
      "2026-11-29T13:06:55.250761Z INFO restate_server",
      "  Starting Restate Server 1.7.12",
      '    node_name: "playground"',
      "2026-11-29T13:11:08.305746Z WARN restate_ingress_kafka::subscription_controller::task_orchestrator",
      "  Consumer task for subscription sub_1 unexpectedly returned error",
      "2026-11-29T13:11:09.000000Z INFO restate_core",
      "  all good",
    ];
    expect(kept(lines)).toEqual([lines[3], lines[4]]);
  });
  it("drops the offline release check (octocrab), keeps the SDK's warnings and a crash's stack", () => {
    const lines = [
      "2026-11-29T13:11:02.270988Z ERROR octocrab",
      "  failed with error client error (Connect)",
      "2026-11-29T13:06:59.146Z INFO  product/p/reserve inv_1: Starting invocation.",
      "2026-11-29T13:06:59.146Z WARN  product/p/reserve inv_1: Error when processing the invocation",
      "2026-11-29T13:06:59.146Z INFO  worker listening on 127.0.0.1:9080",
      "Error: boom",
      "    at main (file:///x.js:1:1)",
      'time="2026" level=warning msg="slow"',
      'time="2026" level=info msg="fine"',
    ];
    expect(kept(lines)).toEqual([lines[3], lines[5], lines[6], lines[7]]);
  });
});

describe("a second start with other ports", () => {
  const running = { ...DEFAULT_PORTS, ingress: 18080 };
  it("names the ports asked for by flag or variable that the running stack does not use", () => {
    const requested = resolvePorts({ ingress: "62081" }, {});
    expect(portsNotApplied({ ingressPort: "62081" }, requested, running, {})).toEqual([{ component: "ingress", from: "--ingress-port", requested: 62081, running: 18080 }]);
    const env = { PATTERNS_ADMIN_PORT: "19070" };
    expect(portsNotApplied({}, resolvePorts({}, env), running, env)).toEqual([{ component: "admin", from: "PATTERNS_ADMIN_PORT", requested: 19070, running: 9070 }]);
  });
  it("says nothing when no port was asked for, or the asked one is the running one", () => {
    expect(portsNotApplied({}, resolvePorts({}, {}), running, {})).toEqual([]);
    expect(portsNotApplied({ ingressPort: "18080" }, resolvePorts({ ingress: "18080" }, {}), running, {})).toEqual([]);
  });
});

describe("seed aliases", () => {
  const goBooking = {
    flights: { flight_id: "12345", passenger_name: "John Doe" },
    car: { pickup_location: "Airport", rental_date: "2024-12-16" },
    payment_info: { card_number: "4111111111111111", amount: 1500 },
  };
  it("maps the Go seed's snake_case booking onto the one the workflow validates", () => {
    expect(parseBooking(fromGoBooking(goBooking))).toEqual({
      flights: { flightId: "12345", passengerName: "John Doe" },
      car: { pickupLocation: "Airport", rentalDate: "2024-12-16" },
      paymentInfo: { cardNumber: "4111111111111111", amount: 1500 },
    });
    const camel = { flights: { flightId: "1", passengerName: "A" }, car: { pickupLocation: "B", rentalDate: "C" }, paymentInfo: { cardNumber: "4111111111111111", amount: 1 } };
    expect(fromGoBooking(camel)).toEqual(camel);
    expect(fromGoBooking("nope")).toBe("nope");
  });
  it("every alias service serves the handlers the table names, and none is a pattern in `list`", () => {
    const handlers = new Map<string, string[]>(aliasServices.map((s) => [s.name, Object.keys((s as unknown as { object: object }).object)]));
    let checked = 0;
    for (const a of SEED_ALIASES) {
      const service = a.spelling.split("/")[0]!;
      if (!ALIAS_SERVICES.has(service)) continue;
      const names = a.spelling
        .slice(a.spelling.lastIndexOf("/") + 1)
        .split(/,\s*/)
        .map((h) => h.split(" ")[0]!);
      for (const h of names) {
        expect(handlers.get(service), `${service}/${h}`).toContain(h);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
    const listed = new Set(registry.flatMap((p) => p.services));
    for (const name of ALIAS_SERVICES) expect(listed.has(name), `${name} is not a pattern of its own`).toBe(false);
  });
});

describe("README", () => {
  it('lists every seed alias in its "Coming from the Go/Kotlin seed" table; reads top-down: start, the first tour, what you see, the seeds further down', () => {
    const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("<!-- seed-aliases:start -->"), readme.indexOf("<!-- seed-aliases:end -->"));
    for (const a of SEED_ALIASES) expect(table, a.spelling).toContain(`| ${a.seed} | \`${a.spelling}\` | \`${a.same}\` |`);
    const sections = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections.slice(0, 3)).toEqual(["Start", "Your first tour", "What you see"]);
    expect(sections.indexOf("Coming from the seeds"), "the seeds' mapping comes after the reference").toBeGreaterThan(sections.indexOf("Reference"));
    expect(readme.slice(0, readme.indexOf("## Your first tour"))).toMatch(/npm install\nnpx patterns start/);
  });
});

describe("client app route", () => {
  it("takes POST /reserve/<product>/<reservation>, decoded", () => {
    expect(reserveRoute("/reserve/product1/reservation1")).toEqual({ productId: "product1", reservationId: "reservation1" });
    expect(reserveRoute("/reserve/a%20b/r1?x=1")).toEqual({ productId: "a b", reservationId: "r1" });
    expect(reserveRoute("/reserve/product1")).toBeUndefined();
    expect(reserveRoute("/other/a/b")).toBeUndefined();
    expect(reserveRoute("/reserve/%E0%A4%A/b")).toBeUndefined();
  });
});

describe("restate CLI environment", () => {
  it("points RESTATE_ADMIN_URL at the admin port, marked as ours", () => {
    const text = cliEnvText({ admin: 22070 });
    expect(text.startsWith(CLI_ENV_MARKER)).toBe(true);
    expect(text).toMatch(/^RESTATE_ADMIN_URL=http:\/\/127\.0\.0\.1:22070$/m);
  });

  it("says how to point restatectl at a fabric port other than its default, and nothing on the default", () => {
    expect(restatectlNote(5122)).toBeUndefined();
    expect(restatectlNote(25004)).toContain("npx restatectl -s http://127.0.0.1:25004 status");
    expect(restatectlNote(25004)).toContain("npx patterns restatectl -- status");
  });

  it("gives `patterns restatectl` the stack's fabric port, or every node of a cluster with the live ones first", () => {
    expect(restatectlAddresses({ ports: { ...DEFAULT_PORTS, fabric: 25004 } })).toBe("http://127.0.0.1:25004");
    const node = (n: number, up: boolean) => ({ node: n, fabricPort: 25003 + n, phase: up ? "up" : "down" }) as NodeState;
    const nodes = [node(1, false), node(2, true), node(3, true)];
    expect(restatectlAddresses({ ports: DEFAULT_PORTS, nodes }, (n) => n.phase === "up")).toBe("http://127.0.0.1:25005,http://127.0.0.1:25006,http://127.0.0.1:25004");
  });
});

describe("payments", () => {
  it("a token outlives ten minutes by default, whatever the time scale", () => {
    expect(paymentExpiryMs(1000)).toBeGreaterThanOrEqual(600_000);
  });
});

describe("lock file", () => {
  it("lock-platforms leaves the committed lock byte for byte, and writes a missing entry in npm's key order", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "newcomer-lock-"));
    mkdirSync(path.join(dir, "scripts"));
    copyFileSync(path.join(projectRoot, "scripts", "lock-platforms.mjs"), path.join(dir, "scripts", "lock-platforms.mjs"));
    const original = readFileSync(path.join(projectRoot, "package-lock.json"), "utf8");
    writeFileSync(path.join(dir, "package-lock.json"), original);
    execFileSync(process.execPath, [path.join(dir, "scripts", "lock-platforms.mjs")], { stdio: "ignore" });
    expect(readFileSync(path.join(dir, "package-lock.json"), "utf8") === original, "lock-platforms changed the committed lock").toBe(true);

    const lock = JSON.parse(original) as { packages: Record<string, Record<string, unknown>> };
    delete lock.packages["node_modules/@rollup/rollup-darwin-arm64"];
    writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(lock, null, 2) + "\n");
    execFileSync(process.execPath, [path.join(dir, "scripts", "lock-platforms.mjs")], { stdio: "ignore" });
    const again = JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8")) as typeof lock;
    expect(Object.keys(again.packages["node_modules/@rollup/rollup-darwin-arm64"]!)).toEqual(["version", "cpu", "dev", "optional", "os"]);
    expect(readFileSync(path.join(dir, "package-lock.json"), "utf8") === original, "the re-added entry differs from npm's").toBe(true);
  });
});
