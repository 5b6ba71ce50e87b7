// Pure logic of the fan-out (no SDK imports), shared by the handler, the CLI and the unit tests.

/** The fan-out service's name (here, so the CLI can name it without loading the SDK). */
export const FAN_OUT_WORKER = "FanOutWorker";

export interface Subtask {
  description: string;
  index: number;
  /** how long the subtask works (a durable sleep), in ms */
  workMs: number;
}

export const MAX_SUBTASKS = 20;

/** Split a task description on commas; blank parts are dropped. */
export function splitDescription(description: string): string[] {
  return description
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Deterministic work time: the i-th subtask works (i mod 4) + 1 seconds, so the seed's four subtasks take 1, 2, 3
 * and 4 s (10 s in a row, about 4 s in parallel). A subtask called on its own (no index) uses its length instead.
 */
export function workMsFor(index: number | undefined, description: string): number {
  const n = index ?? description.length;
  return ((n % 4) + 1) * 1000;
}

/** The plan of a fan-out: deterministic by default; with chaos, random work times from 0.5 to 4.5 s. */
export function planSubtasks(description: string, chaos = false, random: () => number = Math.random): Subtask[] {
  return splitDescription(description).map((d, index) => ({
    description: d,
    index,
    workMs: chaos ? 500 + Math.round(random() * 4000) : workMsFor(index, d),
  }));
}

export function aggregate(results: string[]): string {
  return results.join(", ");
}

/** undefined when the fan-out task is valid, else what is wrong. */
export function taskProblem(input: unknown): string | undefined {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return 'the task is missing: send {"description": "a,b,c"}';
  const t = input as Record<string, unknown>;
  if (typeof t.description !== "string") return 'description is missing or invalid: expected comma-separated subtasks, e.g. "get out of bed,shower"';
  const parts = splitDescription(t.description);
  if (parts.length === 0) return "description is invalid: it holds no subtask (split on commas)";
  if (parts.length > MAX_SUBTASKS) return `description is invalid: ${parts.length} subtasks, at most ${MAX_SUBTASKS}`;
  if (t.chaos !== undefined && typeof t.chaos !== "boolean") return "chaos is invalid: expected true or false";
  return undefined;
}
