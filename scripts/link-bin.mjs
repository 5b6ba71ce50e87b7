// Put the project's own `patterns` bin into node_modules/.bin after install (run by `prepare`). npm links the bins of
// dependencies there, never the root package's; without the link, the first `npx patterns` in a fresh clone installs
// the project into npx's cache and rebuilds it (6–8 s) before running it.
import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const binDir = path.join(root, "node_modules", ".bin");
const link = path.join(binDir, "patterns");
if (existsSync(path.join(root, "node_modules"))) {
  mkdirSync(binDir, { recursive: true });
  try {
    if (lstatSync(link)) unlinkSync(link);
  } catch {
    /* not there yet */
  }
  symlinkSync(path.join("..", "..", "bin", "patterns.js"), link);
}
