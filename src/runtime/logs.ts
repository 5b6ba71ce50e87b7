// Component logs: tail for failed starts and `logs`, follow for `logs -f` and `start --foreground`.
import { closeSync, existsSync, openSync, readSync, statSync, watch } from "node:fs";
import { lineCursor } from "../lib/ndjson.js";

export function tailFile(file: string, lines: number): string {
  if (!existsSync(file)) return "";
  const size = statSync(file).size;
  const chunk = Math.min(size, 64 * 1024 + lines * 512);
  const buf = Buffer.alloc(chunk);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buf, 0, chunk, size - chunk);
  } finally {
    closeSync(fd);
  }
  const all = buf.toString("utf8").split("\n");
  if (all[all.length - 1] === "") all.pop();
  return all.slice(-lines).join("\n");
}

/** Call onLine for every line appended to file from now on (or from `from`); returns a stop function. */
export function followFile(file: string, onLine: (line: string) => void, from?: number): () => void {
  const cursor = lineCursor(file, from);
  const pump = () => {
    for (const l of cursor.next()) onLine(l);
  };
  const timer = setInterval(pump, 200);
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(file, pump);
  } catch {
    /* polling is enough */
  }
  pump();
  return () => {
    clearInterval(timer);
    watcher?.close();
    pump();
  };
}
