#!/usr/bin/env node
// The `netsplit` command. The CLI is TypeScript; tsx compiles it on the fly so that a
// fresh clone needs only `npm install`.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
