// The playground's own service: `playground/ping` proves the whole path (ingress → signed request → worker) works.
// `doctor` and the stack tests call it.
import * as restate from "@restatedev/restate-sdk";
import type { PatternGroup } from "../group.js";

const playground = restate.service({
  name: "playground",
  description: "Health of the playground itself (not a pattern)",
  handlers: {
    ping: async (ctx: restate.Context) => {
      const at = await ctx.run("read worker clock", () => new Date().toISOString());
      return { pong: true, workerPid: process.pid, node: process.versions.node, at };
    },
  },
});

export const group: PatternGroup = { services: [playground], subscriptions: [] };
