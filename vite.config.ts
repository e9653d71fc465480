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
    // Loading a sim/ module does nothing but define its exports (the state machines it
    // builds at load time are plain values). Saying so lets the page's thread import a few
    // names through sim/index.ts while the rest of the engine stays in the worker's chunk.
    rolldownOptions: {
      treeshake: {
        moduleSideEffects: [
          { test: /[\\/]sim[\\/]/, sideEffects: false },
          { test: /[\\/]@xstate[\\/]fsm[\\/]/, sideEffects: false },
        ],
      },
    },
  },
  worker: { format: "es" },
  server: { port: 5173, open: false },
  preview: { port: 4173 },
});
