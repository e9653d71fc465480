// The front end on real ports: one node:http server per virtual homeserver on
// 127.0.0.1 (port, port+1, … in server order), reading each request whole (refusing
// bodies over REQUEST_BYTES_MAX with 413 M_TOO_LARGE without reading on) and writing
// the front end's answer. close() stops listening and drops open long-polls; drain() first
// waits for the requests being answered (while the clock still runs), so that a client's
// request is not cut off half-answered (ECONNRESET on its side).

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FrontEnd } from "./front-end.ts";
import { errorResponse, REQUEST_BYTES_MAX, type HttpResponse } from "./types.ts";

export interface Listening {
  /** Server name → its base URL. */
  urls: Map<string, string>;
  /**
   * Resolves once no request has been open for `quietMs` (a client may follow one answer
   * with another request), or after `maxMs` at most (a long-poll nobody ends stays open).
   */
  drain(options?: { quietMs?: number; maxMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_HOST = "127.0.0.1";

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > REQUEST_BYTES_MAX) {
        resolve(undefined);
        req.pause();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Serve every server of the front end's world; port 0 picks free ports. */
export async function serveOnPorts(frontEnd: FrontEnd, firstPort: number, host = DEFAULT_HOST): Promise<Listening> {
  const servers: Server[] = [];
  const urls = new Map<string, string>();
  let open = 0;
  let lastClosedAt = Date.now();
  const names = frontEnd.world.serverNames();
  try {
    for (const [i, name] of names.entries()) {
      const server = createServer((req, res) => {
        open++;
        res.on("close", () => {
          open--;
          lastClosedAt = Date.now();
        });
        void (async () => {
          const body = await readBody(req);
          const response: HttpResponse =
            body === undefined
              ? errorResponse(413, "M_TOO_LARGE", `the request body is over ${REQUEST_BYTES_MAX} bytes`)
              : await frontEnd.handle(name, {
                  method: req.method ?? "GET",
                  url: req.url ?? "/",
                  headers: { authorization: req.headers.authorization },
                  body,
                });
          if (body === undefined) res.setHeader("Connection", "close");
          res.writeHead(response.status, response.headers);
          res.end(response.body);
        })().catch((e: unknown) => {
          res.writeHead(500, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ errcode: "M_UNKNOWN", error: String(e) }));
        });
      });
      const port = await listen(server, firstPort === 0 ? 0 : firstPort + i, host);
      servers.push(server);
      urls.set(name, `http://${host}:${port}`);
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }
  return {
    urls,
    drain: async ({ quietMs = 50, maxMs = 1_000 } = {}) => {
      const deadline = Date.now() + maxMs;
      while (Date.now() < deadline && (open > 0 || Date.now() - lastClosedAt < quietMs))
        await new Promise((resolve) => setTimeout(resolve, 10));
    },
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
