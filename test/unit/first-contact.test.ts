// What a newcomer meets in the first minutes, as pure logic: tables and lists that fit 80 columns without splitting an
// id or a header, times of day in 24 hours, durations that never read "9m60s", hints that name the command as it
// runs (`npx patterns …`), the scripts the README names, the note a switch between one node and a cluster leaves,
// and a process that has exited but was not reaped yet counted as gone.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { renderInvocations } from "../../src/commands/interactive/invocations.js";
import { introLines } from "../../src/commands/interactive/tour.js";
import { relative } from "../../src/commands/lib/args.js";
import { renderSubmit } from "../../src/commands/message-queue/verbs.js";
import { renderDeployments, type DeploymentStatus } from "../../src/commands/status.js";
import { registry } from "../../src/registry.js";
import { emptiedNote, emptiedWhy } from "../../src/runtime/kafka-wiring.js";
import { isAlive } from "../../src/runtime/state.js";
import { allTours } from "../../src/tours/tours.js";
import type { InvocationRow } from "../../src/observe/types.js";
import { displayWidth } from "../../src/ui/text.js";
import { eventually, repoRoot } from "../helpers.js";

describe("invocations at 80 columns", () => {
  const now = Date.parse("2026-12-07T15:16:17Z");
  const row = (id: string, target: string, extra: Partial<InvocationRow> = {}): InvocationRow =>
    ({ id, target, status: "completed", completion_result: "success", created_at: "2026-12-07T15:16:10Z", completed_at: "2026-12-07T15:16:12Z", retry_count: 1, ...extra }) as InvocationRow;
  const rows = [
    row("inv_1hChHkAbCdEfGhIjKlMnOpQrStUvWxBf9", "BookingWorkflow/trip-payment-x8bpe3/run"),
    row("inv_1cB7yRAbCdEfGhIjKlMnOpQrStUvWxw7Qd", "CarRentals/reserve", {
      status: "backing-off",
      completion_result: undefined,
      completed_at: undefined,
      last_failure: "[SIMULATED payment-provider] temporarily unavailable (failure 1 of 2); Restate retries this step",
      last_failure_error_code: "500",
    }),
  ];

  it("no line is wider, the header is whole, the ids stay copyable and the target keeps at least 12 characters", () => {
    const lines = renderInvocations(rows, { width: 80, now });
    expect(lines.filter((l) => displayWidth(l) > 80)).toEqual([]);
    expect(lines[0]!.split(/\s+/)).toEqual(["id", "target", "status", "created", "took", "retries", "outcome"]);
    // one line per row: a cut cell never wraps into a second line that splits the table
    expect(lines).toHaveLength(3);
    for (const l of lines.slice(1)) expect(l).toMatch(/^inv_\w{6}…\w{4} {2}\S{12,}/);
  });
});

describe("times and durations as the CLI prints them", () => {
  it("a queued task runs at a 24-hour time of day, never a locale's 12-hour one", () => {
    const at = "2026-12-07T15:16:17.000Z";
    const [line] = renderSubmit({ invocationId: "inv_1", status: "Accepted", idempotencyKey: "task-1", task: "t", delayMs: 5000, executionTime: at });
    expect(line).toMatch(/runs at 15:16:17 \((in \S+|\S+ ago)\)/);
    expect(line).not.toMatch(/[AP]M\b/);
  });

  it("a time left is rounded once: never 9m60s or 2m60s", () => {
    const now = Date.parse("2026-12-07T15:00:00Z");
    const inMs = (ms: number) => relative(new Date(now + ms).toISOString(), now);
    expect(inMs(599_700)).toBe("in 10m");
    expect(inMs(179_800)).toBe("in 3m");
    expect(inMs(-59_600)).toBe("1m ago");
    for (const ms of [59_500, 119_999, 599_999, 3_599_999]) expect(inMs(ms)).not.toMatch(/60s/);
  });
});

describe("hints name the command as it runs", () => {
  const program = buildProgram();
  const verbs = new Set(program.commands.map((c) => c.name()));

  it("every tour's 'Look at' line that names a command says `npx patterns …`", () => {
    const bad: string[] = [];
    for (const tour of allTours(registry)) {
      for (const look of tour.look) {
        // "patterns invocations" without npx, or a verb given bare ("reminders show <invoice>")
        if (/(?<!npx )\bpatterns [a-z]/.test(look) || verbs.has(look.split(/\s+/)[0]!.replace(/`/g, ""))) bad.push(`${tour.name}: ${look}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe("the scripts the README names", () => {
  it("every `npm run <script>` in the README exists in package.json (the seed's `npm run app-dev` among them)", () => {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const scripts = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const named = [...new Set([...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!))];
    expect(named).toContain("app-dev");
    expect(named.filter((s) => !(s in scripts))).toEqual([]);
    expect(scripts["app-dev"]).toMatch(/patterns(\.js)? start$/);
  });
});

describe("status at 80 columns", () => {
  it("a deployment's id and address are never split; what runs gives way", () => {
    const d = (id: string, runs: number): DeploymentStatus =>
      ({
        id,
        phase: "current",
        code: "dist",
        uri: "http://127.0.0.1:46020/",
        pid: 5152,
        inFlight: runs,
        running: { running: runs },
        registered: true,
        port: 46020,
        registeredAt: "2026-12-07T15:00:00Z",
      }) as DeploymentStatus;
    const saved = process.env.COLUMNS;
    process.env.COLUMNS = "80";
    try {
      const lines = renderDeployments([d("dp_14ZfcWLcOcEMWc0lZkSitep", 0), d("dp_10UjnyGYm6dI1GPajBqu1pv", 3)]);
      expect(lines.filter((l) => displayWidth(l) > 80)).toEqual([]);
      const text = lines.join("\n");
      for (const whole of ["dp_14ZfcWLcOcEMWc0lZkSitep", "dp_10UjnyGYm6dI1GPajBqu1pv", "127.0.0.1:46020"]) expect(text).toContain(whole);
    } finally {
      if (saved === undefined) delete process.env.COLUMNS;
      else process.env.COLUMNS = saved;
    }
  });
});

describe("switching between one node and a cluster", () => {
  it("the note names the switch and says that the topics were emptied", () => {
    expect(emptiedNote(emptiedWhy({ port: 9092, subscriptions: ["sub_1"], nodes: 1 }, 3, 0))).toBe(
      "the embedded broker's topics were emptied: a switch from one node to a 3-node cluster (each keeps its own Restate data, with its own subscriptions); records produced before this start are gone",
    );
    // a record written before node counts were recorded is one node's
    expect(emptiedWhy({ port: 9092, subscriptions: [] }, 3, 0)).toMatch(/^a switch from one node to a 3-node cluster/);
    expect(emptiedWhy({ port: 9092, subscriptions: [], nodes: 3 }, 1, 2)).toMatch(/^a switch from a 3-node cluster to one node/);
    expect(emptiedWhy(undefined, 1, 0)).toMatch(/no subscriptions of this broker/);
  });
});

describe("a process that exited but was not reaped yet", () => {
  it.skipIf(process.platform !== "linux")("is not alive (stop does not wait out its grace period for it)", async () => {
    // sh starts a short sleep in the background, then becomes a long sleep that never reaps it: a zombie
    const parent = spawn("sh", ["-c", "sleep 0.1 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const pid = await new Promise<number>((resolve) => parent.stdout.once("data", (d: Buffer) => resolve(Number(String(d).trim()))));
      const state = () => /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
      await eventually("the background sleep to exit and stay unreaped (state Z)", async () => state() === "Z", 10_000, 20);
      expect(isAlive(pid)).toBe(false);
      expect(isAlive(parent.pid)).toBe(true);
    } finally {
      parent.kill("SIGKILL");
    }
  });
});

describe("a tour's introduction at 80 columns", () => {
  it("fits, and breaks no word of a command (a command longer than a line breaks between its words)", () => {
    const bad: string[] = [];
    for (const tour of allTours(registry)) {
      const lines = introLines(tour, true, 80).map(stripVTControlCharacters);
      for (const l of lines) if (displayWidth(l) > 80) bad.push(`${tour.name}: wider: ${l}`);
      // joined again at the breaks, each command reads whole: no word was cut
      const text = lines.map((l) => l.trim()).join(" ");
      for (const v of tour.verbs) if (!text.includes(`npx patterns ${v}`)) bad.push(`${tour.name}: "npx patterns ${v}" split inside a word`);
    }
    expect(bad).toEqual([]);
  });
});
