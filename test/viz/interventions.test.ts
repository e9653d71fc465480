// Clicks become the same timeline actions and partition specs a scenario file uses.
import { describe, expect, it } from "vitest";
import { buildPartition, partitionPairs } from "../../sim/partitions.ts";
import { composerAction, linkClickAction, powerAction, splitAction } from "../../viz/model/interventions.ts";
import { sidesOfLine } from "../../viz/model/split-line.ts";

describe("interventions from clicks", () => {
  it("a click on a link cuts it both ways, a click on a cut link heals it", () => {
    const cut = linkClickAction({ a: "hs1", b: "hs3", cutAB: null, cutBA: null }, "hold", 4073);
    expect(cut).toEqual({
      at: 4073,
      do: "partition",
      partition: { shape: "map", blocked: { hs1: ["hs3"], hs3: ["hs1"] }, mode: "hold" },
    });
    if (cut.do !== "partition") throw new Error("expected a partition");
    expect(partitionPairs(buildPartition(cut.partition, ["hs1", "hs2", "hs3"]))).toEqual([
      { from: "hs1", to: "hs3" },
      { from: "hs3", to: "hs1" },
    ]);
    expect(linkClickAction({ a: "hs1", b: "hs3", cutAB: null, cutBA: "drop" }, "drop", 9)).toEqual({
      at: 9,
      do: "repair",
      partition: { shape: "map", blocked: { hs1: ["hs3"], hs3: ["hs1"] } },
    });
  });

  it("a line across the network splits the servers by the side they lie on", () => {
    const servers = [
      { id: "hs1", x: 0, y: -10 },
      { id: "hs2", x: 10, y: 10 },
      { id: "hs3", x: -10, y: 10 },
    ];
    // A horizontal line through the middle: hs1 above, hs2 and hs3 below.
    const sides = sidesOfLine(servers, { x: -50, y: 0 }, { x: 50, y: 0 });
    expect(sides).toEqual([["hs1"], ["hs2", "hs3"]]);
    expect(sidesOfLine(servers, { x: 50, y: 0 }, { x: -50, y: 0 })).toEqual([["hs2", "hs3"], ["hs1"]]);
    expect(splitAction(sides, "drop", 5)).toEqual({
      at: 5,
      do: "partition",
      partition: { shape: "split", sides: [["hs1"], ["hs2", "hs3"]], mode: "drop" },
    });
    expect(splitAction(sidesOfLine(servers, { x: -50, y: 50 }, { x: 50, y: 50 }), "drop", 5)).toBeNull();
  });

  it("the power button crashes an up server and restarts a crashed one", () => {
    expect(powerAction("hs2", true, 1)).toEqual({ at: 1, do: "crash", server: "hs2" });
    expect(powerAction("hs2", false, 1)).toEqual({ at: 1, do: "restart", server: "hs2" });
  });

  it("the composer makes client actions, and says what is missing", () => {
    const base = { user: "@bob:hs2", room: "room" };
    expect(composerAction({ ...base, verb: "message", text: "hi" }, 7)).toEqual({
      at: 7,
      do: "message",
      user: "@bob:hs2",
      room: "room",
      body: "hi",
    });
    expect(composerAction({ ...base, verb: "topic", text: "t" }, 7)).toMatchObject({ do: "topic", topic: "t" });
    expect(composerAction({ ...base, verb: "ban", target: " @carol:hs3 " }, 7)).toMatchObject({
      do: "ban",
      target: "@carol:hs3",
    });
    expect(composerAction({ ...base, verb: "powerLevel", target: "@carol:hs3", level: 50 }, 7)).toMatchObject({
      do: "powerLevel",
      level: 50,
    });
    expect(composerAction({ ...base, verb: "join", via: ["hs1"] }, 7)).toEqual({
      at: 7,
      do: "join",
      user: "@bob:hs2",
      room: "room",
      via: ["hs1"],
    });
    expect(composerAction({ ...base, verb: "message", text: "" }, 7)).toBe("a message needs some text");
    expect(composerAction({ ...base, verb: "kick" }, 7)).toBe("kick needs a target user");
    expect(composerAction({ ...base, verb: "powerLevel", target: "@c:hs3", level: 1.5 }, 7)).toBe(
      "a power level needs a whole number",
    );
  });
});
