// What every browser test file sets up the same way: the production site built and served
// once, one Chromium for the file, and a fresh page per test whose errors are collected and
// must be none when the test ends (the page is then closed).

import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { buildSite, launchChromium, serveSite, type Browser, type Site } from "../../bench/browser-harness.ts";

export interface ChromiumPerFile {
  /** The served site (set once the file's beforeAll has run). */
  readonly site: Site;
  /**
   * A new page for the current test. Uncaught page errors are collected; with
   * `consoleErrors`, so are console.error lines.
   */
  newPage(options?: { consoleErrors?: boolean }): Promise<Page>;
}

export function chromiumPerFile(viewport?: { width: number; height: number }): ChromiumPerFile {
  let site: Site | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let errors: string[] = [];

  beforeAll(async () => {
    await buildSite();
    site = await serveSite();
    browser = await launchChromium(viewport);
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  afterEach(async () => {
    expect(errors, "errors in the page").toEqual([]);
    await page?.close();
  });

  return {
    get site(): Site {
      if (!site) throw new Error("the site is served in beforeAll: use it inside a test");
      return site;
    },
    async newPage(options = {}): Promise<Page> {
      if (!browser) throw new Error("Chromium starts in beforeAll: open pages inside a test");
      const p = await browser.context.newPage();
      const collected: string[] = [];
      p.on("pageerror", (e) => collected.push(e.message));
      if (options.consoleErrors)
        p.on("console", (m) => {
          if (m.type() === "error") collected.push(m.text());
        });
      page = p;
      errors = collected;
      return p;
    },
  };
}
