import { describe, expect, it } from "vitest";
import { RegistrationError, validateRegistration } from "../../../sim/appservice/registration.ts";
import { World } from "../../../sim/world.ts";
import { registration } from "./helpers.ts";

function problemsOf(json: unknown): string[] {
  try {
    validateRegistration(json, "irc.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(RegistrationError);
    expect((e as Error).message.startsWith("irc.yaml: ")).toBe(true);
    return [...(e as RegistrationError).problems];
  }
  return [];
}

describe("registration", () => {
  it("accepts the spec's example shape and fills the defaults", () => {
    const r = validateRegistration(
      { ...registration(), namespaces: { users: [{ exclusive: true, regex: "@_irc_bridge_.*" }] } },
      "irc.yaml",
    );
    expect(r.namespaces).toEqual({ users: [{ regex: "@_irc_bridge_.*", exclusive: true }], aliases: [], rooms: [] });
    expect(r.rate_limited).toBe(true);
    expect(r.protocols).toEqual([]);
    expect(r.receive_ephemeral).toBe(false);
  });

  it("allows url: null (nothing is pushed)", () => {
    expect(validateRegistration(registration({ url: null }), "x").url).toBeNull();
  });

  it("names every problem by its JSON path", () => {
    const problems = problemsOf({
      id: "",
      as_token: 7,
      sender_localpart: "Bad Name",
      namespaces: { users: [{ regex: "@_irc_(.*:hs1", exclusive: true }, { regex: "@x" }, "nope"], channels: [] },
      rate_limited: "yes",
      protocols: ["irc", ""],
      sender_local_part: "typo",
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        "$.id: must not be empty",
        "$.as_token: must be a string, got number",
        "$.hs_token: required",
        expect.stringMatching(/^\$\.sender_localpart: "Bad Name" is not a valid localpart/),
        expect.stringMatching(/^\$\.url: required/),
        expect.stringMatching(
          /^\$\.namespaces\.users\[0\]\.regex: "@_irc_\(\.\*:hs1" is not a valid regular expression/,
        ),
        "$.namespaces.users[1].exclusive: required, true or false",
        "$.namespaces.users[2]: must be an object with regex and exclusive, got string",
        "$.namespaces.channels: unknown namespace (known: users, aliases, rooms)",
        "$.rate_limited: must be true or false, got string",
        "$.protocols[1]: must be a non-empty string",
        expect.stringMatching(/^\$\.sender_local_part: unknown field/),
      ]),
    );
    expect(problems).toHaveLength(12);
  });

  it("ignores vendor extensions (names with a dot) but not typos", () => {
    expect(problemsOf({ ...registration(), "org.matrix.msc3202": true })).toEqual([]);
    expect(problemsOf({ ...registration(), namespace: {} })).toEqual([
      expect.stringMatching(/^\$\.namespace: unknown field/),
    ]);
  });

  it("needs namespaces, even if empty", () => {
    const { namespaces: _, ...rest } = registration();
    expect(problemsOf(rest)).toEqual([expect.stringMatching(/^\$\.namespaces: required/)]);
    expect(problemsOf({ ...rest, namespaces: {} })).toEqual([]);
  });

  it("a homeserver keeps id, as_token and sender user unique, and the url a free node name", () => {
    const world = new World({ seed: 1, signing: false });
    world.addServer("hs1");
    world.addServer("hs2");
    world.addAppService("hs1", registration());
    const load = (r: object) => () =>
      world.addAppService("hs1", {
        ...registration(),
        url: "other",
        as_token: "t2",
        sender_localpart: "other_bot",
        ...r,
      });
    expect(load({ id: "irc" })).toThrow(/\$\.id: "irc" is already registered on hs1/);
    expect(load({ id: "b", as_token: "as-secret" })).toThrow(/\$\.as_token: already used by application service "irc"/);
    expect(load({ id: "b", sender_localpart: "_irc_bot" })).toThrow(/sender_localpart/);
    expect(load({ id: "b", url: "hs2" })).toThrow(/\$\.url: "hs2" is already a node/);
    expect(load({ id: "b", url: "irc-bridge" })).toThrow(/\$\.url: "irc-bridge" is already a node/);
    // Another service's exclusive namespace cannot hold this one's sender user.
    expect(load({ id: "b", sender_localpart: "_irc_x" })).toThrow(
      /\$\.sender_localpart: @_irc_x:hs1 is reserved by application service irc/,
    );
    // The same id on another homeserver is a different service.
    expect(() => world.addAppService("hs2", { ...registration(), url: "irc-bridge-2" })).not.toThrow();
    expect(world.appServiceNames()).toEqual(["irc-bridge", "irc-bridge-2"]);
  });

  it("records the registration in the trace, for the web view to draw the service by its server", () => {
    const world = new World({ seed: 1, signing: false });
    world.addServer("hs1");
    world.addAppService("hs1", registration({ protocols: ["irc"] }));
    const r = world.trace.all().find((x) => x.kind === "as.registered");
    expect(r).toMatchObject({
      server: "hs1",
      service: "irc",
      url: "irc-bridge",
      sender: "@_irc_bot:hs1",
      protocols: ["irc"],
    });
    expect(world.server("hs1").users.has("@_irc_bot:hs1" as never)).toBe(true);
  });
});
