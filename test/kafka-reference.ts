// Apache Kafka as the reference broker in the tests: one node in KRaft combined mode (broker and controller in one
// JVM) on 127.0.0.1 and free ports, in a temp dir of its own, from the jars that kafka-reference/pom.xml fetches
// (`npm run kafka:fetch`, which .ci/run does). A machine without a JDK or without the jars gets `kafkaReference`
// = { ok: false, reason }, and the tests skip naming that reason.
//
// The JVM runs under a small shell that holds our pipe on its stdin: when the test process goes away, for whatever
// reason, the pipe closes, the shell's `read` returns and it stops Kafka, so no JVM outlives the test file.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { freePort } from "../src/runtime/ports.js";
import { projectRoot } from "../src/runtime/paths.js";

const referenceDir = path.join(projectRoot, "kafka-reference");
const libsDir = path.join(referenceDir, "target", "kafka-libs");
const FETCH_HINT = "`npm run kafka:fetch`, which needs Maven and a JDK 17";

/** Whether Apache Kafka can start here: the JDK and the jars, or why not. */
export const kafkaReference: { ok: true; version: string; classpath: string } | { ok: false; reason: string } = (() => {
  const java = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (java.error || java.status !== 0) return { ok: false, reason: `no JDK: \`java\` is not on PATH (install a JDK 17 and Maven, then run ${FETCH_HINT.split(",")[0]})` };
  const jar = existsSync(libsDir) ? readdirSync(libsDir).find((f) => /^kafka_2\.13-.*\.jar$/.test(f)) : undefined;
  if (!jar) return { ok: false, reason: `Apache Kafka's jars are not in kafka-reference/target/kafka-libs (run ${FETCH_HINT})` };
  return { ok: true, version: jar.replace(/^kafka_2\.13-|\.jar$/g, ""), classpath: path.join(libsDir, "*") };
})();

/** A title for the describe block: Kafka's version, or why the block is skipped. Prints the reason when skipping. */
const toldSkip = new Set<string>();
export function referenceTitle(file: string, what: string): string {
  if (kafkaReference.ok) return `${what} (Apache Kafka ${kafkaReference.version})`;
  if (!toldSkip.has(file)) process.stderr.write(`${file}: SKIPPED: ${kafkaReference.reason}\n`);
  toldSkip.add(file);
  return `${what} (SKIPPED: ${kafkaReference.reason})`;
}

export interface ApacheKafka {
  port: number;
  /** host:port for clients */
  bootstrap: string;
  dir: string;
  /** from spawning the JVM to the "Kafka Server started" line (the storage format before it not included) */
  startMs: number;
  /** the time `kafka-storage format` took */
  formatMs: number;
  /** what Kafka logged so far (warnings, start and stop lines) */
  log(): string;
  createTopics(topics: { name: string; partitions: number }[]): Promise<void>;
  stop(): Promise<void>;
}

// Small heap, serial GC and the C1 compiler only: the JVM starts in about 2 s and Kafka needs little for tests.
const JVM_OPTS = ["-Xmx512m", "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Djava.awt.headless=true"];

function serverProperties(dir: string, port: number, controllerPort: number): string {
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${path.join(dir, "data")}`,
    // one node: every internal topic with one replica, and one partition for the offsets topic (faster to create)
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    // like the embedded broker: topics exist because someone created them, never because a client named one
    "auto.create.topics.enable=false",
    "num.partitions=1",
    "",
  ].join("\n");
}

/** Run a Java main class to the end; reject with its output when it fails or outlives the deadline. */
function runJava(classpath: string, args: string[], deadlineMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("java", [...JVM_OPTS, "-cp", classpath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`java ${args[0]} ${args[1] ?? ""} failed (${signal ? `killed after ${deadlineMs} ms` : `exit ${code}`}): ${out}`));
    });
  });
}

/** Resolve when `pattern` appears in what `proc` prints; reject when it exits first or the deadline passes. */
function waitForLine(proc: ChildProcess, text: () => string, pattern: RegExp, what: string, deadlineMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      proc.stdout!.off("data", onData);
      proc.off("exit", onExit);
      if (err) reject(err);
      else resolve();
    };
    const onData = () => {
      if (pattern.test(text())) done();
    };
    const onExit = (code: number | null) => done(new Error(`Apache Kafka exited (${code}) before ${what}:\n${text()}`));
    const timer = setTimeout(() => done(new Error(`timed out after ${deadlineMs} ms waiting for ${what}:\n${text()}`)), deadlineMs);
    proc.stdout!.on("data", onData);
    proc.once("exit", onExit);
    onData();
  });
}

/** Start Apache Kafka (format its storage, then the server) and wait until it says it started. */
export async function startApacheKafka(): Promise<ApacheKafka> {
  if (!kafkaReference.ok) throw new Error(kafkaReference.reason);
  const { classpath } = kafkaReference;
  const dir = mkdtempSync(path.join(os.tmpdir(), "apache-kafka-"));
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const props = path.join(dir, "server.properties");
  writeFileSync(props, serverProperties(dir, port, controllerPort));
  const log4j = `-Dlog4j2.configurationFile=${path.join(referenceDir, "log4j2.properties")}`;

  const t0 = performance.now();
  // a cluster id is 16 random bytes in URL-safe base64 without padding, as `kafka-storage random-uuid` prints; like
  // Kafka's own, never one starting with "-" (the command line would take it for an option)
  let clusterId = randomBytes(16).toString("base64url");
  while (clusterId.startsWith("-")) clusterId = randomBytes(16).toString("base64url");
  await runJava(classpath, [log4j, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", props], 60_000).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  const formatMs = performance.now() - t0;

  const t1 = performance.now();
  const java = ["java", ...JVM_OPTS, log4j, "-cp", classpath, "kafka.Kafka", props].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  // the shell stops Kafka when its stdin closes (stop(), or this process gone), waits for it to end and removes
  // its dir (stop() does too; this is for a test process that was killed)
  const script = `${java} </dev/null & pid=$!; echo "jvm pid $pid"; read _ || true; kill $pid 2>/dev/null; wait $pid; rm -rf '${dir}'`;
  const proc = spawn("sh", ["-c", script], { stdio: ["pipe", "pipe", "pipe"] });
  const logFile = createWriteStream(path.join(dir, "kafka.log"));
  let text = "";
  const keep = (d: Buffer) => {
    text += d;
    logFile.write(d);
  };
  proc.stdout.on("data", keep);
  proc.stderr.on("data", keep);
  const jvmPid = () => Number(/jvm pid (\d+)/.exec(text)?.[1] ?? 0);
  const hardKill = () => {
    const pid = jvmPid();
    if (pid) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    proc.kill("SIGKILL");
  };
  process.once("exit", hardKill);
  try {
    await waitForLine(proc, () => text, /Kafka Server started/, `Apache Kafka on 127.0.0.1:${port} to say "Kafka Server started"`, 90_000);
  } catch (e) {
    hardKill();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const startMs = performance.now() - t1;
  const bootstrap = `127.0.0.1:${port}`;

  return {
    port,
    bootstrap,
    dir,
    startMs,
    formatMs,
    log: () => text,
    async createTopics(topics) {
      const admin = new Kafka({ clientId: "reference-setup", brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        await admin.createTopics({ waitForLeaders: true, topics: topics.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })) });
      } finally {
        await admin.disconnect();
      }
    },
    async stop() {
      process.off("exit", hardKill);
      if (proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise<void>((r) => proc.once("exit", () => r()));
        proc.stdin.end();
        const timer = setTimeout(hardKill, 30_000);
        await gone;
        clearTimeout(timer);
      }
      logFile.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
