import xterm from "@xterm/headless";
import { readFileSync } from "node:fs";
const raw = readFileSync("/tmp/pty-raw.txt", "utf8");
const term = new xterm.Terminal({ cols: 80, rows: 30, scrollback: 5000, allowProposedApi: true });
const parts = raw.split(/(?=\x1b\[1G\x1b\[0K)/);
let i = 0, prev = 0, shown = 0;
const step = () => {
  if (i >= parts.length || shown > 6) return;
  term.write(parts[i], () => {
    const b = term.buffer.active; const row = b.baseY + b.cursorY;
    if (row < prev) { shown++; console.log(`part ${i}: row ${prev} → ${row}`, JSON.stringify(parts[i]).replace(/\\u001b/g, "⎋").slice(0, 400)); console.log("   prev:", JSON.stringify(parts[i-1]).replace(/\\u001b/g, "⎋").slice(0, 400)); }
    prev = row; i++; step();
  });
};
step();
