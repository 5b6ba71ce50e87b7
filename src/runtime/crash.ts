// CLI side of one-shot crash injection (`--crash-after <step>`, `kill-worker --at-step <step>`).
import { writeFileSync } from "node:fs";
import type { StatePaths } from "./paths.js";
import type { CrashArm } from "../services/lib/crash.js";

export function armCrash(paths: StatePaths, arm: CrashArm): void {
  writeFileSync(paths.crashArm, JSON.stringify(arm));
}
