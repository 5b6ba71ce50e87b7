#!/usr/bin/env node
// Thin launcher: check what the CLI needs before loading anything — Node 22 (the SDK needs Promise.withResolvers),
// which the project pins as a dev dependency, and the build in dist/ — naming the fix for each, then run the CLI.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pinnedNode = path.join(root, "node_modules", "node", "bin", "node");
const built = path.join(root, "dist", "main.js");
const [major] = process.versions.node.split(".").map(Number);
const refuse = (why, fix) => {
  process.stderr.write(`error: ${why}\nfix: ${fix}\n`);
  process.exit(1);
};
if (major < 22 && !existsSync(pinnedNode)) {
  refuse(
    `patterns needs Node 22 or newer (this is Node ${process.versions.node}), and the project's pinned Node 22 is not installed (npm ran with install scripts off?)`,
    `in ${root}: \`npm rebuild node && npm run build\`, then \`npx patterns …\` again`,
  );
}
if (major < 22) {
  refuse(
    `patterns needs Node 22 or newer (this is Node ${process.versions.node})`,
    "run it through npm so the project's pinned Node 22 is used: `npx patterns …` or `npm run …` from the project folder",
  );
}
if (!existsSync(built)) {
  refuse(`the CLI is not built (${built} is missing; npm ran with install scripts off?)`, `in ${root}: \`npm rebuild node && npm run build\``);
}
// A reader that went away (`patterns … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}
// Cache V8's compiled code between runs (Node 22.1+): a CLI call spends most of its start-up compiling modules.
const { enableCompileCache } = await import("node:module");
enableCompileCache?.();
await import("../dist/main.js");
