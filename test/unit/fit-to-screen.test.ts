// Lines printed to a terminal narrower than them are wrapped between words under their text; piped output is untouched.
import { describe, expect, it } from "vitest";
import { fitToScreen } from "../../src/ui/output.js";
import { displayWidth } from "../../src/ui/text.js";

const tty = (columns: number) => ({ isTTY: true, columns });
const long = '! the crash armed earlier at step "Reserve flight" (kill-worker --at-step) fired during this booking: the worker was killed and restarted, and the saga resumed from its journal';

describe("fitToScreen", () => {
  it("leaves a line that fits, and any line on a stream that is not a terminal, as written", () => {
    expect(fitToScreen("short", tty(80))).toBe("short");
    expect(fitToScreen(long, { isTTY: false, columns: 40 })).toBe(long);
  });

  it("wraps between words at the terminal's width, continuations indented under the text after the mark", () => {
    const lines = fitToScreen(long, tty(80)).split("\n");
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.filter((l) => displayWidth(l) > 80)).toEqual([]);
    expect(lines[0]!.startsWith("! the crash")).toBe(true);
    expect(lines.slice(1).every((l) => l.startsWith("  ") && !l.startsWith("   "))).toBe(true);
    // no word was broken: the words read back in order
    expect(lines.map((l) => l.trim()).join(" ")).toBe(long);
  });

  it("keeps an indented line's indent and a command in backticks on one line when it fits", () => {
    const line = '    nothing was in flight to interrupt; send something first, e.g. `npx patterns send-post userid1 "hello" --pending 6`, then kill again';
    const lines = fitToScreen(line, tty(60)).split("\n");
    expect(lines.filter((l) => displayWidth(l) > 60)).toEqual([]);
    expect(lines.some((l) => l.includes('`npx patterns send-post userid1 "hello" --pending 6`'))).toBe(true);
    expect(lines.every((l) => l.startsWith("    "))).toBe(true);
  });
});
