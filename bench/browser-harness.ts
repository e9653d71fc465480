// What the browser tests and the browser benchmark share: build the web view (the
// production bundle, as `npm run build` makes it), serve dist/ under a sub-directory
// with a tiny static server (the site must work from any directory: relative paths
// only), and launch Debian's Chromium through playwright-core with a fresh profile.

import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { build } from "vite";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DIST = join(ROOT, "dist");
/** The site is served from here, not from "/": proof that its paths are relative. */
export const MOUNT = "/some/dir/netsplit/";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** `readable`: keep names (no minifying), so a CPU profile names the page's functions. */
export async function buildSite(readable = false): Promise<void> {
  await build({
    configFile: join(ROOT, "vite.config.ts"),
    logLevel: "warn",
    ...(readable ? { build: { minify: false } } : {}),
  });
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

export interface Site {
  url: string;
  close(): Promise<void>;
}

export async function serveSite(dir = DIST): Promise<Site> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    if (!path.startsWith(MOUNT)) {
      res.writeHead(404).end("not here");
      return;
    }
    const rel = normalize(path.slice(MOUNT.length) || "index.html");
    const file = resolve(dir, rel);
    if (!file.startsWith(resolve(dir))) {
      res.writeHead(403).end();
      return;
    }
    try {
      const target = statSync(file).isDirectory() ? join(file, "index.html") : file;
      res
        .writeHead(200, { "content-type": TYPES[extname(target)] ?? "application/octet-stream" })
        .end(readFileSync(target));
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${MOUNT}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1440, height: 1100 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "netsplit-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
