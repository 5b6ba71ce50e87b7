// `patterns list`: every pattern by category, with its verbs and whether its services are registered in Restate.
import { patternCard, type Category, type PatternEntry } from "../../tours/types.js";
import { builtInTours, tourFor, type Tour } from "../../tours/tours.js";
import { findStack } from "../../runtime/stack.js";
import { displayWidth, keepTogether, table, terminalWidth, wrap } from "../../ui/text.js";
import { c, sym } from "../../ui/palette.js";

export const CATEGORY_ORDER: Category[] = ["communication", "orchestration", "scheduling", "events", "custom"];

export const CATEGORY_BLURB: Record<Category, string> = {
  communication: "calling handlers durably: RPC, queues, webhooks, sync to async, signals",
  orchestration: "multi-step work that must finish or undo: sagas, actors, state machines",
  scheduling: "work over time: durable timers, reminders, fan-out",
  events: "Kafka events processed transactionally, per key",
  custom: "building blocks made from Restate primitives: promises, queues, rate limits",
};

export interface ListedPattern {
  name: string;
  title: string;
  category: Category;
  summary: string;
  guarantee: string;
  services: string[];
  verbs: string[];
  /** all its services registered in Restate; null when the stack is not running */
  registered: boolean | null;
  missing: string[];
  tour: { command: string; crashStep?: string };
}

export interface ListReport {
  running: boolean;
  patterns: ListedPattern[];
  /** the playground's own tours (not patterns) */
  tours: { name: string; title: string; summary: string; command: string; crashStep?: string }[];
}

/** Registry order kept within a category; categories in catalogue order. */
export function byCategory<T extends { category: string }>(items: T[]): { category: string; items: T[] }[] {
  const order = [...CATEGORY_ORDER, ...new Set(items.map((i) => i.category))];
  return [...new Set(order)].map((category) => ({ category, items: items.filter((i) => i.category === category) })).filter((g) => g.items.length > 0);
}

export function listPatterns(entries: PatternEntry[], registeredServices: string[] | null): ListReport {
  const known = registeredServices ? new Set(registeredServices) : null;
  const patterns = entries.map((p): ListedPattern => {
    const missing = known ? p.services.filter((s) => !known.has(s)) : [];
    const crashStep = tourFor(p).crash?.step;
    return {
      ...patternCard(p),
      registered: known ? missing.length === 0 : null,
      missing,
      tour: { command: `npx patterns tour ${p.name}`, ...(crashStep ? { crashStep } : {}) },
    };
  });
  const tours = builtInTours.map((t: Tour) => ({
    name: t.name,
    title: t.title,
    summary: t.summary,
    command: `npx patterns tour ${t.name}`,
    ...(t.crash ? { crashStep: t.crash.step } : {}),
  }));
  return { running: registeredServices !== null, patterns, tours };
}

export async function collectList(entries: PatternEntry[], stateDir?: string): Promise<ListReport> {
  const stack = findStack(stateDir);
  let services: string[] | null = null;
  if (stack) {
    try {
      services = (await stack.admin.services()).services.map((s) => s.name);
    } catch {
      services = null;
    }
  }
  return listPatterns(entries, services);
}

/** Below this many columns for the wrapped columns, a table reads worse than one block per pattern. */
const MIN_WRAPPED_COLUMN = 20;

/** The list, wrapped at word boundaries to the width (never cut): a table when it is wide, blocks when narrow. */
export function renderList(r: ListReport, width = terminalWidth()): string[] {
  const reg = (p: ListedPattern) => (p.registered === null ? c.dim("?") : p.registered ? sym.ok : `${sym.fail} ${c.fail(`missing ${p.missing.join(", ")}`)}`);
  const rows: string[][] = [];
  for (const g of byCategory(r.patterns)) {
    g.items.forEach((p, i) => {
      rows.push([i === 0 ? c.bold(g.category) : "", c.id(p.name), p.summary, p.verbs.join(", "), `${reg(p)} ${c.dim(p.services.join(", "))}`]);
    });
  }
  r.tours.forEach((t, i) => rows.push([i === 0 ? c.bold("playground") : "", c.id(t.name), t.summary, `tour ${t.name}`, c.dim("playground")]));
  const headers = ["category", "pattern", "what it shows", "verbs", "services"];
  const fixed = [0, 1].map((i) => Math.max(displayWidth(headers[i]!), ...rows.map((row) => displayWidth(row[i]!)))).reduce((a, b) => a + b, 0);
  if (width - fixed - 2 * (headers.length - 1) >= 3 * MIN_WRAPPED_COLUMN) return table(headers, rows, { width, flexible: [2, 3, 4], minWidth: MIN_WRAPPED_COLUMN });

  const lines: string[] = [];
  const block = (name: string, mark: string, summary: string, verbs: string[]) => {
    lines.push(...wrap(`${c.id(name)}  ${mark}`, width - 2).map((l) => `  ${l}`));
    lines.push(...wrap(summary, width - 6).map((l) => `      ${l}`));
    for (const v of verbs) lines.push(...wrap(`${c.dim("$")} ${c.cmd(keepTogether(`npx patterns ${v}`))}`, width - 6).map((l) => `      ${l}`));
  };
  for (const g of byCategory(r.patterns)) {
    lines.push(...wrap(`${c.bold(g.category)} ${c.dim(`— ${CATEGORY_BLURB[g.category as Category] ?? ""}`)}`, width));
    for (const p of g.items) block(p.name, `${reg(p)} ${c.dim(p.services.join(", "))}`, p.summary, p.verbs);
    lines.push("");
  }
  if (r.tours.length) {
    lines.push(c.bold("playground"));
    for (const t of r.tours) block(t.name, "", t.summary, [`tour ${t.name}`]);
  }
  return lines;
}
