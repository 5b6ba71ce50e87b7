// The entry point (bin/patterns.js imports it): answer `--version`, `--help` and the stack verbs without loading every
// verb when it can, else run the whole CLI; hand its exit code to the process.
import * as nodeModule from "node:module";

// V8's compiled code cached between runs (Node 22.1+): a CLI call spends much of its start-up compiling modules
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { quickAnswer, runAlone } = await import("./quick.js");
const quick = (await quickAnswer(process.argv)) ?? (await runAlone(process.argv));
process.exitCode = quick ?? (await (await import("./cli.js")).main(process.argv));
