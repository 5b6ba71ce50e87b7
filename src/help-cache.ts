// The declarations as data (names, arguments, options, help text; no code), saved beside the build the first time the
// whole CLI is loaded, so that `--help` at any level is answered without loading a verb, the SDK or the observation
// layer. The cache names the build it was made from and is ignored once the build is newer.
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { helpData } from "./commands/mount.js";
import type { Declaration } from "./commands/verb.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cacheFile = path.join(here, "help-cache.json");
/** rewritten by every build that changes anything (the build is incremental: unchanged files keep their dates) */
const buildMarkers = [path.join(here, ".tsbuildinfo"), path.join(here, "cli.js")];

interface HelpCache {
  build: number;
  declarations: Declaration[];
}

function buildStamp(): number | undefined {
  for (const marker of buildMarkers) {
    try {
      return statSync(marker).mtimeMs;
    } catch {
      /* the next one */
    }
  }
  return undefined;
}

/** The cached declarations of this build, or undefined (none yet, or made from an older build). */
export function readHelpCache(): Declaration[] | undefined {
  try {
    const cache = JSON.parse(readFileSync(cacheFile, "utf8")) as HelpCache;
    return cache.build === buildStamp() ? cache.declarations : undefined;
  } catch {
    return undefined;
  }
}

/** Save the declarations' data for this build when the cache is missing or stale; a read-only install just skips it. */
export function writeHelpCache(declarations: readonly Declaration[]): void {
  const build = buildStamp();
  if (build === undefined || readHelpCache()) return;
  try {
    // JSON keeps what help shows and drops what runs (run, render, parsers: a default is kept as help shows it)
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ build, declarations: helpData(declarations) }));
    renameSync(tmp, cacheFile);
  } catch {
    /* no cache: --help loads the verbs */
  }
}
