import { describe, expect, it } from "vitest";
import { defineRoomVersion, getRoomVersion, registerRoomVersion, ROOM_VERSIONS, toRoomVersion } from "../../core/index.ts";

// Expected values from the table in shared/spec/README.md §1.1, itself from
// matrix-org/matrix-spec content/rooms/v1.md … v12.md.
describe("room version table", () => {
  it("has versions 1 to 12, all stable", () => {
    expect(Object.keys(ROOM_VERSIONS).sort((a, b) => Number(a) - Number(b))).toEqual(
      ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"],
    );
    for (const v of Object.values(ROOM_VERSIONS)) expect(v.stable).toBe(true);
  });

  const flag = (pick: (id: string) => unknown) => Object.keys(ROOM_VERSIONS).map((id) => [id, pick(id)]);
  const expectVersions = (pick: (id: string) => unknown, trueFor: string[]) => {
    for (const [id, value] of flag(pick)) expect([id, value]).toEqual([id, trueFor.includes(id as string)]);
  };

  it("event id formats", () => {
    const fmt = (id: string) => getRoomVersion(id).eventIdFormat;
    expect(["1", "2"].map(fmt)).toEqual(["opaque", "opaque"]);
    expect(fmt("3")).toBe("base64");
    for (const id of ["4", "5", "6", "7", "8", "9", "10", "11", "12"]) expect(fmt(id)).toBe("base64url");
  });

  it("state resolution algorithms", () => {
    expect(getRoomVersion("1").stateRes).toBe("v1");
    for (const id of ["2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]) expect(getRoomVersion(id).stateRes).toBe("v2");
    expect(getRoomVersion("12").stateRes).toBe("v2.1");
  });

  it("auth-rule variants", () => {
    expectVersions((id) => getRoomVersion(id).auth.specialCaseAliases, ["1", "2", "3", "4", "5"]);
    expectVersions((id) => getRoomVersion(id).auth.redactionAuthRule, ["1", "2"]);
    expectVersions((id) => getRoomVersion(id).auth.enforceKeyValidity, ["5", "6", "7", "8", "9", "10", "11", "12"]);
    expectVersions((id) => getRoomVersion(id).auth.knocking, ["7", "8", "9", "10", "11", "12"]);
    expectVersions((id) => getRoomVersion(id).auth.restrictedJoinRule, ["8", "9", "10", "11", "12"]);
    expectVersions((id) => getRoomVersion(id).auth.knockRestrictedJoinRule, ["10", "11", "12"]);
    expectVersions((id) => getRoomVersion(id).auth.integerPowerLevels, ["10", "11", "12"]);
    expectVersions((id) => getRoomVersion(id).auth.createRequiresCreator, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expectVersions((id) => getRoomVersion(id).auth.privilegedCreators, ["12"]);
    expectVersions((id) => getRoomVersion(id).auth.roomIdFromCreateEvent, ["12"]);
    expectVersions((id) => getRoomVersion(id).redactsInContent, ["11", "12"]);
    expectVersions((id) => getRoomVersion(id).strictCanonicalJson, ["6", "7", "8", "9", "10", "11", "12"]);
  });

  it("redaction-rule variants", () => {
    const r = (id: string) => getRoomVersion(id).redaction;
    expectVersions((id) => r(id).keepsOriginMembershipPrevState, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expectVersions((id) => r(id).aliasesKeepsAliases, ["1", "2", "3", "4", "5"]);
    expectVersions((id) => r(id).joinRulesKeepsAllow, ["8", "9", "10", "11", "12"]);
    expectVersions((id) => r(id).memberKeepsJoinAuthorisedVia, ["9", "10", "11", "12"]);
    expectVersions((id) => r(id).createKeepsAllContent, ["11", "12"]);
  });

  it("records are frozen so no caller can change the spec's versions", () => {
    expect(Object.isFrozen(getRoomVersion("11"))).toBe(true);
    expect(Object.isFrozen(getRoomVersion("11").auth)).toBe(true);
  });

  it("names the known versions when asked for an unknown one", () => {
    expect(() => getRoomVersion("13")).toThrow(/unknown room version "13": known are 1, 2, .*12/);
  });
});

describe("custom room versions", () => {
  it("take the flags of a base version with some changed", () => {
    const v = defineRoomVersion("org.example.nostring", "9", { auth: { integerPowerLevels: true } });
    expect(v.auth.integerPowerLevels).toBe(true);
    expect(v.auth.restrictedJoinRule).toBe(true);
    expect(v.stable).toBe(false);
    expect(toRoomVersion(v)).toBe(v);
  });

  it("can be registered under a non-reserved id", () => {
    const v = defineRoomVersion("test.v21-on-v11", "11", { stateRes: "v2.1" });
    registerRoomVersion(v);
    expect(getRoomVersion("test.v21-on-v11").stateRes).toBe("v2.1");
    expect(() => defineRoomVersion("13", "11", {})).toThrow(/reserved/);
    expect(() => defineRoomVersion("Bad Id", "11", {})).toThrow(/a-z 0-9/);
    expect(() => registerRoomVersion({ ...getRoomVersion("11"), id: "11" })).toThrow(/defined by the spec/);
  });
});
