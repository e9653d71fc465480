// Loading an application service onto a homeserver: validate the registration, add it
// to the homeserver's registry, create its sender user, start the homeserver's queue of
// pushes to it, listen at its node, and hand every accepted event the service is
// interested in to that queue. World.addAppService calls this, handing over the
// homeserver as the narrow ServiceHomeserver of host.ts.

import { parseUserId, type UserId } from "../../core/index.ts";
import type { Simulation } from "../simulation.ts";
import type { AppServiceClient } from "./as-client.ts";
import { toClientEvent } from "./client-event.ts";
import type { ServiceHomeserver } from "./host.ts";
import { canonicalAliases, interestIn } from "./namespaces.ts";
import type { AppServiceParams } from "./params.ts";
import type { ServiceEntry } from "./registry.ts";
import { RegistrationError, validateRegistration } from "./registration.ts";
import { AppService, type AppServiceBehaviour } from "./service.ts";
import { AppServiceSender } from "./txn-sender.ts";

export interface AttachOptions {
  sim: Simulation;
  hs: ServiceHomeserver;
  /** A client of the homeserver for the service, acting as `userId` (World makes it: it holds the homeserver itself). */
  newClient(entry: ServiceEntry, userId: UserId, reachable: () => boolean): AppServiceClient;
  /** The registration as loaded (a parsed YAML or JSON file, or an object literal). */
  registration: unknown;
  behaviour?: AppServiceBehaviour;
  params?: Partial<AppServiceParams>;
  /** Where the registration came from, for error messages. */
  source?: string;
  /** Whether a node name is already in use (a homeserver, another service). */
  nodeTaken(node: string): boolean;
}

export function attachAppService(o: AttachOptions): AppService {
  const { sim, hs } = o;
  const source = o.source ?? `application service on ${hs.name}`;
  const registration = validateRegistration(o.registration, source);
  if (registration.url !== null && o.nodeTaken(registration.url)) {
    throw new RegistrationError(source, [
      `$.url: ${JSON.stringify(registration.url)} is already a node of the network (a server or another service)`,
    ]);
  }
  const free = hs.appServices.mayRegister(parseUserId(`@${registration.sender_localpart}:${hs.name}`));
  if (!free.ok) throw new RegistrationError(source, [`$.sender_localpart: ${free.error.error}`]);
  const entry = hs.appServices.add(registration, source, o.params);
  // The sender user exists as soon as the registration is loaded (Synapse creates it then).
  if (!hs.users.has(entry.senderUserId)) hs.registerUser(registration.sender_localpart, entry);

  const node = entry.node;
  const pushes = node
    ? new AppServiceSender({
        serverName: hs.name,
        serviceId: entry.id,
        node,
        hsToken: registration.hs_token,
        params: entry.params,
        trace: hs.trace,
        nowMs: () => sim.nowMs,
        // Owned by the homeserver: its crash cancels the retry timer (restart() resumes).
        schedule: (delayMs, label, run) => sim.after(delayMs, label, run, hs.name),
        cancel: (action) => sim.scheduler.cancel(action),
        request: (to, request, onOutcome) => hs.request(to, request, onOutcome),
      })
    : undefined;
  const service = new AppService(
    { sim, hs, entry, pushes, newClient: (userId, reachable) => o.newClient(entry, userId, reachable) },
    o.behaviour,
  );
  service.listen();
  if (pushes) {
    hs.onEvent((room, event) => {
      const aliases = [...hs.directory.aliasesFor(room.roomId), ...canonicalAliases(room)];
      if (interestIn(entry, room, event.pdu, aliases))
        pushes.enqueue(toClientEvent(room.roomId, event.id, event.clientPdu ?? event.pdu));
    });
  }
  hs.trace.add({
    kind: "as.registered",
    server: hs.name,
    service: entry.id,
    url: registration.url,
    sender: entry.senderUserId,
    namespaces: entry.namespaces.toJson(),
    protocols: [...registration.protocols].sort(),
  });
  return service;
}
