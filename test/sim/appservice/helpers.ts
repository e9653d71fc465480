// Shared set-up for the application-service tests: a world, a registration and a
// service that records what it received.
import type { RegistrationInput } from "../../../sim/appservice/registration.ts";
import type { AppServiceBehaviour } from "../../../sim/appservice/service.ts";
import { World } from "../../../sim/world.ts";

export function registration(overrides: Partial<RegistrationInput> = {}): RegistrationInput {
  return {
    id: "irc",
    url: "irc-bridge",
    as_token: "as-secret",
    hs_token: "hs-secret",
    sender_localpart: "_irc_bot",
    namespaces: {
      users: [{ regex: "@_irc_.*:hs1", exclusive: true }],
      aliases: [{ regex: "#_irc_.*:hs1", exclusive: true }],
      rooms: [],
    },
    ...overrides,
  };
}

/** hs1 (with the service) and hs2, signing off for speed (signatures are not under test here). */
export function worldWithService(
  behaviour: AppServiceBehaviour = {},
  overrides: Partial<RegistrationInput> = {},
  seed = 1,
) {
  const world = new World({ seed, signing: false });
  world.addServer("hs1");
  world.addServer("hs2");
  const alice = world.addClient("@alice:hs1");
  const service = world.addAppService("hs1", registration(overrides), behaviour);
  return { world, alice, service, hs1: world.server("hs1") };
}

/** The event ids a service received, in order. */
export function receivedIds(service: { received: ReadonlyArray<{ event_id: string }> }): string[] {
  return service.received.map((e) => e.event_id);
}
