// A fetch function that answers from the front end in the same process, without a
// socket: give it to matrix-js-sdk's createClient({ fetchFn }) and the SDK's requests
// go straight into the handler. Its base URLs are `http://<server>.netsplit.invalid`.

import type { FrontEnd } from "./front-end.ts";

export const IN_PROCESS_SUFFIX = ".netsplit.invalid";

export function inProcessBaseUrl(server: string): string {
  return `http://${server}${IN_PROCESS_SUFFIX}`;
}

export function inProcessFetch(frontEnd: FrontEnd): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    if (!url.hostname.endsWith(IN_PROCESS_SUFFIX))
      throw new TypeError(`fetch failed: ${url.hostname} is not a netsplit server`);
    const server = url.hostname.slice(0, -IN_PROCESS_SUFFIX.length);
    const headers = new Headers(init?.headers ?? request?.headers);
    const body = init?.body ?? (request ? await request.text() : undefined);
    const response = await frontEnd.handle(server, {
      method: (init?.method ?? request?.method ?? "GET").toUpperCase(),
      url: url.pathname + url.search,
      headers: { authorization: headers.get("authorization") ?? undefined },
      body: typeof body === "string" ? body : body === undefined || body === null ? "" : String(body),
    });
    return new Response(response.status === 204 ? null : response.body, {
      status: response.status,
      headers: response.headers,
    });
  };
}
