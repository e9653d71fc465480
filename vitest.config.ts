import { defineConfig } from "vitest/config";

// `npm test`: everything that needs no browser. Browser tests live under test/browser/
// and run with `npm run test:browser`.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "node_modules/**"],
    // Speed is measured in `npm run bench`, never by a test: no test fails for being slow
    // on a loaded machine. The limit only stops a run that hangs.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
