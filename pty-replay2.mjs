import xterm from "@xterm/headless";
import { readFileSync } from "node:fs";
const raw = readFileSync("/tmp/pty-raw.txt", "utf8");
const term = new xterm.Terminal({ cols: 80, rows: 30, scrollback: 5000, allowProposedApi: true });
const text = () => { const b = term.buffer.active; const l = []; for (let i = 0; i < b.length; i++) l.push(b.getLine(i).translateToString(true)); return l; };
const parts = raw.split(/(?=\x1b\[1G)/);
const upto = Number(process.argv[2]);
term.write(parts.slice(0, upto).join(""), () => { const b = term.buffer.active; console.log("len", b.length, "baseY", b.baseY, "cursorY", b.cursorY); console.log(text().map((l, i) => `${String(i).padStart(3)}|${l}`).join("\n")); });
