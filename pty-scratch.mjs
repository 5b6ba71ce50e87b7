import { spawn } from "node:child_process";
import xterm from "@xterm/headless";
const cols = Number(process.env.PTY_COLS ?? 80);
const args = process.argv.slice(2);
const cmd = `stty cols ${cols} rows 30; exec ${[process.execPath, "dist/main.js", ...args].map((a) => JSON.stringify(a)).join(" ")}`;
const child = spawn("script", ["-qec", cmd, "/dev/null"], { env: { ...process.env, TERM: "xterm" }, stdio: ["pipe", "pipe", "pipe"] });
const term = new xterm.Terminal({ cols, rows: 30, scrollback: 5000, allowProposedApi: true });
let raw = "";
child.stdout.on("data", (d) => { raw += d; term.write(d); });
child.on("exit", (code) => {
  term.write("", () => {
    const b = term.buffer.active;
    const lines = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i).translateToString(true));
    console.log(lines.join("\n").replace(/\n+$/, ""));
    console.log(`--- exit ${code}, raw ${raw.length} bytes`);
    require_fs().writeFileSync("/tmp/pty-raw.txt", raw);
  });
});
function require_fs() { return globalThis.__fs; }
globalThis.__fs = await import("node:fs");
