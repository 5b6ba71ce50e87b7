// `patterns new <name>`: scaffold a pattern of your own the way the built-in ones are made (a worker folder with its
// typed api.ts, a CLI folder with a verb and a tour, a registry entry, a crash test), live at once under
// `start --watch`; `patterns new --remove <name>` takes it out again. The work is in src/scaffold/.
import path from "node:path";
import type { Command } from "commander";
import { PlaygroundError, UsageError } from "../errors.js";
import { patternEntries } from "../registry.js";
import { allServiceNames, patternWorkers, playgroundWorkers } from "../services/registry.js";
import { allTours } from "../tours/tours.js";
import { clientAppEntry, projectRoot } from "../runtime/paths.js";
import { findStack } from "../runtime/stack.js";
import { eventually } from "../observe/index.js";
import { c, sym } from "../ui/palette.js";
import { KINDS, type Kind } from "../scaffold/names.js";
import { planNew } from "../scaffold/plan.js";
import { applyPlan, cliLoadError, type Applied } from "../scaffold/apply.js";
import { applyRemoval, planRemoval, type Removed } from "../scaffold/remove.js";
import { copyNotes, type FromPattern } from "../scaffold/from.js";
import { CRASH_STEPS_BY_FOLDER } from "./timeline/steps.js";
import { verb } from "./verb.js";

export interface NewResult extends Applied {
  action: "new";
  name: string;
  kind: Kind;
  from?: string;
  services: string[];
  steps: string[];
  /** what serves it now: a watching stack's new deployment, a running stack that needs its worker restarted, none */
  live: { stack: "watching"; deployment?: string; ms?: number; error?: string } | { stack: "running" } | { stack: "none" };
  next: string[];
  /** with --from: what the copy shares with the original or does not get (empty when it is whole) */
  notes?: string[];
}

export type NewData = NewResult | (Removed & { action: "remove" });

/** Every word the CLI already answers to (verbs, groups, their aliases): a pattern's verb must not be one. */
function verbWords(command: Command): string[] {
  const program = command.parent ?? command;
  return ["help", ...program.commands.flatMap((cmd) => [cmd.name(), ...cmd.aliases()])];
}

/** Patterns whose copy works on its own: a Kafka-fed one would share its topics with the original. */
const copyable = () => patternWorkers.filter((w) => !w.subscriptions.length && patternEntries.some((p) => p.name === w.name && !p.scaffolded)).map((w) => w.name);

async function fromPattern(name: string): Promise<FromPattern> {
  const entry = patternEntries.find((p) => p.name === name);
  const folder = patternWorkers.find((w) => w.name === name);
  if (!entry || !folder) throw new UsageError(`--from "${name}" is not a pattern with its own folders`, `pick one of ${copyable().join(", ")}`);
  if (folder.subscriptions.length) {
    const topics = [...new Set(folder.subscriptions.map((s) => s.topic))].join(", ");
    throw new UsageError(`--from ${name}: it is fed by Kafka (${topics}), and a copy would share those topics with the original`, `copy a pattern that is called: ${copyable().join(", ")}`);
  }
  const services = (await folder.worker()).services.map((s) => s.name);
  const ownFolder = `${path.sep}services${path.sep}${name}${path.sep}`;
  return {
    name,
    services,
    steps: [...(CRASH_STEPS_BY_FOLDER[name] ?? [])],
    verbRoots: [...new Set(entry.declarations.map((d) => d.path.split(" ")[0]!))],
    calls: folder.services.filter((s) => !services.includes(s)),
    runByStack: [clientAppEntry].filter((f) => f.includes(ownFolder)).map((f) => `src/services/${name}/${path.basename(f, ".js")}.ts`),
  };
}

/** The deployments registered before the files are written: the one that serves the new pattern comes after them. */
async function deploymentIds(stateDir: string | undefined): Promise<Set<string>> {
  const stack = findStack(stateDir);
  return new Set(stack ? (await stack.admin.deployments().catch(() => [])).map((d) => d.id) : []);
}

/** With a stack watching this project's src/: wait until Restate lists the new services (the watcher's deployment). */
async function liveStatus(stateDir: string | undefined, services: string[], wait: boolean, before: Set<string>): Promise<NewResult["live"]> {
  const stack = findStack(stateDir);
  if (!stack) return { stack: "none" };
  const watched = stack.state.watch?.srcRoot;
  if (!watched || path.resolve(watched) !== path.join(projectRoot, "src")) return { stack: "running" };
  if (!wait) return { stack: "watching" };
  const t0 = performance.now();
  try {
    const dep = await eventually(
      `a deployment serving ${services.join(", ")} (the watcher of start --watch)`,
      async () => (await stack.admin.deployments()).find((d) => !before.has(d.id) && services.every((s) => d.services.some((x) => x.name === s))),
      { timeoutMs: 60_000, everyMs: 200 },
    );
    return { stack: "watching", deployment: dep.id, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    return { stack: "watching", error: (e as Error).message };
  }
}

function renderNew(r: NewData): string[] {
  if (r.action === "remove") {
    return [
      `${sym.ok} removed ${c.bold(r.name)}`,
      ...r.removed.map((f) => `  removed  ${f}`),
      ...r.edited.map((f) => `  edited   ${f} (its entry taken out)`),
      c.dim(`  dist/: ${r.dist.length} file(s) and folder(s) removed or rebuilt`),
    ];
  }
  const live =
    r.live.stack === "watching"
      ? r.live.deployment
        ? `${sym.ok} live: deployment ${c.id(r.live.deployment)} serves ${r.services.join(", ")} (${r.live.ms} ms after the files were written)`
        : r.live.error
          ? `${sym.warn} the watcher has not served it yet: ${r.live.error}; see the start --watch terminal`
          : `${sym.dot} start --watch is building it`
      : r.live.stack === "running"
        ? `${sym.warn} the running stack was started without --watch, so Restate does not know the new service yet: ${c.cmd("npx patterns stop")}, then ${c.cmd("npx patterns start --watch")} (it registers the new build, and serves each later edit at once)`
        : `${sym.dot} no stack is running: ${c.cmd("npx patterns start --watch")} serves it and every later edit`;
  return [
    `${sym.ok} new pattern ${c.bold(r.name)}${r.from ? ` (a copy of ${r.from})` : ` (a Restate ${r.kind})`}: services ${r.services.join(", ")}; ${r.steps.length ? `steps ${r.steps.map((s) => `"${s}"`).join(", ")}` : "no named steps"}`,
    ...r.created.map((f) => `  created  ${f}`),
    ...r.edited.map((f) => `  edited   ${f} (its registry entry)`),
    c.dim(`  compiled ${r.compiled.length} file(s) into dist/ in ${r.compileMs} ms, so the CLI knows it now`),
    live,
    ...(r.notes ?? []).map((n) => `${sym.warn} ${n}`),
    "next:",
    ...r.next.map((n) => `  ${c.cmd(n)}`),
  ];
}

export const newPattern = verb<{ kind?: Kind; from?: string; remove?: string; wait: boolean }, NewData>({
  path: "new",
  group: "play",
  summary: "scaffold a pattern of your own (worker, verb, tour, crash test), live at once under start --watch",
  args: [{ name: "[name]", description: "kebab-case name: its folders, its verb and its Restate service" }],
  options: [
    { flags: "--kind <kind>", description: "what the handler is", choices: KINDS },
    { flags: "--from <pattern>", description: "start from a copy of this pattern (one not fed by Kafka), every service renamed <name>-<service>" },
    { flags: "--remove <name>", description: "take out a pattern made by `patterns new` (only those)" },
    { flags: "--no-wait", description: "do not wait for a watching stack to serve it" },
  ],
  examples: ["npx patterns new greeter", "npx patterns new counter --kind object", "npx patterns new trips --from sagas", "npx patterns new --remove greeter"],
  async run(ctx, name: string | undefined) {
    const o = ctx.opts;
    if (o.remove !== undefined) {
      if (name !== undefined || o.kind || o.from) throw new UsageError("--remove takes only the name of the pattern to remove", `for example npx patterns new --remove ${o.remove || "greeter"}`);
      const builtIn = (n: string) => allTours(patternEntries).some((t) => t.name === n) || playgroundWorkers.some((i) => i.name === n);
      const plan = planRemoval(projectRoot, o.remove, builtIn);
      return { action: "remove" as const, ...(await applyRemoval(projectRoot, plan)) };
    }
    if (name === undefined) throw new UsageError("name the pattern", "for example npx patterns new greeter");
    if (o.from && o.kind) throw new UsageError("--kind and --from do not go together: a copy keeps the kinds of its services", `for example npx patterns new ${name} --from ${o.from}`);
    const kind = o.kind ?? "service";
    const from = o.from ? await fromPattern(o.from) : undefined;
    const taken = {
      patterns: [...allTours(patternEntries).map((t) => t.name), ...playgroundWorkers.map((i) => i.name)],
      services: allServiceNames,
      verbs: verbWords(ctx.command),
      scaffolded: patternEntries.filter((p) => p.scaffolded).map((p) => p.name),
    };
    const plan = planNew({ root: projectRoot, name, kind, from, taken });
    const before = await deploymentIds(o.stateDir);
    const applied = await applyPlan(projectRoot, plan);
    const broken = cliLoadError(projectRoot);
    if (broken) {
      await applyRemoval(
        projectRoot,
        planRemoval(projectRoot, name, () => false),
      );
      throw new PlaygroundError(
        `with ${name} the CLI does not start (${broken}), so nothing was kept`,
        from ? `start from another pattern, or write it with npx patterns new ${name}` : "report it: a generated pattern must load",
      );
    }
    const live = await liveStatus(o.stateDir, plan.services, o.wait, before);
    const next = from
      ? [`npx patterns ${plan.verb} --help`, `npx patterns tour ${name} --yes`, `npx vitest run test/e2e/${name}.test.ts`]
      : [`npx patterns ${name} Ada`, `npx patterns tour ${name} --yes`, `npx vitest run test/e2e/${name}.test.ts`];
    const notes = from ? copyNotes(from, name) : undefined;
    return { action: "new" as const, ...applied, name, kind, from: plan.from, services: plan.services, steps: plan.steps, live, next, ...(notes?.length ? { notes } : {}) };
  },
  render: renderNew,
});
