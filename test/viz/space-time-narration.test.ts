// What a walkthrough note marks on the space-time diagram (viz/model/space-time-narration.ts):
// the lanes of its servers, the transactions along its links from the note on (one in the
// air at the note included, one finished before it not), the dots of its events; on
// hand-made records, and on netsplit-heal's split, whose marked transactions must all
// cross the split.

import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { findScenario } from "../../scenarios/index.ts";
import { LiveRun } from "../../viz/engine/live-run.ts";
import { litBy, namedIn } from "../../viz/model/narration.ts";
import { spaceTimeAt } from "../../viz/model/space-time.ts";
import {
  arrowLit,
  countLit,
  describeSpaceTimeLit,
  dotLit,
  NOTHING_LIT,
  pairKey,
  spaceTimeLit,
} from "../../viz/model/space-time-narration.ts";
import { TraceModel } from "../../viz/model/trace-model.ts";
import { viewModelAt } from "../../viz/model/view-model.ts";
import { Records, stored, summary } from "./records.ts";

const SERVERS = ["hs1", "hs2", "hs3"];

/** A transaction from→to sent now, carried by network message `msg`, due at `deliverAtMs`. */
function txn(r: Records, from: string, to: string, txnId: string, msg: number, deliverAtMs: number): void {
  r.add({ kind: "fed.txn.sent", server: from, destination: to, txnId, pdus: ["$x"], catchUp: false });
  r.add({ kind: "net.sent", msg, from, to, what: `PUT /_matrix/federation/v1/send/${txnId}`, deliverAtMs });
}

function delivered(r: Records, from: string, to: string, txnId: string, msg: number): void {
  r.add({ kind: "net.delivered", msg, from, to, what: `PUT /_matrix/federation/v1/send/${txnId}` });
}

/**
 * t0 hs1→hs3 arrives before the note (at 100); t1 hs1→hs3 is in the air at the note;
 * after it, t2 hs3→hs1 and t3 hs1→hs2. hs1 creates a topic, hs2 a message.
 */
function run(): Records {
  const r = new Records().start(SERVERS);
  r.at(10);
  txn(r, "hs1", "hs3", "t0", 0, 40);
  r.at(40);
  delivered(r, "hs1", "hs3", "t0", 0);
  r.at(80);
  txn(r, "hs1", "hs3", "t1", 1, 130);
  r.at(100).add({ kind: "note", text: "hs1 and hs3 talk about the topic." });
  r.at(110);
  r.add(stored("pdu.created", "hs1", "$topic", summary({ type: "m.room.topic", stateKey: "", prevEvents: [] })));
  r.add(stored("pdu.created", "hs2", "$msg", summary({ sender: "@bob:hs2", prevEvents: [] })));
  txn(r, "hs3", "hs1", "t2", 2, 160);
  txn(r, "hs1", "hs2", "t3", 3, 160);
  r.at(130);
  delivered(r, "hs1", "hs3", "t1", 1);
  return r;
}

const NOTE = { seq: 5, atMs: 100 };

describe("spaceTimeLit", () => {
  it("sorts what a note lights into lanes, server pairs and events (a user is not a lane)", () => {
    const lit = spaceTimeLit(new Set(["hs1", "hs3", "hs3|hs1", "$topic", "@alice:hs1"]), SERVERS, NOTE);
    expect([...lit.lanes].sort()).toEqual(["hs1", "hs3"]);
    expect([...lit.pairs]).toEqual(["hs1|hs3"]);
    expect([...lit.events]).toEqual(["$topic"]);
    expect(lit.note).toEqual(NOTE);
  });

  it("marks nothing without a note, or when the note lights nothing the diagram shows", () => {
    expect(spaceTimeLit(new Set(["hs1"]), SERVERS, null)).toBe(NOTHING_LIT);
    expect(spaceTimeLit(new Set(), SERVERS, NOTE)).toBe(NOTHING_LIT);
    // A user, and a server's link to an application service, have no place on the diagram.
    expect(spaceTimeLit(new Set(["@bob:hs2", "hs1|bridge"]), SERVERS, NOTE)).toBe(NOTHING_LIT);
  });

  it("gives equal marks the same key whatever the order, and another note another key", () => {
    const a = spaceTimeLit(new Set(["hs1", "hs3", "hs1|hs3"]), SERVERS, NOTE);
    const b = spaceTimeLit(new Set(["hs1|hs3", "hs3", "hs1"]), SERVERS, NOTE);
    expect(a.key).toBe(b.key);
    expect(spaceTimeLit(new Set(["hs1", "hs3", "hs1|hs3"]), SERVERS, { seq: 9, atMs: 100 }).key).not.toBe(a.key);
    expect(pairKey("hs3", "hs1")).toBe("hs1|hs3");
  });
});

describe("arrowLit, dotLit, countLit", () => {
  const model = new TraceModel(run().list);
  const lit = spaceTimeLit(new Set(["hs1", "hs3", "hs1|hs3", "$topic"]), SERVERS, NOTE);
  const byTxn = new Map(model.spaceTime.arrows.map((a) => [a.txnId, a] as const));

  it("marks the transactions along the note's links in the air at the note or sent after it, either way", () => {
    expect(arrowLit(lit, byTxn.get("t0")!)).toBe(false);
    expect(arrowLit(lit, byTxn.get("t1")!)).toBe(true);
    expect(arrowLit(lit, byTxn.get("t2")!)).toBe(true);
    // hs1→hs2: not a link the note names.
    expect(arrowLit(lit, byTxn.get("t3")!)).toBe(false);
    expect(arrowLit(NOTHING_LIT, byTxn.get("t1")!)).toBe(false);
  });

  it("marks the dots of the events the note names (a dot knows its event)", () => {
    const dots = model.spaceTime.dots;
    expect(dots.map((d) => [d.server, d.event])).toEqual([
      ["hs1", "$topic"],
      ["hs2", "$msg"],
    ]);
    expect(dots.map((d) => dotLit(lit, d))).toEqual([true, false]);
  });

  it("counts only what exists at the cursor", () => {
    const atNote = spaceTimeAt(model, NOTE.seq, NOTE.atMs, SERVERS);
    expect(countLit(lit, atNote)).toEqual({ arrows: 1, events: 0 });
    const end = spaceTimeAt(model, model.length - 1, 130, SERVERS);
    expect(countLit(lit, end)).toEqual({ arrows: 2, events: 1 });
  });

  it("says each mark in words with the shape or line that draws it", () => {
    const text = describeSpaceTimeLit(lit, { arrows: 2, events: 1 }, (ms) => `${ms} ms`);
    expect(text).toBe(
      "Marked for this note: the lanes of hs1 and hs3 (thick, ▶ before the name), 2 transactions between hs1–hs3 from 100 ms on (wide, haloed), 1 named event (◆ diamonds) and the note's own line at 100 ms (solid).",
    );
    expect(describeSpaceTimeLit(NOTHING_LIT, { arrows: 0, events: 0 }, String)).toBe("");
  });
});

describe("netsplit-heal's split on the diagram", () => {
  it("marks the five lanes and, until the next note, only transactions that cross the split", () => {
    const live = new LiveRun(findScenario("netsplit-heal")!, { seed: "1", crypto: nodeCrypto });
    const servers = live.scenario.servers.map((s) => s.name);
    let found: { lit: ReturnType<typeof spaceTimeLit>; count: number; crossing: boolean[] } | null = null;
    for (let i = 0; i < 5_000 && live.step(); i++) {
      const model = new TraceModel(live.records);
      const vm = viewModelAt(model, { seq: model.length - 1, atMs: live.nowMs });
      const note = vm.annotation;
      if (found && !note?.text.includes("The network splits")) break;
      if (!note?.text.includes("The network splits")) continue;
      const links = vm.network.links.map((l) => ({ ...l, cut: l.cutAB !== null || l.cutBA !== null }));
      const lit = spaceTimeLit(
        litBy(namedIn(note.text, servers, live.scenario.users), { links, events: [] }),
        servers,
        note,
      );
      const st = vm.spaceTime;
      const minority = new Set(["hs1", "hs2"]);
      const crossing: boolean[] = [];
      for (let k = 0; k < st.arrowCount; k++) {
        const a = st.arrows[k]!;
        if (arrowLit(lit, a)) crossing.push(minority.has(a.from) !== minority.has(a.to));
      }
      found = { lit, count: countLit(lit, st).arrows, crossing };
    }
    expect(found).not.toBeNull();
    expect([...found!.lit.lanes].sort()).toEqual(["hs1", "hs2", "hs3", "hs4", "hs5"]);
    expect(found!.lit.pairs.size).toBe(6);
    // Some transaction tried to cross the split before the next note, and every marked one does cross it.
    expect(found!.crossing.length).toBeGreaterThan(0);
    expect(found!.crossing.every((c) => c)).toBe(true);
    expect(found!.count).toBe(found!.crossing.length);
  });
});
