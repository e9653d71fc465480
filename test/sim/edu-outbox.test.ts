// The EDUs a destination is owed (sim/homeserver/edu-outbox.ts), against Synapse's
// PerDestinationQueue: keyed typing, receipts keyed by (room, type, user), presence per
// user with at most 50 states in one EDU, and a limit on EDUs per transaction.
import { describe, expect, it } from "vitest";
import { EduOutbox, PRESENCE_STATES_PER_EDU_MAX } from "../../sim/homeserver/edu-outbox.ts";
import { eduSummary } from "../../sim/homeserver/edu-wire.ts";

const receipt = (userId: string, eventId: string, roomId = "!r:hs1") => ({
  roomId,
  receiptType: "m.read",
  userId,
  eventId,
  ts: 1,
});

describe("EduOutbox", () => {
  it("keeps only the newest typing notification of a user in a room", () => {
    const o = new EduOutbox();
    o.queueTyping("hs2", "!r:hs1", "@a:hs1", true);
    o.queueTyping("hs2", "!r:hs1", "@a:hs1", false);
    expect(o.take("hs2", 100)).toEqual([
      { edu_type: "m.typing", content: { room_id: "!r:hs1", user_id: "@a:hs1", typing: false } },
    ]);
    expect(o.has("hs2")).toBe(false);
  });

  it("puts receipts in one EDU, the newest per (room, type, user)", () => {
    const o = new EduOutbox();
    o.queueReceipt("hs2", receipt("@a:hs1", "$1"));
    o.queueReceipt("hs2", receipt("@a:hs1", "$2"));
    o.queueReceipt("hs2", receipt("@b:hs1", "$1", "!s:hs1"));
    expect(o.take("hs2", 100)).toEqual([
      {
        edu_type: "m.receipt",
        content: {
          "!r:hs1": { "m.read": { "@a:hs1": { event_ids: ["$2"], data: { ts: 1 } } } },
          "!s:hs1": { "m.read": { "@b:hs1": { event_ids: ["$1"], data: { ts: 1 } } } },
        },
      },
    ]);
  });

  it("sends at most 50 presence states per EDU, the rest in the next transaction", () => {
    const o = new EduOutbox();
    for (let i = 0; i < PRESENCE_STATES_PER_EDU_MAX + 5; i++)
      o.queuePresence("hs2", {
        userId: `@u${i}:hs1`,
        presence: "online",
        statusMsg: undefined,
        lastActiveAgoMs: 0,
        currentlyActive: true,
      });
    const first = o.take("hs2", 100);
    expect(first).toHaveLength(1);
    expect(eduSummary(first[0]).users).toHaveLength(50);
    expect(eduSummary(o.take("hs2", 100)[0]).users).toHaveLength(5);
  });

  it("never takes more than the limit, and keeps each destination apart", () => {
    const o = new EduOutbox();
    for (let i = 0; i < 5; i++) o.queueTyping("hs2", `!r${i}:hs1`, "@a:hs1", true);
    o.queueTyping("hs3", "!r0:hs1", "@a:hs1", true);
    expect(o.take("hs2", 2)).toHaveLength(2);
    expect(o.take("hs2", 2)).toHaveLength(2);
    expect(o.take("hs2", 2)).toHaveLength(1);
    expect(o.has("hs2")).toBe(false);
    o.drop("hs3");
    expect(o.take("hs3", 100)).toEqual([]);
  });

  it("summarises an EDU for the trace even when it is malformed", () => {
    expect(eduSummary({ edu_type: "m.typing", content: { room_id: "!r:hs1", user_id: "@a:hs1" } })).toEqual({
      type: "m.typing",
      rooms: ["!r:hs1"],
      users: ["@a:hs1"],
    });
    expect(eduSummary(42)).toEqual({ type: "?", rooms: [], users: [] });
  });
});
