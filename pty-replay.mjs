import xterm from "@xterm/headless";
import { readFileSync } from "node:fs";
const raw = readFileSync("/tmp/pty-raw.txt", "utf8");
const term = new xterm.Terminal({ cols: 80, rows: 30, scrollback: 5000, allowProposedApi: true });
const text = () => { const b = term.buffer.active; const l = []; for (let i = 0; i < b.length; i++) l.push(b.getLine(i).translateToString(true)); return l.join("\n"); };
// feed in chunks split at ESC[?25l / spinner frames, find when "The guarantee" disappears
const parts = raw.split(/(?=\x1b\[1G)/);
let i = 0;
const step = () => {
  if (i >= parts.length) return;
  term.write(parts[i], () => {
    if (!text().includes("The guarantee")) {
      console.log("gone after part", i, JSON.stringify(parts.slice(Math.max(0, i - 3), i + 1).join("")).replace(/\\u001b/g, "⎋").slice(0, 3000));
      return;
    }
    i++; step();
  });
};
step();
