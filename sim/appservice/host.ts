// What application services need of their homeserver, as one narrow interface. It exists
// so that sim/appservice/ plugs into a homeserver without importing sim/homeserver/ (the
// homeserver holds the registry and asks its services, so imports point that way only):
// sim/homeserver's Homeserver has this shape, and World hands it over.

import type { EventId, Pdu, RoomId, StateKey, UserId } from "../../core/index.ts";
import type { Result } from "../matrix-error.ts";
import type { RpcOutcome, RpcRequest } from "../network/rpc.ts";
import type { QueryHost } from "./queries.ts";
import type { ServiceEntry } from "./registry.ts";

/** A room as interest is judged on it: its id and its current state. */
export interface RoomView {
  readonly roomId: RoomId;
  readonly currentState: { entries(): Iterable<[StateKey, EventId]>; get(key: StateKey): EventId | undefined };
  get(id: EventId): { readonly pdu: Pdu } | undefined;
}

/** An accepted event as the homeserver announces it: its id, the PDU, and the copy clients see once redacted. */
export interface AnnouncedEvent {
  readonly id: EventId;
  readonly pdu: Pdu;
  readonly clientPdu?: Pdu;
}

export interface ServiceHomeserver extends QueryHost {
  readonly up: boolean;
  readonly directory: QueryHost["directory"] & { aliasesFor(roomId: RoomId): string[] };
  /** POST /register, by a service (m.login.application_service) when `appService` is given. */
  registerUser(localpart: string, appService?: ServiceEntry): Result<UserId>;
  /** A request from the homeserver to a service's node (pushes, queries). */
  request(to: string, request: RpcRequest, onOutcome: (outcome: RpcOutcome) => void): void;
  /** Be told of every accepted event. */
  onEvent(listener: (room: RoomView, event: AnnouncedEvent) => void): () => void;
}
