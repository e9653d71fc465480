#!/usr/bin/env node
// The `netsplit` command. The CLI is TypeScript; tsx compiles it on the fly so that a
// fresh clone needs only `npm install`.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
