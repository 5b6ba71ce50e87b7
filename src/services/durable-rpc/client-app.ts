// The TypeScript seed's Express client app (durablerpc/express_app.ts), as a small HTTP server the supervisor runs
// as a component on 127.0.0.1 (default port 5000, like the seed): `POST /reserve/:productId/:reservationId` calls
// product/{productId}/reserve through the typed ingress client, with the reservation id as the idempotency key, and
// answers `true` or `false` like the seed. Plain node:http: one route does not need Express.
import http from "node:http";
import { lineWriter, type LogLevel } from "../../lib/log-line.js";
import * as clients from "@restatedev/restate-sdk-clients";
import type { ProductService } from "./product.js";
import { PRODUCT } from "./api.js";

/** `/reserve/<productId>/<reservationId>` → its two segments; undefined for any other path. Pure. */
export function reserveRoute(url: string): { productId: string; reservationId: string } | undefined {
  const pathname = url.split("?")[0] ?? "";
  const m = /^\/reserve\/([^/]+)\/([^/]+)\/?$/.exec(pathname);
  if (!m) return undefined;
  try {
    const productId = decodeURIComponent(m[1]!);
    const reservationId = decodeURIComponent(m[2]!);
    return productId && reservationId ? { productId, reservationId } : undefined;
  } catch {
    return undefined;
  }
}

export function startClientApp(opts: { port: number; ingressUrl: string; host?: string; log?: (level: LogLevel, line: string) => void }): Promise<http.Server> {
  const log = opts.log ?? lineWriter();
  const rs = clients.connect({ url: opts.ingressUrl });
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const route = reserveRoute(req.url ?? "");
    if (!route) return reply(404, { error: "not found: POST /reserve/<productId>/<reservationId>" });
    if (req.method !== "POST") return reply(405, { error: "use POST /reserve/<productId>/<reservationId>" });
    req.resume();
    const product = rs.objectClient<ProductService>({ name: PRODUCT }, route.productId);
    Promise.resolve(product.reserve(clients.Opts.from({ idempotencyKey: route.reservationId })))
      .then((reserved: boolean) => {
        log("info", `reserve ${route.productId} ${route.reservationId} → ${reserved}`);
        reply(200, reserved);
      })
      .catch((e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        log("warn", `reserve ${route.productId} ${route.reservationId} failed: ${message}`);
        reply(502, { error: message });
      });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve(server));
  });
}
