import { describe, expect, it } from "vitest";
import { defineRoomVersion, parseRoomVersion, ROOM_VERSIONS, UnknownRoomVersionError } from "../../core/index.ts";

// Expected values from the table in shared/spec/README.md §1.1, itself from
// matrix-org/matrix-spec content/rooms/v1.md … v12.md.
describe("room version table", () => {
  it("has versions 1 to 12, all stable", () => {
    expect(Object.keys(ROOM_VERSIONS).sort((a, b) => Number(a) - Number(b))).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "10",
      "11",
      "12",
    ]);
    for (const v of Object.values(ROOM_VERSIONS)) expect(v.stable).toBe(true);
  });

  const flag = (pick: (id: string) => unknown) => Object.keys(ROOM_VERSIONS).map((id) => [id, pick(id)]);
  const expectVersions = (pick: (id: string) => unknown, trueFor: string[]) => {
    for (const [id, value] of flag(pick)) expect([id, value]).toEqual([id, trueFor.includes(id as string)]);
  };

  it("event id formats", () => {
    const fmt = (id: string) => parseRoomVersion(id).eventIdFormat;
    expect(["1", "2"].map(fmt)).toEqual(["opaque", "opaque"]);
    expect(fmt("3")).toBe("base64");
    for (const id of ["4", "5", "6", "7", "8", "9", "10", "11", "12"]) expect(fmt(id)).toBe("base64url");
  });

  it("state resolution algorithms: v1, then v2; v12's v2.1 is v2 with both MSC4297 changes", () => {
    expect(parseRoomVersion("1").stateRes).toBe("v1");
    for (const id of ["2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"])
      expect(parseRoomVersion(id).stateRes).toBe("v2");
    expectVersions((id) => parseRoomVersion(id).stateResRules.checksStartFromEmptyState, ["12"]);
    expectVersions((id) => parseRoomVersion(id).stateResRules.fullConflictedSetIncludesSubgraph, ["12"]);
  });

  it("auth-rule variants", () => {
    expectVersions((id) => parseRoomVersion(id).auth.specialCaseAliases, ["1", "2", "3", "4", "5"]);
    expectVersions((id) => parseRoomVersion(id).auth.redactionAuthRule, ["1", "2"]);
    expectVersions((id) => parseRoomVersion(id).auth.enforceKeyValidity, ["5", "6", "7", "8", "9", "10", "11", "12"]);
    expectVersions((id) => parseRoomVersion(id).auth.knocking, ["7", "8", "9", "10", "11", "12"]);
    expectVersions((id) => parseRoomVersion(id).auth.restrictedJoinRule, ["8", "9", "10", "11", "12"]);
    expectVersions((id) => parseRoomVersion(id).auth.knockRestrictedJoinRule, ["10", "11", "12"]);
    expectVersions((id) => parseRoomVersion(id).auth.integerPowerLevels, ["10", "11", "12"]);
    expectVersions(
      (id) => parseRoomVersion(id).auth.createRequiresCreator,
      ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
    );
    expectVersions((id) => parseRoomVersion(id).auth.privilegedCreators, ["12"]);
    expectVersions((id) => parseRoomVersion(id).auth.roomIdFromCreateEvent, ["12"]);
    expectVersions((id) => parseRoomVersion(id).redactsInContent, ["11", "12"]);
    expectVersions((id) => parseRoomVersion(id).strictCanonicalJson, ["6", "7", "8", "9", "10", "11", "12"]);
  });

  it("redaction-rule variants", () => {
    const r = (id: string) => parseRoomVersion(id).redaction;
    expectVersions((id) => r(id).keepsOriginMembershipPrevState, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expectVersions((id) => r(id).aliasesKeepsAliases, ["1", "2", "3", "4", "5"]);
    expectVersions((id) => r(id).joinRulesKeepsAllow, ["8", "9", "10", "11", "12"]);
    expectVersions((id) => r(id).memberKeepsJoinAuthorisedVia, ["9", "10", "11", "12"]);
    expectVersions((id) => r(id).createKeepsAllContent, ["11", "12"]);
  });

  it("records are frozen so no caller can change the spec's versions", () => {
    expect(Object.isFrozen(parseRoomVersion("11"))).toBe(true);
    expect(Object.isFrozen(parseRoomVersion("11").auth)).toBe(true);
  });

  it("names the known versions when asked for an unknown one", () => {
    expect(() => parseRoomVersion("13")).toThrow(/unknown room version "13": known are 1, 2, .*12/);
    expect(() => parseRoomVersion("13")).toThrow(UnknownRoomVersionError);
  });
});

describe("custom room versions", () => {
  it("take the flags of a base version with some changed", () => {
    const v = defineRoomVersion("org.example.nostring", parseRoomVersion("9"), { auth: { integerPowerLevels: true } });
    expect(v.auth.integerPowerLevels).toBe(true);
    expect(v.auth.restrictedJoinRule).toBe(true);
    expect(v.stable).toBe(false);
    expect(Object.isFrozen(v.auth)).toBe(true);
  });

  it("take either v2.1 change alone, on top of v2", () => {
    const emptyStart = defineRoomVersion("test.empty-start", parseRoomVersion("11"), {
      stateResRules: { checksStartFromEmptyState: true },
    });
    expect(emptyStart.stateResRules).toEqual({
      checksStartFromEmptyState: true,
      fullConflictedSetIncludesSubgraph: false,
    });
    const subgraph = defineRoomVersion("test.subgraph", parseRoomVersion("11"), {
      stateResRules: { fullConflictedSetIncludesSubgraph: true },
    });
    expect(subgraph.stateResRules).toEqual({
      checksStartFromEmptyState: false,
      fullConflictedSetIncludesSubgraph: true,
    });
    expect(() =>
      defineRoomVersion("test.v1-subgraph", parseRoomVersion("1"), {
        stateResRules: { fullConflictedSetIncludesSubgraph: true },
      }),
    ).toThrow(/apply to state resolution v2, not v1/);
  });

  it("are values: no id outside the spec's resolves to one", () => {
    const v = defineRoomVersion("test.v21-on-v11", parseRoomVersion("11"), {
      stateResRules: { checksStartFromEmptyState: true },
    });
    expect(v.id).toBe("test.v21-on-v11");
    expect(() => parseRoomVersion("test.v21-on-v11")).toThrow(UnknownRoomVersionError);
    expect(() => defineRoomVersion("13", parseRoomVersion("11"), {})).toThrow(/reserved/);
    expect(() => defineRoomVersion("Bad Id", parseRoomVersion("11"), {})).toThrow(/a-z 0-9/);
  });
});
