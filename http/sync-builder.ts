// The body of a /sync response (spec: client-server-api "Syncing"), built from what the
// client was shown before: the sync token stands for the stream position and, per room,
// the membership and the state events the client holds (http/server-state.ts). So the
// state it gets is a diff against what it holds, not against a stream position, and a
// state reset that no timeline event announces (state resolution after a heal picks
// another topic) still reaches it. With use_state_after (stable or MSC4222, which
// matrix-js-sdk asks for) the state is the state after the timeline; without it, the
// state before, leaving out what the timeline itself carries.

import { isJsonObject, type JsonObject, type UserId } from "../core/index.ts";
import { clientViews, ephemeral, type ClientEventView, type Homeserver } from "../sim/index.ts";
import { topologicalToken } from "./routes/messages.ts";
import type { KnownRoom, KnownState } from "./server-state.ts";

export interface SyncOptions {
  timelineLimit: number;
  lazyLoadMembers: boolean;
  fullState: boolean;
  useStateAfter: boolean;
  /** The MSC4222 field name (org.matrix.msc4222.state_after) instead of the stable one. */
  stateAfterField: string;
  includeLeave: boolean;
}

export const SYNC_TIMELINE_LIMIT_DEFAULT = 10;
export const SYNC_TIMELINE_LIMIT_MAX = 1000;

export interface BuiltSync {
  rooms: {
    join: Record<string, JsonObject>;
    invite: Record<string, JsonObject>;
    leave: Record<string, JsonObject>;
    knock: Record<string, JsonObject>;
  };
  /** m.presence events (spec: the response's top-level `presence`). */
  presence: JsonObject[];
  known: KnownState;
  /** Nothing new for the client: a long-poll keeps waiting. */
  empty: boolean;
}

const keyOf = (type: string, stateKey: string) => JSON.stringify([type, stateKey]);

export function buildSync(
  hs: Homeserver,
  userId: UserId,
  since: KnownState | undefined,
  options: SyncOptions,
): BuiltSync {
  const known: KnownState = { position: hs.streamPosition, rooms: new Map() };
  const rooms: BuiltSync["rooms"] = { join: {}, invite: {}, leave: {}, knock: {} };
  for (const { roomId, membership } of clientViews.roomsOfUser(hs, userId)) {
    const before = since?.rooms.get(roomId);
    if (membership === "join") {
      const joined = joinedRoom(hs, userId, roomId, since, before, options);
      known.rooms.set(roomId, joined.known);
      if (joined.body) rooms.join[roomId] = joined.body;
    } else if (membership === "invite") {
      known.rooms.set(roomId, { membership, state: new Map() });
      if (options.fullState || before?.membership !== "invite")
        rooms.invite[roomId] = { invite_state: { events: clientViews.inviteState(hs, userId, roomId) } };
    } else if (membership === "knock") {
      known.rooms.set(roomId, { membership, state: new Map() });
      // Knocked from outside the room: the stripped state the resident answered; from inside it, ours.
      const knockState =
        clientViews.outOfBandMembership(hs, userId, roomId)?.knockState ?? clientViews.inviteState(hs, userId, roomId);
      if (options.fullState || before?.membership !== "knock")
        rooms.knock[roomId] = { knock_state: { events: knockState } };
    } else {
      known.rooms.set(roomId, { membership, state: new Map() });
      const wasIn = before?.membership === "join" || before?.membership === "invite" || before?.membership === "knock";
      if (wasIn || (since === undefined && options.includeLeave)) {
        // A room we are not in shows the leave we know of out of band (a rejected or rescinded invite).
        const outOfBand = clientViews.outOfBandMembership(hs, userId, roomId);
        const held = clientViews.eventsSince(hs, roomId, since?.position ?? 0);
        const timeline = (held.length === 0 && outOfBand ? [{ event: outOfBand.event }] : held).slice(
          -options.timelineLimit,
        );
        rooms.leave[roomId] = {
          timeline: { events: timeline.map((v) => v.event), limited: false },
          state: { events: [] },
        };
      }
    }
  }
  const presence = ephemeral.presenceSince(hs, userId, since?.position ?? 0);
  const empty = Object.values(rooms).every((section) => Object.keys(section).length === 0) && presence.length === 0;
  return { rooms, known, presence, empty };
}

function joinedRoom(
  hs: Homeserver,
  userId: UserId,
  roomId: string,
  since: KnownState | undefined,
  before: KnownRoom | undefined,
  options: SyncOptions,
): { body?: JsonObject; known: KnownRoom } {
  const fresh = options.fullState || before?.membership !== "join";
  const all = clientViews.eventsSince(hs, roomId, fresh ? 0 : (since?.position ?? 0));
  const timeline = all.slice(-options.timelineLimit);
  const limited = all.length > timeline.length;
  const held = fresh ? new Map<string, string>() : before!.state;
  const senders = new Set<string>([userId, ...timeline.map((v) => String(v.event.sender))]);
  const state = new Map(held);
  const changed: JsonObject[] = [];
  for (const entry of clientViews.currentStateEntries(hs, roomId)) {
    const key = keyOf(entry.type, entry.stateKey);
    if (held.get(key) === entry.eventId) continue;
    // Lazy loading: members only of those who speak in this timeline (and the user).
    if (options.lazyLoadMembers && entry.type === "m.room.member" && !senders.has(entry.stateKey) && !held.has(key))
      continue;
    const event = clientViews.eventInRoom(hs, roomId, entry.eventId);
    if (!event) continue;
    state.set(key, entry.eventId);
    changed.push(event);
  }
  const knownRoom: KnownRoom = { membership: "join", state };
  // Typing and receipts since the token (a fresh room: all of them).
  const ephemeralEvents = ephemeral.ephemeralSince(hs, roomId, fresh ? 0 : (since?.position ?? 0));
  if (!fresh && timeline.length === 0 && changed.length === 0 && ephemeralEvents.length === 0)
    return { known: knownRoom };
  const inTimeline = new Set(timeline.map((v) => String(v.event.event_id)));
  const body: JsonObject = {
    timeline: { events: timeline.map((v) => v.event), limited, ...prevBatch(timeline) },
    state: { events: options.useStateAfter ? [] : changed.filter((e) => !inTimeline.has(String(e.event_id))) },
    account_data: { events: [] },
    ephemeral: { events: ephemeralEvents },
    unread_notifications: { notification_count: 0, highlight_count: 0 },
    summary: summary(hs, roomId),
  };
  if (options.useStateAfter) body[options.stateAfterField] = { events: changed };
  return { body, known: knownRoom };
}

function prevBatch(timeline: ClientEventView[]): JsonObject {
  // An empty timeline pages back from the end of the room.
  return { prev_batch: timeline.length > 0 ? topologicalToken(timeline[0]!) : `t${Number.MAX_SAFE_INTEGER}_0` };
}

/** The room summary's member counts (spec: "m.joined_member_count", "m.invited_member_count"). */
function summary(hs: Homeserver, roomId: string): JsonObject {
  let joined = 0;
  let invited = 0;
  for (const e of clientViews.currentStateEntries(hs, roomId)) {
    if (e.type !== "m.room.member") continue;
    const content = clientViews.eventInRoom(hs, roomId, e.eventId)?.content;
    const membership = isJsonObject(content) ? content.membership : undefined;
    if (membership === "join") joined++;
    else if (membership === "invite") invited++;
  }
  return { "m.joined_member_count": joined, "m.invited_member_count": invited };
}
