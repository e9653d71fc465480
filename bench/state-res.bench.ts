// State resolution on generated forked rooms, for v2 (room version 11) and v2.1 (room
// version 12). Prints milliseconds per resolution with a fresh auth-chain index and with
// one reused (as a homeserver keeps it), and the ratio from each row to the next.
//
// The first table scales the conflict: the full conflicted set is about 100, 1,000 and
// 10,000 events, over auth chains of about 1,000, 10,000 and 100,000 events, with the
// users held at 100. n log n growth means about ×13 per row. The index's work is linear
// in its reach entries (printed); at the largest size each entry costs about twice what
// it does at 1,000, as 140 MB of them no longer fit in a processor cache, and the garbage
// collector works through a heap of some 300 MB holding the room itself.
//
// The second table holds the conflict at about 1,000 events and multiplies the users by
// ten per row. Users are a dimension of their own: each user's membership history is a
// chain of the index, so every event's reach holds about one entry per user, and every PL
// event carries a `users` map that the authorization rules check entry by entry. (The
// first version of this benchmark scaled users with the conflict, users = n / 20, so its
// ratios measured n × users, not n.)

import { AuthChainIndex, parseRoomVersion, resolveState } from "../core/index.ts";
import { generateForkedRoom, mulberry32 } from "../scenarios/generators/forked-room.ts";
import { millisecondsFor } from "./clock.ts";

/** The sizes of the full conflicted set the first table aims at. */
const CONFLICT_SIZES = [100, 1_000, 10_000];
const USERS_HELD = 100;
/** The users of the second table, at a conflict of CONFLICT_HELD. */
const USER_COUNTS = [10, 100, 1_000];
const CONFLICT_HELD = 1_000;

/**
 * Branch events per event of the full conflicted set aimed at. About 43% of branch
 * events end up in it: the power levels, memberships and join rules the branches set
 * (and their auth events) are in the auth difference; the other events are topics,
 * names and messages, of which only each branch's last topic and name are state.
 */
const BRANCH_EVENTS_PER_CONFLICTED = 2.3;
/** Shared history per event of the full conflicted set aimed at: about 40% of it is in the auth chains. */
const HISTORY_PER_CONFLICTED = 20;
const REPEATS = 3;

interface Row {
  users: number;
  conflicted: number;
  fresh: number;
  reused: number;
  cells: Record<string, string>;
}

function measure(roomVersionId: string, conflicted: number, users: number): Row {
  const roomVersion = parseRoomVersion(roomVersionId);
  const room = generateForkedRoom({
    roomVersion,
    random: mulberry32(conflicted),
    users,
    historyEvents: conflicted * HISTORY_PER_CONFLICTED,
    branches: 2,
    eventsPerBranch: Math.round((conflicted * BRANCH_EVENTS_PER_CONFLICTED) / 2),
  });
  const reusedIndex = new AuthChainIndex();
  resolveState(roomVersion, room.stateSets, room.fetch, { authChains: reusedIndex }); // warm the index
  const fresh = millisecondsFor(() => resolveState(roomVersion, room.stateSets, room.fetch), REPEATS);
  const reused = millisecondsFor(() => resolveState(roomVersion, room.stateSets, room.fetch, { authChains: reusedIndex }), REPEATS);
  const { explanation } = resolveState(roomVersion, room.stateSets, room.fetch, { explain: true, authChains: reusedIndex });
  const count = (n: number) => n.toLocaleString("en-US");
  return {
    users,
    conflicted,
    fresh,
    reused,
    cells: {
      "full conflicted set": count(explanation.fullConflictedSet.length),
      users: count(users),
      "events in room": count(room.events.size),
      "auth chain events": count(reusedIndex.size),
      "index chains": count(reusedIndex.chainCount),
      "reach entries": count(reusedIndex.reachEntryCount),
      "ms (fresh index)": fresh.toFixed(1),
      "ms (reused index)": reused.toFixed(1),
    },
  };
}

/** The rows with the ratio of each row's times to the row before. */
function withRatios(rows: readonly Row[]): Array<Record<string, string>> {
  return rows.map((row, i) => {
    const previous = rows[i - 1];
    return {
      ...row.cells,
      "×fresh": previous ? (row.fresh / previous.fresh).toFixed(1) : "",
      "×reused": previous ? (row.reused / previous.reused).toFixed(1) : "",
    };
  });
}

export function runStateResBench(): void {
  // Untimed: so that the first row does not pay for compiling the code.
  for (const roomVersion of ["11", "12"]) measure(roomVersion, CONFLICT_SIZES[0]!, USERS_HELD);
  for (const roomVersion of ["11", "12"]) {
    const algorithm = roomVersion === "12" ? "v2.1" : "v2";
    console.log(`room version ${roomVersion} (state resolution ${algorithm}): conflict ×10 per row, ${USERS_HELD} users`);
    console.table(withRatios(CONFLICT_SIZES.map((n) => measure(roomVersion, n, USERS_HELD))));
    console.log(`room version ${roomVersion} (state resolution ${algorithm}): users ×10 per row, conflict about ${CONFLICT_HELD.toLocaleString("en-US")}`);
    console.table(withRatios(USER_COUNTS.map((users) => measure(roomVersion, CONFLICT_HELD, users))));
  }
}
