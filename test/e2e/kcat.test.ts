// A third independent Kafka client against the embedded broker: Debian's kcat (librdkafka's command-line tool),
// producing key:value lines and consuming in a consumer group. Skipped, saying so, where kcat is not installed
// (`.ci/run` installs it; by hand: `apt-get install kcat`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { startLoneBroker, type LoneBroker } from "../lone-broker.js";
import { runToEnd } from "../run-to-end.js";

const kcatVersion = spawnSync("kcat", ["-V"], { encoding: "utf8" });
const haveKcat = kcatVersion.status === 0;
if (!haveKcat) process.stderr.write("kcat.test.ts: SKIPPED: kcat is not installed (apt-get install -y kcat)\n");

let broker: LoneBroker;

beforeAll(async () => {
  if (haveKcat) broker = await startLoneBroker();
}, 60_000);

afterAll(async () => {
  await broker?.stop();
}, 60_000);

async function kcat(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runToEnd("kcat", ["-b", `127.0.0.1:${broker.port}`, ...args], { input: input ?? "", deadlineMs: 60_000 });
  if (r.timedOut) throw new Error(`kcat ${args.join(" ")} did not finish\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return { code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Consume the topic in `group` until the end of every partition, then exit (committing on the way out). */
const consumeGroup = (group: string) => kcat(["-G", group, "-X", "auto.offset.reset=earliest", "-e", "-q", "-f", "%p:%o:%k:%s\\n", "social-media-posts"]);

describe.skipIf(!haveKcat)(`kcat (${haveKcat ? kcatVersion.stdout.split("\n")[0] : "not installed"})`, () => {
  it("lists the broker's topics", async () => {
    const r = await kcat(["-L"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/5 topics/);
    expect(r.stdout).toMatch(/topic "chaos-events" with 4 partitions/);
    expect(r.stdout).toMatch(/broker 1 at 127\.0\.0\.1:\d+/);
  });

  it("produces key:value lines; a record against the schema fails to be delivered", async () => {
    const ok = await kcat(["-P", "-t", "social-media-posts", "-K:"], 'kc1:{"content":"one"}\nkc2:{"content":"two"}\nkc1:{"content":"three"}\n');
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await kcat(["-P", "-t", "social-media-posts", "-K:"], 'kc1:{"metadata":"no content"}\n');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/failed to validate record/i);
    expect(broker.log()).toMatch(/INVALID_RECORD: .*from rdkafka: value\.content is missing/);
  });

  it("consumes in a group, commits, and a second run of the group reads only what is new", async () => {
    const first = await consumeGroup("kcat-group");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split("\n")).toEqual(['0:0:kc1:{"content":"one"}', '0:1:kc2:{"content":"two"}', '0:2:kc1:{"content":"three"}']);
    const more = await kcat(["-P", "-t", "social-media-posts", "-K:"], 'kc3:{"content":"four"}\n');
    expect(more.code, more.stderr).toBe(0);
    const second = await consumeGroup("kcat-group");
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim().split("\n")).toEqual(['0:3:kc3:{"content":"four"}']);
    // another group starts from the beginning
    const other = await consumeGroup("kcat-other");
    expect(other.stdout.trim().split("\n")).toHaveLength(4);
  });
});
