// State resolution on generated forked rooms: 100, 1,000 and 10,000 conflicted events
// over a shared history ten times as long (auth chains up to ~100,000 events), for v2
// (room version 11) and v2.1 (room version 12). Prints milliseconds per resolution with
// a fresh auth-chain index and with one reused (as a homeserver keeps it), and the
// ratio from each size to the next: n log n growth means about ×13 per ×10.

import { AuthChainIndex, resolveState } from "../core/index.ts";
import { generateForkedRoom, mulberry32 } from "../test/gen/forked-room.ts";
import { millisecondsFor } from "./clock.ts";

const SIZES = [100, 1_000, 10_000];

export function runStateResBench(): void {
  for (const roomVersion of ["11", "12"]) {
    const rows: Array<Record<string, string>> = [];
    let previous: { fresh: number; reused: number } | undefined;
    for (const conflicted of SIZES) {
      const room = generateForkedRoom({
        roomVersion,
        random: mulberry32(conflicted),
        users: Math.max(10, conflicted / 20),
        historyEvents: conflicted * 10,
        branches: 2,
        eventsPerBranch: conflicted / 2,
      });
      const reusedIndex = new AuthChainIndex();
      resolveState(roomVersion, room.stateSets, room.fetch, { authChains: reusedIndex }); // warm the index
      const fresh = millisecondsFor(() => resolveState(roomVersion, room.stateSets, room.fetch), 3);
      const reused = millisecondsFor(() => resolveState(roomVersion, room.stateSets, room.fetch, { authChains: reusedIndex }), 3);
      const { explanation } = resolveState(roomVersion, room.stateSets, room.fetch, { explain: true, authChains: reusedIndex });
      rows.push({
        "events in room": room.events.size.toLocaleString("en-US"),
        "branch events": conflicted.toLocaleString("en-US"),
        "full conflicted set": explanation.fullConflictedSet.length.toLocaleString("en-US"),
        "ms (fresh index)": fresh.toFixed(1),
        "ms (reused index)": reused.toFixed(1),
        "×fresh": previous ? (fresh / previous.fresh).toFixed(1) : "",
        "×reused": previous ? (reused / previous.reused).toFixed(1) : "",
      });
      previous = { fresh, reused };
    }
    console.log(`room version ${roomVersion} (state resolution ${roomVersion === "12" ? "v2.1" : "v2"})`);
    console.table(rows);
  }
}
