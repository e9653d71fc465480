import { defineConfig } from "vitest/config";

// `npm test`: everything that needs no browser. Browser tests live under test/browser/
// and run with `npm run test:browser`.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "node_modules/**"],
  },
});
