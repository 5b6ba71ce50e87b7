// `patterns ratelimit set|run|status`: the token-bucket rate limiter.
import { UsageError } from "../../errors.js";
import { intOption } from "../common.js";
import { humanDuration } from "../../ui/output.js";
import { c, sym } from "../../ui/palette.js";
import { DEFAULT_LIMITER } from "../../services/rate-limiter/names.js";
import { parseRate } from "../../services/rate-limiter/token-bucket.js";
import { verb, verbGroup, type Declaration, type VerbContext } from "../verb.js";
import { limiterPath, limiterStatus, runTaskCall, runTasks, setRate, setRateCall, type RunReport, type StatusReport } from "./run.js";

function rateArg(raw: string, what: string): number {
  const r = parseRate(raw);
  if (r === undefined || r > 1_000_000)
    throw new UsageError(`${what} must be a rate like 2, 2/s, 0.5/s or 120/min, got "${raw}"`, `for example ${what === "<limit>" ? "npx patterns ratelimit set 1 1" : "--rate 2/s"}`);
  return r;
}

function validateLimiterName(n: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(n)) throw new UsageError(`limiter name "${n}" is not valid`, `use letters, digits, '.', '_', ':' or '-', e.g. --limiter ${DEFAULT_LIMITER}`);
  return n;
}

const perSec = (r: number) => `${Number(r.toFixed(2))}/s`;

function renderRun(r: RunReport): string[] {
  return [
    ...r.tasks.map(
      (t, i) => `  ${String(i + 1).padStart(3)}  done at +${humanDuration(t.doneAfterMs).padEnd(7)} ${c.dim(t.waitedMs > 0 ? `waited ${humanDuration(t.waitedMs)} for a token` : "token was there")}`,
    ),
    `${r.count} tasks in ${humanDuration(r.totalMs)} · configured ${perSec(r.limit)} (burst ${r.burst}) · admitted ${r.admitted ? c.bold(perSec(r.admitted.perSecond)) : "-"} ${c.dim(
      r.scheduled ? `(the limiter scheduled ${perSec(r.scheduled.perSecond)}; rate measured after the first ${r.burst})` : "(too few tasks to measure a rate)",
    )}`,
  ];
}

function renderStatus(s: StatusReport): string[] {
  if (!s.state)
    return [
      `${sym.warn} limiter ${c.id(s.limiter)} has no rate set: calls are refused with 429`,
      c.dim(`set one: npx patterns ratelimit set 1 1${s.limiter === DEFAULT_LIMITER ? "" : ` --limiter ${s.limiter}`}`),
    ];
  const st = s.state;
  return [
    `${c.bold("limiter")}   ${c.id(s.limiter)}`,
    `rate      ${perSec(st.limit)}, burst ${st.burst}`,
    `tokens    ${st.tokensNow.toFixed(2)} now${st.tokensNow < 0 ? c.dim(" (negative: reservations are waiting for tokens)") : ""}`,
    ...(st.lastEvent > st.at ? [`busy      reserved until ${humanDuration(st.lastEvent - st.at)} from now`] : []),
    `runs      ${s.runs} task(s) so far${s.lastRunAt ? c.dim(` (last at ${s.lastRunAt.slice(11, 23)})`) : ""}`,
    `admitted  ${s.recent ? `${perSec(s.recent.perSecond)} over the latest ${s.recent.events + 1} runs` : c.dim("- (too few recent runs)")}`,
  ];
}

const LIMITER_OPTION = { flags: "--limiter <name>", description: "which limiter", default: DEFAULT_LIMITER };

const ratelimit = verbGroup({
  path: "ratelimit",
  group: "patterns",
  aliases: ["limit"],
  summary: "rate limiting: a token bucket in Limiter/{name} admits LimitedTask/RunTask at the configured rate",
  examples: ["npx patterns ratelimit set 1 1", "npx patterns ratelimit run --count 10", "npx patterns limit run --count 20 --rate 2/s", "npx patterns ratelimit status"],
});

const ratelimitSet = verb({
  path: "ratelimit set",
  summary: "set the limiter's rate and burst (SetRate)",
  args: [
    { name: "<limit>", description: "tokens per second (2, 2/s, 0.5/s, 120/min)" },
    { name: "<burst>", description: "bucket size: how many may go at once" },
  ],
  options: [LIMITER_OPTION],
  examples: ["npx patterns ratelimit set 1 1", "npx patterns ratelimit set 2/s 5 --json"],
  async run(ctx: VerbContext<{ limiter: string }>, limitRaw: string, burstRaw: string) {
    const limit = rateArg(limitRaw, "<limit>");
    const burst = intOption("<burst>", 0, 1_000_000)(burstRaw);
    const name = validateLimiterName(ctx.opts.limiter);
    const stack = ctx.stack();
    const s = await setRate(stack, name, limit, burst);
    ctx.equivalent(setRateCall(stack.ingressUrl, name, limit, burst));
    return { limiter: name, ...s };
  },
  render: (d) => [`${sym.ok} limiter ${c.id(d.limiter)}: ${perSec(d.limit)}, burst ${d.burst}`],
});

const ratelimitRun = verb({
  path: "ratelimit run",
  summary: "fire tasks at once and watch the limiter space them out; shows the admitted rate",
  options: [
    { flags: "--count <n>", description: "how many tasks", parse: intOption("--count", 1, 100), default: 10 },
    { flags: "--rate <rate>", description: "set this rate first (2/s, 0.5/s, 120/min)" },
    { flags: "--burst <n>", description: "with --rate: the burst to set (default 1)", parse: intOption("--burst", 0, 1_000_000) },
    LIMITER_OPTION,
  ],
  examples: ["npx patterns ratelimit run --count 10", "npx patterns limit run --count 20 --rate 2/s", "npx patterns ratelimit run --count 5 --rate 1/s --burst 2 --json"],
  async run(ctx: VerbContext<{ count: number; rate?: string; burst?: number; limiter: string }>) {
    const o = ctx.opts;
    const name = validateLimiterName(o.limiter);
    if (o.burst !== undefined && o.rate === undefined) throw new UsageError("--burst needs --rate", "for example --rate 2/s --burst 1, or npx patterns ratelimit set 2 1");
    const rate = o.rate === undefined ? undefined : rateArg(o.rate, "--rate");
    if (rate !== undefined && rate <= 0) throw new UsageError("--rate must be above 0 to run tasks", "for example --rate 2/s");
    const stack = ctx.stack();
    if (rate !== undefined) {
      await setRate(stack, name, rate, o.burst ?? 1);
      ctx.say(`${sym.ok} limiter ${name}: ${perSec(rate)}, burst ${o.burst ?? 1}`);
    }
    const spin = ctx.spinner(`running ${o.count} task(s) under limiter ${name}…`);
    let done = 0;
    let report: RunReport;
    try {
      report = await runTasks(stack, name, o.count, () => spin.update(`running ${o.count} task(s) under limiter ${name}… ${++done} done`));
    } catch (e) {
      spin.fail(`tasks under limiter ${name} failed`);
      throw e;
    }
    spin.succeed(`${o.count} task(s) done in ${humanDuration(report.totalMs)}`);
    ctx.equivalent([...(rate !== undefined ? [setRateCall(stack.ingressUrl, name, rate, o.burst ?? 1)] : []), runTaskCall(stack.ingressUrl, name)]);
    return report;
  },
  render: renderRun,
});

const ratelimitStatus = verb({
  path: "ratelimit status",
  summary: "the limiter's rate, burst, tokens now, and the rate it admitted lately",
  options: [LIMITER_OPTION],
  examples: ["npx patterns ratelimit status", "npx patterns limit status --json"],
  async run(ctx: VerbContext<{ limiter: string }>) {
    const name = validateLimiterName(ctx.opts.limiter);
    const stack = ctx.stack();
    const s = await limiterStatus(stack, name);
    ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}${limiterPath(name, "State")}` });
    return s;
  },
  render: renderStatus,
});

export const declarations: Declaration[] = [ratelimit, ratelimitSet, ratelimitRun, ratelimitStatus];
