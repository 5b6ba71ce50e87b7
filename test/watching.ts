// `start --watch` as a developer runs it, for the e2e files that test it: in the foreground on free ports, watching a
// temporary copy of src/ (the repo's own files are never edited) with its own state dir, its JSON events read as they
// come. Each wait is for an event, with a deadline that names it.
import { afterAll } from "vitest";
import type { ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliPath, eventually, repoRoot, runCli, spawnCollecting, TIMEOUT } from "./helpers.js";
import { freePorts, portArgs } from "../src/lab/stack.js";
import type { Ports } from "../src/runtime/config.js";
import type { WatchEvent } from "../src/runtime/watch.js";

export interface WatchedSources {
  /** the copy of src/ the watcher watches (edit files under it) */
  src: string;
  /** the stack's state dir */
  dir: string;
}

/** A temporary copy of src/ and a state dir for one test file; after the file, the stack is stopped and both removed. */
export function watchedSources(prefix: string): WatchedSources {
  const work = mkdtempSync(path.join(os.tmpdir(), `patterns-${prefix}-`));
  const sources = { src: path.join(work, "src"), dir: path.join(work, "state") };
  cpSync(path.join(repoRoot, "src"), sources.src, { recursive: true });
  afterAll(async () => {
    await runCli(["stop", "--purge", "--state-dir", sources.dir]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, TIMEOUT.stop);
  return sources;
}

type Event<K extends WatchEvent["type"]> = Extract<WatchEvent, { type: K }>;

export interface Watching {
  ports: Ports;
  ingressUrl: string;
  child: ChildProcess;
  /** the exit code of `start --watch` (130 after Ctrl+C) */
  exited: Promise<number>;
  /** every event printed so far */
  events(): WatchEvent[];
  /** the first event of this type that matches, waited for up to timeoutMs; `what` names it in the timeout error */
  event<K extends WatchEvent["type"]>(type: K, what: string, match?: (e: Event<K>) => boolean, timeoutMs?: number): Promise<Event<K>>;
}

/** `start --watch --json` on free ports, returned once it printed its "watching" event. */
export async function startWatching(w: WatchedSources): Promise<Watching> {
  const ports = await freePorts();
  const run = spawnCollecting([cliPath, "start", "--watch", "--watch-src", w.src, "--json", "--state-dir", w.dir, ...portArgs(ports)]);
  const events = () =>
    run.out.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as WatchEvent);
  const event = <K extends WatchEvent["type"]>(type: K, what: string, match: (e: Event<K>) => boolean = () => true, timeoutMs = 60_000) =>
    eventually(
      `${what} (a "${type}" event from start --watch)`,
      async () => {
        if (run.child.exitCode !== null) throw new Error(`start --watch exited ${run.child.exitCode}; stderr: ${run.out.stderr.slice(-400)}`);
        return events().find((e): e is Event<K> => e.type === type && match(e as Event<K>));
      },
      timeoutMs,
    );
  const watching: Watching = { ports, ingressUrl: `http://127.0.0.1:${ports.ingress}`, child: run.child, exited: run.exited, events, event };
  try {
    await event("watching", "the watcher started", undefined, 120_000);
  } catch (e) {
    run.child.kill("SIGINT");
    throw e;
  }
  return watching;
}
