// Every error the issue lists, over a real socket, with the spec's status, errcode and
// CORS headers; the idempotency of sends; and /messages paging with its tokens.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REQUEST_BYTES_MAX } from "../../http/types.ts";
import { serve, type Served } from "./harness.ts";

describe("HTTP errors and paging", () => {
  let served: Served;
  let base: string;
  let token: string;

  async function call(method: string, path: string, body?: string, auth: string | null = token) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: auth === null ? {} : { Authorization: `Bearer ${auth}` },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return {
      status: response.status,
      cors: response.headers.get("access-control-allow-origin"),
      json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  }

  beforeAll(async () => {
    served = await serve({ mode: "lockstep" });
    base = served.url("hs1");
    const registered = await call(
      "POST",
      "/_matrix/client/v3/register",
      JSON.stringify({ username: "erin", password: "pw", auth: { type: "m.login.dummy" } }),
      null,
    );
    token = String(registered.json.access_token);
  });
  afterAll(async () => served?.close());

  it.each([
    ["an unknown endpoint", "GET", "/_matrix/client/v3/no/such/thing", undefined, 404, "M_UNRECOGNIZED"],
    ["a known path with the wrong method", "DELETE", "/_matrix/client/v3/sync", undefined, 405, "M_UNRECOGNIZED"],
    ["a body that is not JSON", "POST", "/_matrix/client/v3/createRoom", "{oops", 400, "M_NOT_JSON"],
    ["a JSON body that is no object", "POST", "/_matrix/client/v3/createRoom", "[1, 2]", 400, "M_BAD_JSON"],
    ["a field of the wrong type", "POST", "/_matrix/client/v3/createRoom", '{"name": 7}', 400, "M_BAD_JSON"],
    [
      "a body over the limit",
      "POST",
      "/_matrix/client/v3/createRoom",
      "x".repeat(REQUEST_BYTES_MAX + 1),
      413,
      "M_TOO_LARGE",
    ],
    ["an unknown room", "GET", "/_matrix/client/v3/rooms/!nope:hs1/state", undefined, 403, "M_FORBIDDEN"],
    ["a timeout that is no number", "GET", "/_matrix/client/v3/sync?timeout=abc", undefined, 400, "M_INVALID_PARAM"],
  ])("%s: %s %s → %i %s", async (_what, method, path, body, status, errcode) => {
    const r = await call(method, path, body);
    expect({ status: r.status, errcode: r.json.errcode, cors: r.cors }).toEqual({ status, errcode, cors: "*" });
    expect(typeof r.json.error).toBe("string");
  });

  it("answers 401 M_MISSING_TOKEN without a token and M_UNKNOWN_TOKEN for a bad one or after logout", async () => {
    expect((await call("GET", "/_matrix/client/v3/account/whoami", undefined, null)).json.errcode).toBe(
      "M_MISSING_TOKEN",
    );
    expect((await call("GET", "/_matrix/client/v3/account/whoami", undefined, "syt_nobody")).json).toMatchObject({
      errcode: "M_UNKNOWN_TOKEN",
    });
    const login = await call(
      "POST",
      "/_matrix/client/v3/login",
      JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user: "erin" }, password: "pw" }),
      null,
    );
    const second = String(login.json.access_token);
    expect((await call("GET", "/_matrix/client/v3/account/whoami", undefined, second)).json.user_id).toBe("@erin:hs1");
    expect((await call("POST", "/_matrix/client/v3/logout", "{}", second)).status).toBe(200);
    const after = await call("GET", "/_matrix/client/v3/account/whoami", undefined, second);
    expect({ status: after.status, errcode: after.json.errcode }).toEqual({ status: 401, errcode: "M_UNKNOWN_TOKEN" });
  });

  it("refuses a wrong password, a taken user name and a forbidden event with the spec's errcodes", async () => {
    const wrong = await call(
      "POST",
      "/_matrix/client/v3/login",
      JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user: "erin" }, password: "no" }),
      null,
    );
    expect({ status: wrong.status, errcode: wrong.json.errcode }).toEqual({ status: 403, errcode: "M_FORBIDDEN" });
    const taken = await call(
      "POST",
      "/_matrix/client/v3/register",
      JSON.stringify({ username: "erin", password: "pw", auth: { type: "m.login.dummy" } }),
      null,
    );
    expect({ status: taken.status, errcode: taken.json.errcode }).toEqual({ status: 400, errcode: "M_USER_IN_USE" });
    const room = String((await call("POST", "/_matrix/client/v3/createRoom", "{}")).json.room_id);
    const other = await call(
      "POST",
      "/_matrix/client/v3/register",
      JSON.stringify({ username: "frank", password: "pw", auth: { type: "m.login.dummy" } }),
      null,
    );
    const frank = String(other.json.access_token);
    const refused = await call("POST", `/_matrix/client/v3/join/${encodeURIComponent(room)}`, "{}", frank);
    expect({ status: refused.status, errcode: refused.json.errcode }).toEqual({ status: 403, errcode: "M_FORBIDDEN" });
  });

  it("answers a CORS preflight", async () => {
    const r = await fetch(`${base}/_matrix/client/v3/sync`, { method: "OPTIONS" });
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("sends once per transaction id, and pages /messages back and forth with its tokens", async () => {
    const room = encodeURIComponent(String((await call("POST", "/_matrix/client/v3/createRoom", "{}")).json.room_id));
    const first = await call(
      "PUT",
      `/_matrix/client/v3/rooms/${room}/send/m.room.message/t1`,
      '{"body":"one","msgtype":"m.text"}',
    );
    const retry = await call(
      "PUT",
      `/_matrix/client/v3/rooms/${room}/send/m.room.message/t1`,
      '{"body":"one","msgtype":"m.text"}',
    );
    expect(retry.json.event_id).toBe(first.json.event_id);
    for (const [i, body] of ["two", "three", "four"].entries())
      await call(
        "PUT",
        `/_matrix/client/v3/rooms/${room}/send/m.room.message/u${i}`,
        JSON.stringify({ body, msgtype: "m.text" }),
      );
    const filter = encodeURIComponent(JSON.stringify({ types: ["m.room.message"] }));
    const seen: string[] = [];
    let from: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await call(
        "GET",
        `/_matrix/client/v3/rooms/${room}/messages?dir=b&limit=2&filter=${filter}${from ? `&from=${from}` : ""}`,
      );
      const chunk = r.json.chunk as Array<{ content: { body: string } }>;
      seen.push(...chunk.map((e) => e.content.body));
      if (typeof r.json.end !== "string") break;
      from = r.json.end;
    }
    expect(seen).toEqual(["four", "three", "two", "one"]);
    const forward = await call("GET", `/_matrix/client/v3/rooms/${room}/messages?dir=f&limit=100&filter=${filter}`);
    expect((forward.json.chunk as Array<{ content: { body: string } }>).map((e) => e.content.body)).toEqual([
      "one",
      "two",
      "three",
      "four",
    ]);
  });
});
