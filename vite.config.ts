// The web view (viz/): `npm start` serves it, `npm run build` writes a static site to
// dist/ with relative paths, so it works from any directory of any web server.

import { defineConfig } from "vite";

export default defineConfig({
  root: "viz",
  base: "./",
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    // The engine's worker is most of the code; a warning about its size says nothing new.
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: "es" },
  server: { port: 5173, open: false },
  preview: { port: 4173 },
});
