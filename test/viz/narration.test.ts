// What a walkthrough note lights up (viz/model/narration.ts): the servers and users it
// names, the links between named servers (only the cut ones when the note is about a
// cut), and the events of the kinds it names (the named users' own when there are any) —
// on hand-made scenes, and on the shipped scenarios' notes at the moment they are read.

import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { findScenario } from "../../scenarios/index.ts";
import { LiveRun } from "../../viz/engine/live-run.ts";
import { litBy, namedIn, type NameableEvent, type NameableLink } from "../../viz/model/narration.ts";
import { presenterAt } from "../../viz/model/presenter.ts";
import { TraceModel } from "../../viz/model/trace-model.ts";
import { viewModelAt } from "../../viz/model/view-model.ts";

const SERVERS = ["hs1", "hs2", "hs3"];
const USERS = ["@alice:hs1", "@bob:hs2", "@carol:hs3"];

function link(a: string, b: string, cut = false): NameableLink {
  return { id: `${a}|${b}`, a, b, cut, service: false };
}

const LINKS = [link("hs1", "hs2"), link("hs1", "hs3", true), link("hs2", "hs3", true)];

const EVENTS: NameableEvent[] = [
  { id: "$create", type: "m.room.create", sender: "@alice:hs1", stateKey: "" },
  { id: "$alice-join", type: "m.room.member", sender: "@alice:hs1", stateKey: "@alice:hs1", membership: "join" },
  { id: "$bob-join", type: "m.room.member", sender: "@bob:hs2", stateKey: "@bob:hs2", membership: "join" },
  { id: "$alice-topic", type: "m.room.topic", sender: "@alice:hs1", stateKey: "" },
  { id: "$carol-topic", type: "m.room.topic", sender: "@carol:hs3", stateKey: "" },
  { id: "$bob-says", type: "m.room.message", sender: "@bob:hs2" },
];

const lit = (text: string) => [...litBy(namedIn(text, SERVERS, USERS), { links: LINKS, events: EVENTS })].sort();

describe("namedIn", () => {
  it("finds servers, users (by localpart or full id), kinds and whether the note is about the network", () => {
    expect(namedIn("Bob joins from hs2: hs2 asks hs1 for a join template; the topic stays.", SERVERS, USERS)).toEqual({
      servers: ["hs1", "hs2"],
      users: ["@bob:hs2"],
      kinds: ["topic", "join"],
      network: false,
    });
    expect(namedIn("The network splits: hs1 can no longer reach hs3.", SERVERS, USERS).network).toBe(true);
    // "join rules" and "make_join" are not joins.
    expect(namedIn("The join rules change; make_join asks for a template.", SERVERS, USERS).kinds).toEqual([
      "join rule",
    ]);
  });
});

describe("litBy", () => {
  it("lights the link between two named servers, and no link for a single server", () => {
    expect(lit("hs2 asks hs1 for a template.")).toEqual(["hs1", "hs1|hs2", "hs2"]);
    expect(lit("hs1 is busy.")).toEqual(["hs1"]);
  });

  it("lights only the cut links among the named servers when the note is about a cut", () => {
    expect(lit("The network splits: hs1 and hs2 can no longer reach hs3.")).toEqual([
      "hs1",
      "hs1|hs3",
      "hs2",
      "hs2|hs3",
      "hs3",
    ]);
    // Naming no server, a split lights every cut link.
    expect(lit("Three-way split: every server is alone.")).toEqual(["hs1|hs3", "hs2|hs3"]);
  });

  it("lights the events of a named kind, narrowed to the named users' own", () => {
    expect(lit("Both sides change the topic.")).toEqual(["$alice-topic", "$carol-topic"]);
    expect(lit("Carol sets the topic first.")).toEqual(["$carol-topic", "@carol:hs3"]);
    // Bob has no topic here: the kind alone decides.
    expect(lit("Bob looks at the topic.")).toEqual(["$alice-topic", "$carol-topic", "@bob:hs2"]);
    // A join named with its user: that user's join, not every join.
    expect(lit("Bob joins.")).toEqual(["$bob-join", "@bob:hs2"]);
    expect(lit("Each message is a PDU.")).toEqual(["$bob-says"]);
    expect(lit("Alice creates a room.")).toEqual(["$create", "@alice:hs1"]);
  });
});

describe("a shipped scenario's notes, at the moment they are read", () => {
  /** Run `scenario` until its note containing `words` is in force; what that note lights. */
  function litAtNote(scenario: string, words: string): { lit: Set<string>; links: NameableLink[] } {
    const live = new LiveRun(findScenario(scenario)!, { seed: "1", crypto: nodeCrypto });
    for (let i = 0; i < 5_000; i++) {
      const model = new TraceModel(live.records);
      const vm = viewModelAt(model, { seq: model.length - 1, atMs: live.nowMs });
      if (vm.annotation?.text.includes(words)) {
        const links = vm.network.links.map((l) => ({ ...l, cut: l.cutAB !== null || l.cutBA !== null }));
        const events = presenterAt(vm.dags, vm.stateTable).lanes.flatMap((l) => l.events);
        const named = namedIn(
          vm.annotation.text,
          live.scenario.servers.map((s) => s.name),
          live.scenario.users,
        );
        return { lit: litBy(named, { links, events }), links };
      }
      if (!live.step()) break;
    }
    throw new Error(`no note "${words}" in ${scenario}`);
  }

  it("netsplit-heal: the split lights the six links the cut crosses, not the ones inside each side", () => {
    const { lit, links } = litAtNote("netsplit-heal", "The network splits");
    const litLinks = links.filter((l) => lit.has(l.id)).map((l) => l.id);
    const minority = new Set(["hs1", "hs2"]);
    // The majority split of the scenario: hs1, hs2 | hs3, hs4, hs5 (its description says so).
    expect(litLinks.sort()).toEqual(
      links
        .filter((l) => !l.service && minority.has(l.a) !== minority.has(l.b))
        .map((l) => l.id)
        .sort(),
    );
    expect(litLinks).toHaveLength(6);
  });

  it("three-servers: Bob's join lights hs1, hs2, the link between them and Bob's join event", () => {
    const { lit } = litAtNote("three-servers", "Bob joins from hs2");
    expect([...lit].filter((id) => !id.startsWith("$")).sort()).toEqual(["@bob:hs2", "hs1", "hs1|hs2", "hs2"]);
  });
});
