// netsplit's version, from package.json (for --version and a sweep's key file).
import { readFileSync } from "node:fs";

export function netsplitVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
