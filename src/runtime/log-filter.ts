// What `start --foreground` streams by default: the components' warnings and errors, not their INFO chatter
// (restate-server alone writes about 300 INFO lines at start-up, which buried the ready summary). A record's
// continuation lines (restate's indented fields, a stack trace's "    at …") follow their record. Pure.

const LEVELED = [
  // restate-server: 2026-11-29T13:06:55.250761Z WARN restate_core::…
  // and the worker, in the same shape: 2026-11-29T13:06:59.146Z WARN  svc/key/handler inv_…: …
  /^\d{4}-\d\d-\d\dT\S+\s+(TRACE|DEBUG|INFO|WARN|ERROR)\b/,
  // logfmt (time="…" level=warning msg="…"), as Go programs write it, e.g. a real Kafka tool in front of the stack
  /\blevel=(trace|debug|info|warning|warn|error|fatal|panic)\b/i,
];

const NOTEWORTHY = /^(warn|warning|error|fatal|panic)$/i;
/** records that are errors by level but not news: restate-server's release check (octocrab) fails offline */
const KNOWN_NOISE = /^\S+\s+\w+\s+octocrab\b/;
const LOOKS_BAD = /\b(Error|ERROR|FATAL|panicked|Uncaught|Unhandled|Exception|EADDRINUSE|ECONNREFUSED)\b/;

export class LogFilter {
  private keepingRecord = false;

  /** Should this line be shown? Call once per line, in order. */
  accept(line: string): boolean {
    for (const re of LEVELED) {
      const m = re.exec(line);
      if (m) {
        this.keepingRecord = NOTEWORTHY.test(m[1]!) && !KNOWN_NOISE.test(line);
        return this.keepingRecord;
      }
    }
    if (/^\s+\S/.test(line) && this.keepingRecord) return true;
    this.keepingRecord = LOOKS_BAD.test(line);
    return this.keepingRecord;
  }
}
