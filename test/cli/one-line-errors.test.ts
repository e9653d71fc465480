// Found by `npm run fuzz` (seed 13200): a scenario file holding "\u0000\n" made JSON.parse
// quote the bad text, newline and all, into the message, so exit 2 came with two lines.
// Every usage message is printed as one line, its control characters escaped.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { oneLine } from "../../cli/main.ts";
import { cli, expectOneLineError, tempDir } from "./cli.ts";

describe("usage errors are one line", () => {
  it("a scenario file whose bad JSON holds a newline and a NUL", async () => {
    const file = join(tempDir(), "s.json");
    writeFileSync(file, "\u0000\n");
    const r = await cli("run", file);
    expectOneLineError(r, /not valid JSON .*\\u0000\\u000a/);
  });

  it("oneLine escapes every control character and leaves the rest", () => {
    expect(oneLine("a\nb\tc\u007f — é")).toBe("a\\u000ab\\u0009c\\u007f — é");
  });
});
