// One endpoint serving every pattern, on 127.0.0.1 only, verifying Restate's request signatures.
import * as http2 from "node:http2";
import * as restate from "@restatedev/restate-sdk";
import { allServices } from "./catalog.js";
import { stepLogHooks } from "./lib/steplog.js";
import { crashHook } from "./lib/crash.js";
import { onceWhile, workerLogger } from "./lib/log-lines.js";

export interface EndpointOptions {
  port: number;
  host?: string;
  /** publickeyv1_… ids; without them every request is refused (we never run unsigned) */
  identityKeys: string[];
  stepLog?: string;
  crashArmFile?: string;
}

export function startEndpoint(opts: EndpointOptions): Promise<http2.Http2Server> {
  if (opts.identityKeys.length === 0) throw new Error("refusing to serve without request-identity keys");
  // The SDK's Node handler builds two request handlers (HTTP/2 and HTTP/1.1), and each announces "Validating requests
  // using signing keys […]" as it is built: while it builds them, a line repeated verbatim is written once.
  let building = true;
  const handler = restate.createEndpointHandler({
    services: allServices,
    identityKeys: opts.identityKeys,
    // the SDK's log events in the shape of the other components' logs (time, level, invocation, message)
    logger: onceWhile(() => building, workerLogger()),
    defaultServiceOptions: {
      hooks: [stepLogHooks(opts.stepLog, crashHook(opts.crashArmFile))],
    },
  });
  building = false;
  const server = http2.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve(server));
  });
}
