// An application service acting through the client-server API (spec:
// application-service-api.md "Client-Server API Extensions"): it presents its as_token
// and, by identity assertion (`?user_id=`), acts as its sender user or as any user of
// its user namespaces. Everything else is an ordinary Client, so a service does what
// a user could do, as many users, through the same homeserver methods.
//
// Refusals, checked on every call:
//   - an as_token the homeserver does not know: M_UNKNOWN_TOKEN;
//   - a user outside the service's namespaces: M_EXCLUSIVE (the spec's code for a
//     service acting outside its namespaces; Synapse answers masquerading with 403
//     M_FORBIDDEN, netsplit follows the spec's wording);
//   - a user of the namespace that was never registered: M_FORBIDDEN (as Synapse);
//   - the service cut off from its homeserver, or the homeserver down: M_UNKNOWN (502).
// Calls are direct, as a Client's are: no latency, but no way round a cut either.

import { serverOfUser, stateKey, type JsonObject, type RoomId, type UserId } from "../../core/index.ts";
import { Client } from "../client.ts";
import type { Homeserver } from "../homeserver/homeserver.ts";
import { matrixError, type MatrixError } from "../matrix-error.ts";
import type { ServiceEntry } from "./registry.ts";

export class AppServiceClient extends Client {
  constructor(
    hs: Homeserver,
    private readonly entry: ServiceEntry,
    asToken: string,
    userId: UserId,
    /** Whether the service can reach its homeserver now (no cut between them, homeserver up). */
    private readonly reachable: () => boolean,
  ) {
    super(hs, userId, asToken);
  }

  /** The user this client acts as: the service's sender, or a user it masquerades as. */
  get masquerading(): boolean {
    return this.userId !== this.entry.senderUserId;
  }

  protected override authenticate(): MatrixError | undefined {
    if (!this.reachable()) return matrixError("M_UNKNOWN", `application service ${this.entry.id} cannot reach ${this.hs.name}`, 502);
    const entry = this.hs.appServices.byToken(this.accessToken);
    if (!entry) return matrixError("M_UNKNOWN_TOKEN", "unknown application service token");
    if (this.userId === entry.senderUserId) return undefined;
    if (!entry.namespaces.matches("users", this.userId)) {
      return matrixError("M_EXCLUSIVE", `application service ${entry.id} cannot act as ${this.userId}: outside its user namespaces`);
    }
    if (serverOfUser(this.userId) !== this.hs.name || !this.hs.users.has(this.userId)) {
      return matrixError("M_FORBIDDEN", `application service ${entry.id} has not registered ${this.userId}`);
    }
    return undefined;
  }

  protected override actingService(): ServiceEntry | undefined {
    return this.hs.appServices.byToken(this.accessToken);
  }

  protected override traceAction(fields: { action: string; room?: string; ok: boolean; result?: string; error?: string }): void {
    this.hs.trace.add({ kind: "as.action", server: this.hs.name, service: this.entry.id, user: this.userId, ...fields });
  }

  /** GET /rooms/{roomId}/state/{type}/{stateKey}: the current content, as the homeserver holds it. */
  stateContent(roomId: RoomId | string, type: string, key = ""): JsonObject | undefined {
    if (this.authenticate()) return undefined;
    const room = this.hs.room(roomId);
    const id = room?.currentState.get(stateKey(type, key));
    return id ? (room!.get(id)!.pdu.content as JsonObject) : undefined;
  }
}
