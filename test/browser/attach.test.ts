// The web view attached to a world the real `netsplit serve` runs (docs/http.md): the
// page shows the served servers and follows the trace as a client acts over HTTP; a
// server that is not there is a message in the page, not an exception.

import { spawn } from "node:child_process";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite, launchChromium, serveSite, type Browser, type Site } from "../../bench/browser-harness.ts";
import { bin } from "../cli/cli.ts";
import { HANG_MS, screenshot, summary } from "./page-helpers.ts";

let site: Site;
let browser: Browser;
let serve: ReturnType<typeof spawn>;
let hs1 = "";

beforeAll(async () => {
  serve = spawn("node", [bin, "serve", "--port", "0", "--lockstep"], { stdio: ["ignore", "pipe", "pipe"] });
  const started = new Promise<string>((resolve, reject) => {
    let out = "";
    serve.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = /^hs1 (\S+)$/m.exec(out);
      if (line) resolve(line[1]!);
    });
    serve.on("exit", () => reject(new Error("netsplit serve exited before serving")));
  });
  await buildSite();
  site = await serveSite();
  browser = await launchChromium();
  hs1 = await started;
});

afterAll(async () => {
  serve?.kill("SIGINT");
  await browser?.close();
  await site?.close();
});

async function attachedPage(to: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(HANG_MS);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${site.url}?attach=${encodeURIComponent(to)}`);
  return { page, errors };
}

async function served(path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(hs1 + path, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe("the web view attached to a served world", () => {
  it("shows the served servers and follows the trace as a client acts", async () => {
    const { page, errors } = await attachedPage(hs1);
    const registered = await served("/_matrix/client/v3/register", {
      username: "dana",
      password: "pw",
      auth: { type: "m.login.dummy" },
    });
    await served("/_matrix/client/v3/createRoom", { name: "class" }, registered.access_token as string);
    const { traceRecords } = await served("/_netsplit/trace-hash");
    await page.waitForFunction(
      (n) =>
        (globalThis as unknown as { netsplit: { app: { model: { length: number } } } }).netsplit.app.model.length >= n,
      traceRecords as number,
    );
    const s = await summary(page);
    expect(s.viewOnly).toBe(true);
    expect(s.cursorSeq).toBe(s.records - 1);
    expect(Object.keys(s.widths).sort()).toEqual(["hs1", "hs2"]);
    expect(await page.textContent("#status")).toContain(`attached to ${hs1}`);
    await screenshot(page, "attached");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says so when the server cannot be reached", async () => {
    // Port 9 (discard) on the loopback: nothing listens there.
    const { page, errors } = await attachedPage("http://127.0.0.1:9");
    await page.waitForFunction(() => (document.getElementById("status")?.textContent ?? "").includes("cannot reach"));
    expect(await page.textContent("#status")).toContain("cannot reach the served world at http://127.0.0.1:9");
    expect(errors).toEqual([]);
    await page.close();
  });
});
