// The hooks through which a server can be made to break the protocol on purpose. The
// homeserver only knows these hooks; what each adversary does with them lives above,
// in sim/adversary.ts, which plugs in through this file (so homeserver/ never imports
// the adversaries, and adding one does not touch the homeserver).

import type { CryptoBackend, SigningKey } from "../../core/index.ts";
import type { OutgoingPdu } from "./federation-sender.ts";
import type { RoomStore, StoredEvent } from "./room-store.ts";
import type { StateSnapshot } from "./state-snapshot.ts";

/** What a misbehaving server may change in what it does; every hook is optional. */
export interface Misbehaviour {
  /** Clock offset added to the server's skew. */
  readonly clockOffsetMs?: number;
  /** The extremities a new local event cites (given the honest choice). */
  prevEvents?(room: RoomStore, sender: string, honest: StoredEvent[]): StoredEvent[];
  /** Whether its users join a room it holds by building the join themselves, even when it thinks it has no member there. */
  joinsLocally?(room: RoomStore): boolean;
  /** A local event was stored. */
  created?(room: RoomStore, event: StoredEvent): void;
  /** Any event was accepted (local or received), at virtual time `nowMs`. */
  observed?(room: RoomStore, nowMs: number): void;
  /** What actually goes out to `destination`. */
  outgoing?(destination: string, room: RoomStore, pdus: readonly OutgoingPdu[]): OutgoingPdu[];
  /** The room state it reports to other servers (send_join, /state_ids), given the true state. */
  servedState?(room: RoomStore, state: StateSnapshot): StateSnapshot;
}

/** What a misbehaviour may use of its server: its name and key, to sign what it forges. */
export interface MisbehaviourHost {
  readonly name: string;
  readonly key: SigningKey;
  readonly crypto: CryptoBackend;
  readonly verifySignatures: boolean;
}

/** Made once the server exists (a forger needs the server's key). */
export type MisbehaviourFactory = (host: MisbehaviourHost) => Misbehaviour;
