// The CLI's argument checks with the pattern's own payload schema (src/services/<pattern>/schema.ts): a verb builds the
// handler's input from its flags and checks it before calling, so a bad flag is a usage error naming the flag, with
// the same words the handler would answer. The schema is loaded only when the verb runs: zod stays out of `--help`.
import type { z } from "zod";
import { UsageError } from "../../errors.js";
import { problemsOf } from "../../services/lib/problems.js";

/**
 * Throw a UsageError for the first problem of `value`, its field named by the flag that set it
 * (`{ amount: "--amount" }`), the raw text the user typed appended as `got "…"`.
 */
export function checkArgs(schema: z.ZodType, value: unknown, flags: Record<string, string>, typed: Record<string, string | undefined>, fix: string): void {
  const problem = problemsOf(schema, value)[0];
  if (!problem) return;
  const field = Object.keys(flags).find((f) => problem.startsWith(`${f} `));
  const message = field ? `${flags[field]}${problem.slice(field.length)}` : problem;
  const raw = field ? typed[field] : undefined;
  throw new UsageError(`${message}${raw !== undefined ? `, got "${raw}"` : ""}`, fix);
}
