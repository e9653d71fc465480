// The network at a moment, from hand-made records: messages in flight with their
// progress, held ones parked, losses fading, cuts per direction, backoff on the sender,
// crashes, users and services.
import { describe, expect, it } from "vitest";
import { DROP_FADE_MS, networkAt } from "../../viz/model/network.ts";
import { TraceModel } from "../../viz/model/trace-model.ts";
import { Records } from "./records.ts";

const none = { widths: new Map<string, number>(), divergent: {} };

function at(r: Records, seq: number, atMs: number) {
  return networkAt(new TraceModel(r.list).liveAt(seq), atMs, none);
}

describe("networkAt", () => {
  it("moves a message along its link from net.sent to its delivery time", () => {
    const r = new Records().start(["hs1", "hs2"]);
    r.at(100).add({
      kind: "net.sent",
      msg: 0,
      from: "hs1",
      to: "hs2",
      what: "GET /_matrix/key/v2/server",
      deliverAtMs: 140,
    });
    r.at(140).add({ kind: "net.delivered", msg: 0, from: "hs1", to: "hs2", what: "GET /_matrix/key/v2/server" });
    expect(at(r, 1, 100).messages).toEqual([
      { id: "0", from: "hs1", to: "hs2", kind: "request", pdus: 0, progress: 0, held: false, copies: 1 },
    ]);
    expect(at(r, 1, 130).messages[0]!.progress).toBeCloseTo(0.75);
    expect(at(r, 2, 140).messages).toEqual([]);
  });

  it("labels a federation transaction with its PDUs, and a response as such", () => {
    const r = new Records().start(["hs1", "hs2"]);
    r.add({ kind: "fed.txn.sent", server: "hs1", destination: "hs2", txnId: "t1", pdus: ["$a", "$b"], catchUp: false });
    r.add({
      kind: "net.sent",
      msg: 3,
      from: "hs1",
      to: "hs2",
      what: "PUT /_matrix/federation/v1/send/t1",
      deliverAtMs: 30,
    });
    r.add({
      kind: "net.sent",
      msg: 4,
      from: "hs2",
      to: "hs1",
      what: "200 /_matrix/federation/v1/make_join/x",
      deliverAtMs: 30,
    });
    const vm = at(r, 3, 0);
    expect(vm.messages.map((m) => [m.kind, m.pdus])).toEqual([
      ["txn", 2],
      ["response", 0],
    ]);
  });

  it("parks held messages on the link and sends them on when released", () => {
    const r = new Records().start(["hs1", "hs2"]);
    r.add({ kind: "fault.partition", cuts: [{ from: "hs1", to: "hs2" }], mode: "hold" });
    r.add({ kind: "net.sent", msg: 0, from: "hs1", to: "hs2", what: "GET /x", deliverAtMs: null });
    r.add({ kind: "net.held", msg: 0, from: "hs1", to: "hs2", what: "GET /x" });
    r.at(500).add({ kind: "fault.repair", cuts: [{ from: "hs1", to: "hs2", dropped: 0, held: 1, slowed: 0 }] });
    r.add({ kind: "net.released", msg: 0, from: "hs1", to: "hs2", deliverAtMs: 540 });
    const held = at(r, 3, 400);
    expect(held.messages[0]).toMatchObject({ held: true, progress: 0.15 });
    expect(held.links[0]).toMatchObject({ id: "hs1|hs2", cutAB: "hold", cutBA: null });
    const released = at(r, 5, 520);
    expect(released.messages[0]).toMatchObject({ held: false, progress: 0.5 });
    expect(released.links[0]).toMatchObject({ cutAB: null, cutBA: null });
  });

  it("marks a loss where it happened and fades it out", () => {
    const r = new Records().start(["hs1", "hs2"]);
    r.at(0).add({ kind: "net.sent", msg: 0, from: "hs1", to: "hs2", what: "GET /x", deliverAtMs: 30 });
    r.at(30).add({ kind: "net.dropped", msg: 0, from: "hs1", to: "hs2", what: "GET /x", fault: "crashed" });
    r.at(40).add({ kind: "net.dropped", msg: 1, from: "hs2", to: "hs1", what: "GET /y", fault: "partition" });
    const vm = at(r, 3, 40);
    expect(vm.messages).toEqual([]);
    expect(vm.drops.map((d) => [d.id, d.fault, d.progress])).toEqual([
      ["0@2", "crashed", 0.9],
      ["1@3", "partition", 0.1],
    ]);
    expect(vm.drops[0]!.fade).toBeCloseTo(10 / DROP_FADE_MS);
    expect(at(r, 3, 40 + DROP_FADE_MS + 1).drops).toEqual([]);
  });

  it("counts a duplicated message until both copies arrived", () => {
    const r = new Records().start(["hs1", "hs2"]);
    r.add({ kind: "net.sent", msg: 0, from: "hs1", to: "hs2", what: "GET /x", deliverAtMs: 30 });
    r.add({ kind: "net.duplicated", msg: 0, copy: 1, from: "hs1", to: "hs2" });
    r.add({ kind: "net.delivered", msg: 0, from: "hs1", to: "hs2", what: "GET /x" });
    expect(at(r, 3, 30).messages.map((m) => m.copies)).toEqual([1]);
    r.add({ kind: "net.delivered", msg: 0, from: "hs1", to: "hs2", what: "GET /x" });
    expect(at(r, 4, 30).messages).toEqual([]);
  });

  it("shows backoff and retries on the sender, until the destination answers", () => {
    const r = new Records().start(["hs1", "hs2"]);
    r.at(1000).add({ kind: "fed.txn.failed", server: "hs1", destination: "hs2", txnId: "t", error: "timeout" });
    r.add({
      kind: "fed.backoff",
      server: "hs1",
      destination: "hs2",
      intervalMs: 600_000,
      retryAtMs: 601_000,
      catchUp: false,
    });
    r.at(601_000).add({
      kind: "fed.txn.sent",
      server: "hs1",
      destination: "hs2",
      txnId: "t",
      pdus: ["$a"],
      catchUp: false,
    });
    r.at(601_050).add({ kind: "fed.txn.ok", server: "hs1", destination: "hs2", txnId: "t" });
    expect(at(r, 2, 301_000).servers[0]!.backoff).toEqual([
      { destination: "hs2", retryAtMs: 601_000, inMs: 300_000, intervalMs: 600_000, failures: 1, catchUp: false },
    ]);
    // Retrying: the timer is over, the failure still counts.
    expect(at(r, 3, 601_000).servers[0]!.backoff).toEqual([
      { destination: "hs2", retryAtMs: 601_000, inMs: 0, intervalMs: 0, failures: 1, catchUp: false },
    ]);
    expect(at(r, 4, 601_050).servers[0]!.backoff).toEqual([]);
  });

  it("knows who lives where, which servers are down, and their services' links", () => {
    const r = new Records().start(["hs1", "hs2"]);
    r.add({ kind: "server.user", server: "hs1", user: "@alice:hs1" });
    r.add({
      kind: "as.registered",
      server: "hs2",
      service: "bridge",
      url: "bridge.hs2",
      sender: "@bot:hs2",
      namespaces: { users: [], aliases: [], rooms: [] },
      protocols: [],
    });
    r.add({ kind: "server.user", server: "hs2", user: "@_chat_dave:hs2", service: "bridge" });
    r.add({ kind: "fed.backoff", server: "hs2", destination: "hs1", intervalMs: 1, retryAtMs: 2, catchUp: false });
    r.add({ kind: "server.crash", server: "hs2", lostActions: 3 });
    const vm = networkAt(new TraceModel(r.list).liveAt(5), 0, {
      widths: new Map([["hs1", 2]]),
      divergent: { hs1: ["hs2"] },
    });
    expect(vm.servers).toEqual([
      {
        id: "hs1",
        up: true,
        users: ["@alice:hs1"],
        serviceUsers: [],
        services: [],
        backoff: [],
        width: 2,
        divergentFrom: ["hs2"],
      },
      {
        id: "hs2",
        up: false,
        users: [],
        serviceUsers: ["@_chat_dave:hs2"],
        services: [{ id: "bridge", node: "bridge.hs2", up: true }],
        backoff: [],
        width: null,
        divergentFrom: [],
      },
    ]);
    expect(vm.links.map((l) => [l.id, l.service])).toEqual([
      ["hs1|hs2", false],
      ["hs2|bridge.hs2", true],
    ]);
  });
});
