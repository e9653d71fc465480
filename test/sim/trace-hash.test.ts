// The trace hash is SHA-256 over the UTF-8 bytes of the trace's JSON Lines, however
// traceHash() gets there (a long trace is costly to join into one string first): here the
// bytes are made the plain way, with Node's own encoder and hash, and must give the same hash.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { Trace, traceHash, traceToJsonLines } from "../../sim/trace.ts";

function plainHash(text: string): string {
  return createHash("sha256").update(Buffer.from(text, "utf8")).digest("base64").replace(/=+$/, "");
}

function traceOf(texts: readonly string[]): Trace {
  let now = 0;
  const trace = new Trace(() => now++);
  for (const text of texts) trace.add({ kind: "note", text });
  return trace;
}

describe("traceHash", () => {
  it("is SHA-256 of the JSON Lines' UTF-8, for an empty trace, text beyond ASCII and escapes", () => {
    for (const texts of [[], ["plain"], ["é 漢字 🙂", '\\"quoted"\n']]) {
      const records = traceOf(texts).all();
      expect(traceHash(records, nodeCrypto)).toBe(plainHash(traceToJsonLines(records)));
    }
  });

  it("stays equal when the records outgrow the first buffer many times over", () => {
    const texts = Array.from({ length: 3000 }, (_, i) => `${"🙂".repeat(i % 50)} line ${i} ${"x".repeat(i % 300)}`);
    const records = traceOf(texts).all();
    expect(traceToJsonLines(records).length).toBeGreaterThan(4 * 65536);
    expect(traceHash(records, nodeCrypto)).toBe(plainHash(traceToJsonLines(records)));
  });
});

describe("Trace.add", () => {
  it("stamps every record with its sequence number and time, whether its literal names the stamps (as zeros) or not", () => {
    let now = 40;
    const trace = new Trace(() => (now += 5));
    trace.add({ kind: "note", text: "no stamps named" });
    trace.add({ kind: "net.delivered", seq: 0, atMs: 0, msg: 7, from: "hs1", to: "hs2", what: "PUT /x" });
    trace.add({ kind: "note", text: "no stamps named again" });
    expect(trace.all().map((r) => [r.seq, r.atMs])).toEqual([
      [0, 45],
      [1, 50],
      [2, 55],
    ]);
    expect(traceToJsonLines(trace.all()).split("\n")[1]).toBe(
      '{"atMs":50,"from":"hs1","kind":"net.delivered","msg":7,"seq":1,"to":"hs2","what":"PUT /x"}',
    );
  });
});
