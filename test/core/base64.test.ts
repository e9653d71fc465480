import { describe, expect, it } from "vitest";
import { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url } from "../../core/index.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("unpadded base64", () => {
  // The spec's examples (appendices, "Unpadded Base64").
  it.each([
    ["", ""],
    ["f", "Zg"],
    ["fo", "Zm8"],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg"],
    ["fooba", "Zm9vYmE"],
    ["foobar", "Zm9vYmFy"],
  ])("encodes %j as %j and back", (text, encoded) => {
    expect(encodeBase64(bytes(text))).toBe(encoded);
    expect(decodeBase64(encoded)).toEqual(bytes(text));
  });

  it("accepts padded input", () => {
    expect(decodeBase64("Zg==")).toEqual(bytes("f"));
    expect(decodeBase64("Zm8=")).toEqual(bytes("fo"));
  });

  it("uses - and _ in the URL-safe alphabet", () => {
    const data = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(encodeBase64(data)).toBe("+/+/");
    expect(encodeBase64Url(data)).toBe("-_-_");
    expect(decodeBase64Url("-_-_")).toEqual(data);
  });

  it.each(["Zm9v!", "Z", "Zg=", "Z===", "-_-_"])("rejects %j in the standard alphabet", (text) => {
    expect(() => decodeBase64(text)).toThrow(/invalid base64/);
  });

  it("rejects standard characters in the URL-safe alphabet", () => {
    expect(() => decodeBase64Url("+/+/")).toThrow(/invalid URL-safe base64/);
  });
});
