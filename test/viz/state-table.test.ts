// The state table: each server's current state of the room, disagreements flagged.
import { describe, expect, it } from "vitest";
import { stateTableAt } from "../../viz/model/state-table.ts";
import { TraceModel } from "../../viz/model/trace-model.ts";
import { Records, stored, summary } from "./records.ts";

describe("stateTableAt", () => {
  it("folds state.resolved per server and flags the keys where servers disagree", () => {
    const r = new Records().start(["hs1", "hs2", "hs3"]);
    r.add(
      stored(
        "pdu.created",
        "hs1",
        "$t1",
        summary({ type: "m.room.topic", stateKey: "", prevEvents: [], content: { topic: "north" } }),
      ),
    );
    r.add(
      stored(
        "pdu.created",
        "hs3",
        "$t3",
        summary({ type: "m.room.topic", stateKey: "", prevEvents: [], content: { topic: "south" } }),
      ),
    );
    const set = (server: string, changed: Array<[string, string, string | null, string | null]>) =>
      r.add({
        kind: "state.resolved",
        server,
        room: "!r:hs1",
        extremities: [],
        changed: changed.map(([type, stateKey, before, after]) => ({ type, stateKey, before, after })),
      });
    for (const s of ["hs1", "hs2", "hs3"])
      set(s, [
        ["m.room.member", "@alice:hs1", null, "$join"],
        ["m.room.create", "", null, "$create"],
      ]);
    set("hs1", [["m.room.topic", "", null, "$t1"]]);
    set("hs2", [["m.room.topic", "", null, "$t1"]]);
    set("hs3", [["m.room.topic", "", null, "$t3"]]);
    const model = new TraceModel(r.list);
    const t = stateTableAt(model.liveAt(r.list.length - 1), "!r:hs1", (id) => model.events.get(id));
    expect(t.servers).toEqual(["hs1", "hs2", "hs3"]);
    expect(t.rows.map((row) => [row.label, row.disagree])).toEqual([
      ["m.room.create", false],
      ["m.room.topic", true],
      ["m.room.member @alice:hs1", false],
    ]);
    expect(t.rows[1]!.cells).toEqual({
      hs1: { eventId: "$t1", text: "“north”" },
      hs2: { eventId: "$t1", text: "“north”" },
      hs3: { eventId: "$t3", text: "“south”" },
    });
    expect(t.divergent).toEqual({ hs1: ["hs3"], hs2: ["hs3"], hs3: ["hs1", "hs2"] });
    // Before the topics, nobody differs.
    const before = stateTableAt(model.liveAt(5), "!r:hs1", (id) => model.events.get(id));
    expect(before.divergent).toEqual({ hs1: [], hs2: [], hs3: [] });
    expect(before.rows.every((row) => !row.disagree)).toBe(true);
  });

  it("shows a key a server lacks as missing, and removes keys whose event went away", () => {
    const r = new Records().start(["hs1", "hs2"]);
    r.add({
      kind: "state.resolved",
      server: "hs1",
      room: "!r:hs1",
      extremities: [],
      changed: [
        { type: "m.room.name", stateKey: "", before: null, after: "$n" },
        { type: "m.room.create", stateKey: "", before: null, after: "$c" },
      ],
    });
    r.add({
      kind: "state.resolved",
      server: "hs2",
      room: "!r:hs1",
      extremities: [],
      changed: [{ type: "m.room.create", stateKey: "", before: null, after: "$c" }],
    });
    const model = new TraceModel(r.list);
    const t = stateTableAt(model.liveAt(2), "!r:hs1", () => undefined);
    expect(t.rows.find((row) => row.type === "m.room.name")!.cells.hs2).toBeNull();
    r.add({
      kind: "state.resolved",
      server: "hs1",
      room: "!r:hs1",
      extremities: [],
      changed: [{ type: "m.room.name", stateKey: "", before: "$n", after: null }],
    });
    const after = stateTableAt(new TraceModel(r.list).liveAt(3), "!r:hs1", () => undefined);
    expect(after.rows.map((row) => row.type)).toEqual(["m.room.create"]);
    expect(after.divergent).toEqual({ hs1: [], hs2: [] });
    expect(stateTableAt(model.liveAt(2), null, () => undefined)).toEqual({
      room: null,
      servers: [],
      rows: [],
      divergent: {},
    });
  });
});
