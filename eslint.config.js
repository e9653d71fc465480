// ESLint (flat config) for the whole repository: `npm run lint`.
// Rules that catch real problems, not taste: formatting is Prettier's job (`npm run
// format:check`), and the house rules on purity live in test/tidy.test.ts.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "dist-cli/", "node_modules/", "test-artifacts/", ".ci/out/", "bench/.bundle-*.mjs"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        // Type-aware rules (no-floating-promises) read the same projects `npm run typecheck` does.
        project: ["./tsconfig.node.json", "./viz/tsconfig.json", "./test/browser/tsconfig.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `_` marks a parameter or binding kept for its position or to drop it from a rest.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // An `any` needs `// eslint-disable-next-line @typescript-eslint/no-explicit-any` and a comment saying why.
      "@typescript-eslint/no-explicit-any": "error",
      // A promise nobody awaits loses its errors (the CLI's worker pool, the view's worker).
      "@typescript-eslint/no-floating-promises": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "TSAsExpression > TSNeverKeyword",
          message:
            "`as never` hides a type error: type the value honestly (tests may use it to build malformed input).",
        },
      ],
    },
  },
  {
    // JavaScript files are not in a TypeScript project.
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ["cli/**", "test/**", "bench/**", "examples/**", "*.js", "*.ts"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["viz/**", "test/browser/**"],
    languageOptions: { globals: globals.browser },
  },
  {
    // Tests build malformed values on purpose.
    files: ["test/**"],
    rules: { "no-restricted-syntax": "off" },
  },
);
