// The TypeScript seed's client app (see client-app.ts), as its own process: the supervisor starts it with the CLI's Node.
import { lineWriter } from "../../lib/log-line.js";
import { startClientApp } from "./client-app.js";

const port = Number(process.env.PATTERNS_CLIENT_APP_PORT ?? 5000);
const ingressUrl = process.env.PATTERNS_INGRESS_URL ?? "http://127.0.0.1:8080";
const log = lineWriter();
const server = await startClientApp({ port, ingressUrl, log });
log("info", `client app listening on 127.0.0.1:${port}, calling Restate at ${ingressUrl} (pid ${process.pid})`);

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 200).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
