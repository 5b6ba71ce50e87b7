#!/usr/bin/env node
// Thin launcher: refuse old Node before loading anything (the SDK needs Promise.withResolvers), then run the built CLI.
const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  process.stderr.write(
    `patterns needs Node 22 or newer (this is Node ${process.versions.node}). ` +
      "Run it through npm so the project's pinned Node 22 is used: `npx patterns …` or `npm run …` from the project folder.\n",
  );
  process.exit(1);
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
