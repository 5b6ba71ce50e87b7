// `patterns new` without a project: the name rules, the registry block it writes and takes out again byte for byte,
// the text the templates produce (literal step names where the CLI finds them), and the --from rewriting.
import { describe, expect, it } from "vitest";
import { checkName, namesOf, stepNames, type Taken } from "../../src/scaffold/names.js";
import { findEntry, insertEntry, registryEntry, removeEntry, scaffoldedNames } from "../../src/scaffold/registry-edit.js";
import { REGISTRY_TARGETS } from "../../src/scaffold/plan.js";
import { apiTs, handlerTs, SCAFFOLD_MARK, schemaTs, stepsTs } from "../../src/scaffold/worker-templates.js";
import { cliIndexTs, tourTs, verbsTs } from "../../src/scaffold/cli-templates.js";
import { testTs } from "../../src/scaffold/test-template.js";
import { distPathOf } from "../../src/scaffold/apply.js";
import { copyNotes, rewrite, rewritePresentation, type FromPattern } from "../../src/scaffold/from.js";

const taken: Taken = {
  patterns: ["sagas", "crash-and-resume"],
  services: ["BookingWorkflow", "playground", "greeter-x"],
  verbs: ["saga", "list", "new"],
  paths: ["src/services/lib", "src/commands/timeline", "test/e2e/custom.test.ts"],
  scaffolded: ["mine"],
};

describe("a new pattern's name", () => {
  it("is kebab-case, not too long; each refusal is a usage error naming the fix", () => {
    const refused = ["bad name!", "Greeter", "1st", "a--b", "-a", "a-", "", "x".repeat(41)].map((n) => [n, checkName(n, taken)?.exitCode]);
    expect(refused.filter(([, code]) => code !== 2)).toEqual([]);
    expect(checkName("bad name!", taken)?.fix).toMatch(/npx patterns new greeter/);
    expect(checkName("greeter", taken)).toBeUndefined();
    expect(checkName("my-thing2", taken)).toBeUndefined();
  });

  it("must not be a pattern, a service (any case), a verb or an existing folder", () => {
    const why = (n: string, services?: string[]) => checkName(n, taken, services)?.message ?? "";
    expect(why("sagas")).toMatch(/already a pattern "sagas"/);
    expect(checkName("sagas", taken)?.fix).toMatch(/--from sagas/);
    expect(checkName("mine", taken)?.fix).toMatch(/--remove mine/);
    expect(why("bookingworkflow")).toMatch(/service "BookingWorkflow"/);
    expect(why("x", ["greeter-x"])).toMatch(/service "greeter-x"/);
    expect(why("saga")).toMatch(/already a verb/);
    expect(why("lib")).toMatch(/src\/services\/lib already exists/);
    expect(why("custom")).toMatch(/test\/e2e\/custom.test.ts already exists/);
  });

  it("is spelled as a constant, a variable and a type", () => {
    expect(namesOf("my-thing2")).toEqual({ name: "my-thing2", constant: "MY_THING2", camel: "myThing2", pascal: "MyThing2" });
  });
});

const registry = `header\nexport const patternWorkers: WorkerFolder[] = [\n  { name: "a", services: [], subscriptions: [], worker: () => import("./a/index.js") },\n];\nrest\n`;
const target = REGISTRY_TARGETS[0]!;
const block = registryEntry({ name: "greeter", services: ["greeter"], steps: true });

describe("the registry block", () => {
  it("goes first in the list, between markers, and comes out byte for byte", () => {
    const withIt = insertEntry(registry, target, "greeter", block);
    expect(findEntry(withIt, "greeter")).toBeDefined();
    expect(scaffoldedNames(withIt)).toEqual(["greeter"]);
    expect(withIt).toContain(`{ name: "greeter", services: ["greeter"], subscriptions: [], worker: () => import("./greeter/index.js"), steps: () => import("./greeter/steps.js") },`);
    expect(removeEntry(withIt, "greeter")).toBe(registry);
    expect(removeEntry(withIt, "other")).toBe(withIt);
  });

  it("refuses a registry laid out otherwise", () => {
    expect(() => insertEntry("nothing here", target, "greeter", block)).toThrow(/not laid out as patterns new expects/);
  });
});

describe("the templates", () => {
  it("run both steps by their api.ts names, list them in steps.ts, and sleep durably between them", () => {
    const n = namesOf("greeter");
    expect(apiTs(n, "service")).toContain(`export const GREETER_STEPS = { first: "${stepNames("greeter").first}", second: "${stepNames("greeter").second}" } as const;`);
    expect(stepsTs(n)).toContain("export const steps: readonly string[] = Object.values(GREETER_STEPS);");
    for (const kind of ["service", "object", "workflow"] as const) {
      const text = handlerTs(n, kind);
      expect([...text.matchAll(/ctx\.run\(([A-Z_.a-z]+),/g)].map((m) => m[1])).toEqual(["GREETER_STEPS.first", "GREETER_STEPS.second"]);
      expect(text).toMatch(/await ctx\.sleep\(/);
      expect(text.split("\n", 1)[0]).toContain(SCAFFOLD_MARK);
    }
  });

  it("follow the call conventions: a contract in api.ts, the input in schema.ts, calls through the one ingress factory", () => {
    const n = namesOf("greeter");
    for (const kind of ["service", "object", "workflow"] as const) {
      const api = apiTs(n, kind);
      expect(api).toContain(`import type { greeter } from "./greeter.js";`);
      expect(api).toContain("export const greeterApi = contract<typeof greeter>(GREETER);");
      expect(schemaTs(n, kind)).toContain("export const GreeterRequestSchema = z.object(");
      expect(handlerTs(n, kind)).toContain("({ input: validInput(GreeterRequestSchema) }, async (ctx");
      const verbs = verbsTs(n, kind);
      expect(verbs).toMatch(/import \{ callError, ingress(, sendOpts)? \} from "\.\.\/\.\.\/runtime\/ingress\.js";/);
      expect(verbs).toContain(kind === "workflow" ? "client.workflowClient(greeterApi, key).workflowSubmit(" : "SendClient(greeterApi");
      expect(testTs(n, kind)).toContain("const client = s().ingress();");
      // nothing generated talks to the client library itself: src/runtime/ingress.ts is the one place that does
      for (const text of [api, verbs, tourTs(n, kind), testTs(n, kind)]) expect(text).not.toContain("@restatedev/restate-sdk-clients");
    }
  });

  it("present the pattern as the user's own (left out of the README's table)", () => {
    const index = cliIndexTs(namesOf("greeter"), { title: "t", summary: "s", guarantee: "g", verbs: ["greeter [who]"], crashStep: "prepare greeter" });
    expect(index).toContain("scaffolded: true,");
    expect(index).toContain(`tour: { crash: { step: "prepare greeter", when: "after" } },`);
  });

  it("compile to their place in dist/", () => {
    expect(distPathOf("src/commands/greeter/verbs.ts")).toBe("dist/commands/greeter/verbs.js");
    expect(distPathOf("test/e2e/greeter.test.ts")).toBeUndefined();
  });
});

describe("--from", () => {
  const from: FromPattern = { name: "sagas", services: ["BookingWorkflow", "Flights"], steps: [], verbRoots: ["saga"] };
  it("renames every service it defines, moves its verbs and its imports to the copy", () => {
    const src = [
      `import { X } from "../../services/sagas/model.js";`,
      `export const BOOKING = "BookingWorkflow";`,
      "const url = `${base}/Flights/${id}/reserve`;",
      `verbGroup({ path: "saga", summary: "" }), verb({ path: "saga book", examples: ["npx patterns saga book"] })`,
      `  verbs: ["saga book", 'saga show <trip>'],`,
      `guarded("sagas", run, ctx); const other = "FlightsOfFancy"; say("saga of a trip");`,
    ].join("\n");
    expect(rewrite(src, from, "trips").split("\n")).toEqual([
      `import { X } from "../../services/trips/model.js";`,
      `export const BOOKING = "trips-BookingWorkflow";`,
      "const url = `${base}/trips-Flights/${id}/reserve`;",
      `verbGroup({ path: "trips", summary: "" }), verb({ path: "trips book", examples: ["npx patterns trips book"] })`,
      `  verbs: ["trips book", 'trips show <trip>'],`,
      `guarded("trips", run, ctx); const other = "FlightsOfFancy"; say("saga of a trip");`,
    ]);
  });

  it("leaves the original's aliases to it", () => {
    expect(rewrite(`verbGroup({ path: "saga", aliases: ["trip"], summary: "" })`, from, "trips")).toBe(`verbGroup({ path: "trips", summary: "" })`);
  });

  it("moves the CLI run as a child process too", () => {
    expect(rewrite(`spawn(process.execPath, [cliPath, "saga", "book"]); ctx.set("saga", 1);`, from, "trips")).toBe(`spawn(process.execPath, [cliPath, "trips", "book"]); ctx.set("saga", 1);`);
  });

  it("gives each verb root of a pattern with several its own name", () => {
    expect(rewrite(`verb({ path: "feed" }), verb({ path: "send-post" })`, { ...from, verbRoots: ["feed", "send-post"] }, "mine")).toBe(`verb({ path: "mine-feed" }), verb({ path: "mine-send-post" })`);
  });

  it("marks the copy's presentation as made by patterns new, under its own title", () => {
    const text = `export const pattern: PatternInfo = {\n  title: "Sagas: \\"book\\"",\n  category: "orchestration",\n};`;
    expect(rewritePresentation(text, "trips")).toBe(`export const pattern: PatternInfo = {\n  scaffolded: true,\n  title: "Sagas: \\"book\\" (copy: trips)",\n  category: "orchestration",\n};`);
  });

  it("names, up front, what a copy shares with the original and what the stack does not run of it", () => {
    expect(copyNotes(from, "trips")).toEqual([]);
    const notes = copyNotes({ ...from, name: "hooks", calls: ["PaymentTracker"], runByStack: ["src/services/hooks/client-app-main.ts"] }, "mine");
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/PaymentTracker .*not copied.*mine calls the same PaymentTracker as hooks/);
    expect(notes[1]).toMatch(/client-app-main\.ts is run by the stack from hooks's folder.*mine's copy of it is not run/);
  });
});

describe("writing a plan", () => {
  it("compiles what it wrote into dist/, and takes every file back when one write fails", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { applyPlan } = await import("../../src/scaffold/apply.js");
    const root = mkdtempSync(path.join(os.tmpdir(), "patterns-scaffold-unit-"));
    try {
      mkdirSync(path.join(root, "dist"));
      mkdirSync(path.join(root, "src"));
      writeFileSync(path.join(root, "src/reg.ts"), "before\n");
      const plan = (create: { path: string; text: string }[]) => ({
        name: "x",
        kind: "service" as const,
        services: [],
        steps: [],
        verb: "x",
        create,
        edit: [{ path: "src/reg.ts", text: "export const a: number = 1;\n" }],
      });
      const ok = await applyPlan(root, plan([{ path: "src/x/a.ts", text: "export const b: string = 'b';\n" }]));
      expect(ok.compiled).toEqual(["dist/x/a.js", "dist/reg.js"]);
      expect(readFileSync(path.join(root, "dist/x/a.js"), "utf8")).toMatch(/const b = "b";[^]*export \{\s*b\s*\}/);

      writeFileSync(path.join(root, "src/reg.ts"), "before\n");
      writeFileSync(path.join(root, "src/taken.ts"), "mine\n");
      await expect(
        applyPlan(
          root,
          plan([
            { path: "src/y/new.ts", text: "1" },
            { path: "src/taken.ts", text: "2" },
          ]),
        ),
      ).rejects.toThrow(/EEXIST/);
      expect(existsSync(path.join(root, "src/y/new.ts")), "a file it wrote is taken back").toBe(false);
      expect(existsSync(path.join(root, "src/y")), "and its folder").toBe(false);
      expect(readFileSync(path.join(root, "src/taken.ts"), "utf8")).toBe("mine\n");
      expect(readFileSync(path.join(root, "src/reg.ts"), "utf8")).toBe("before\n");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
