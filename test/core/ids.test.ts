import { describe, expect, it } from "vitest";
import {
  IdentifierError,
  isStrictUserLocalpart,
  parseEventId,
  parseKeyId,
  parseRoomId,
  parseServerName,
  parseUserId,
  serverOfUser,
} from "../../core/index.ts";

describe("identifier grammar", () => {
  it.each([
    "example.org",
    "example.org:8448",
    "1.2.3.4",
    "1.2.3.4:1234",
    "[1234:5678::abcd]",
    "[::1]:8448",
    "localhost",
  ])("accepts server name %s", (name) => expect(parseServerName(name)).toBe(name));

  it.each(["", "exa mple.org", "example.org:", "example.org:99999", "ex_ample.org", "[::1"])(
    "rejects server name %j",
    (name) => expect(() => parseServerName(name)).toThrow(IdentifierError),
  );

  it("parses user ids and finds their server", () => {
    const id = parseUserId("@alice:example.org:8448");
    expect(serverOfUser(id)).toBe("example.org:8448");
    // Historical ids may use upper case; new ones may not.
    expect(parseUserId("@Alice:hs1")).toBe("@Alice:hs1");
    expect(isStrictUserLocalpart("Alice")).toBe(false);
    expect(isStrictUserLocalpart("alice.b=c/d+e-f_g")).toBe(true);
  });

  it.each(["alice:hs", "@:hs", "@alice", "@al ice:hs", `@${"a".repeat(260)}:hs`])("rejects user id %j", (id) =>
    expect(() => parseUserId(id)).toThrow(IdentifierError),
  );

  it("parses both room id forms", () => {
    expect(parseRoomId("!abc:hs1")).toBe("!abc:hs1");
    const v12 = `!${"A".repeat(42)}_`;
    expect(parseRoomId(v12)).toBe(v12);
    expect(() => parseRoomId("!nocolon")).toThrow(/missing ':server'/);
    expect(() => parseRoomId("#alias:hs")).toThrow(/must start with '!'/);
  });

  it("parses event ids of every format, fixtures' readable ones included", () => {
    for (const id of ["$0:domain", "$abc+/def", "$abc-_def", "$00-create"]) expect(parseEventId(id)).toBe(id);
    expect(() => parseEventId("$")).toThrow(/empty/);
    expect(() => parseEventId("abc")).toThrow(/must start with '\$'/);
    expect(() => parseEventId("$a b")).toThrow(/printable ASCII/);
  });

  it("parses key ids", () => {
    expect(parseKeyId("ed25519:abc_1")).toBe("ed25519:abc_1");
    expect(() => parseKeyId("ed25519")).toThrow(/<algorithm>:<version>/);
    expect(() => parseKeyId("ed25519:a-b")).toThrow(IdentifierError);
  });
});
