// `patterns list`: every pattern by category, with its verbs and whether its services are registered in Restate.
import type { Category, PatternEntry } from "../../patterns/types.js";
import { builtInTours, tourFor, type Tour } from "../../patterns/tours.js";
import { findStack } from "../../runtime/stack.js";
import { table } from "../../ui/output.js";
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
      name: p.name,
      title: p.title,
      category: p.category,
      summary: p.summary,
      guarantee: p.guarantee,
      services: p.services,
      verbs: p.verbs,
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

export function renderList(r: ListReport, width = process.stdout.columns || 120): string[] {
  const rows: string[][] = [];
  for (const g of byCategory(r.patterns)) {
    g.items.forEach((p, i) => {
      const reg = p.registered === null ? c.dim("?") : p.registered ? sym.ok : `${sym.fail} ${c.fail(`missing ${p.missing.join(", ")}`)}`;
      rows.push([i === 0 ? c.bold(g.category) : "", c.id(p.name), p.summary, p.verbs.join(", "), `${reg} ${c.dim(p.services.join(", "))}`]);
    });
  }
  r.tours.forEach((t, i) => rows.push([i === 0 ? c.bold("playground") : "", c.id(t.name), t.summary, `tour ${t.name}`, c.dim("playground")]));
  return table(["category", "pattern", "what it shows", "verbs", "services"], rows, width);
}
