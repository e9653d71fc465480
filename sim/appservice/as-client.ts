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

import type { UserId } from "../../core/index.ts";
import { Client, type Session } from "../client.ts";
import { matrixError, type Result } from "../matrix-error.ts";
import type { ServiceEntry } from "./registry.ts";

/** The homeserver a Client talks to (typed through Client, so that appservice/ does not import homeserver/). */
type ClientHomeserver = ConstructorParameters<typeof Client>[0];

export class AppServiceClient extends Client {
  constructor(
    hs: ClientHomeserver,
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

  /** The as_token and identity assertion (sim/homeserver/client-server-api.ts), once the request can reach the homeserver. */
  protected override authenticate(): Result<Session> {
    if (!this.reachable())
      return {
        ok: false,
        error: matrixError("M_UNKNOWN", `application service ${this.entry.id} cannot reach ${this.hs.name}`, 502),
      };
    return this.authenticateService();
  }

  protected override traceAction(fields: {
    action: string;
    room?: string;
    ok: boolean;
    result?: string;
    error?: string;
  }): void {
    this.hs.trace.add({
      kind: "as.action",
      server: this.hs.name,
      service: this.entry.id,
      user: this.userId,
      ...fields,
    });
  }
}
