#!/usr/bin/env node
// The `netsplit` command. The CLI is TypeScript; tsx compiles it on the fly so that a
// fresh clone needs only `npm install`.
import { register } from "tsx/esm/api";

register();
// `netsplit sweep … | head`: a reader that goes away is not an error worth a stack trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
