// `prepare`: build. npm also runs it when the first `npx patterns` of a clone installs the project into npx's cache
// (npm 10+ does that to run a package's own bin); the build is already there then, and skipping it saves seconds.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const npx = process.env.npm_command === "exec";
if (!(npx && existsSync(path.join(root, "dist", "main.js")))) {
  execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
}
