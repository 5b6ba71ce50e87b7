#!/usr/bin/env node
// Keeps package-lock.json valid for `npm ci` on every platform.
//
// The registry mirror these machines use only carries the linux-x64 builds of some
// platform packages (Rollup's, for one). `npm install` then leaves the other
// platforms' optional packages out of the lock file, and `npm ci` refuses the lock
// ("Missing: … from lock file"). This adds an entry for each missing optional
// platform package, with its os/cpu/libc, so that npm ci skips it where it does not
// apply and fetches it where it does. Run after `npm install`: node scripts/lock-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const pkgs = lock.packages;

const OS = ["android", "darwin", "freebsd", "linux", "openbsd", "openharmony", "win32", "sunos", "aix", "netbsd"];
const CPU = { arm: "arm", arm64: "arm64", x64: "x64", ia32: "ia32", loong64: "loong64", ppc64: "ppc64", riscv64: "riscv64", s390x: "s390x" };

function platformOf(name) {
  const base = name.split("/").pop();
  const parts = base.split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  if (!os || !cpu) return undefined;
  const entry = { os: [os], cpu: [cpu] };
  if (os === "linux") {
    if (parts.some((p) => p.startsWith("musl"))) entry.libc = ["musl"];
    else if (parts.some((p) => p.startsWith("gnu"))) entry.libc = ["glibc"];
  }
  return entry;
}

// The keys in the order npm itself writes them (version, then cpu, dev, libc, optional, os): entries written in
// another order are rewritten by the next `npm install`, which then shows up as lock-file churn on a fresh clone.
function npmEntry(version, platform, dev) {
  const entry = { version, cpu: platform.cpu };
  if (dev) entry.dev = true;
  if (platform.libc) entry.libc = platform.libc;
  entry.optional = true;
  entry.os = platform.os;
  return entry;
}

let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  if (!path || !meta.optionalDependencies) continue;
  const prefix = path.slice(0, path.lastIndexOf("node_modules/"));
  for (const dep of Object.keys(meta.optionalDependencies)) {
    const target = `${prefix}node_modules/${dep}`;
    if (pkgs[target] || pkgs[`${path}/node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    pkgs[target] = npmEntry(meta.version, platform, meta.dev);
    added += 1;
  }
}

// npm orders the entries with an English locale compare; so do we, or the next install reorders them
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b, "en"))));
lock.packages = sorted;
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.error(`lock-platforms: added ${added} optional platform entr${added === 1 ? "y" : "ies"}`);
