// The playground's version and the restate-server version it runs, read from package.json files. Its own module, with
// node:fs only, so that `--version` loads nothing else (not even commander or the help layout).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package root, from dist/ or src/. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function packageVersion(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** "0.1.0 (restate-server 1.7.12)": the playground's version and the server it runs, read from package.json files. */
export function versionLine(): string {
  const own = packageVersion(path.join(root, "package.json")) ?? "unknown";
  const server = packageVersion(path.join(root, "node_modules", "@restatedev", "restate-server", "package.json"));
  return server ? `${own} (restate-server ${server})` : own;
}
