import { defineConfig } from "vitest/config";

// `npm run test:browser`: the web view in real headless Chromium (test/browser/). Each
// file builds the site and launches the browser itself; files run one after another.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    fileParallelism: false,
    // No test fails for being slow; the limit only stops a run that hangs.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
