// What a network message is, read from its trace label (`what` of net.sent): a
// federation transaction, an application-service push, another request, or a response.
// The label is "<METHOD> <path>" for requests and "<status> <path>" for responses
// (sim/network/rpc.ts), so no extra record is needed to tell them apart.

export type MessageKind = "txn" | "as-txn" | "request" | "response";

const FEDERATION_SEND = "/_matrix/federation/v1/send/";
const APPSERVICE_TRANSACTIONS = "/_matrix/app/v1/transactions/";

export function messageKind(what: string): MessageKind {
  if (/^\d{3} /.test(what)) return "response";
  if (what.startsWith(`PUT ${FEDERATION_SEND}`)) return "txn";
  if (what.startsWith(`PUT ${APPSERVICE_TRANSACTIONS}`)) return "as-txn";
  return "request";
}

/** The transaction id of a federation or application-service push request, else null. */
export function transactionIdOf(what: string): string | null {
  for (const prefix of [`PUT ${FEDERATION_SEND}`, `PUT ${APPSERVICE_TRANSACTIONS}`]) {
    if (what.startsWith(prefix)) return decodeURIComponent(what.slice(prefix.length));
  }
  return null;
}

/** A short label for a message: "send 3 PDUs", "make_join", "200 send_join". */
export function messageLabel(what: string, pdus: number): string {
  const kind = messageKind(what);
  if (kind === "txn") return `txn · ${pdus} PDU${pdus === 1 ? "" : "s"}`;
  if (kind === "as-txn") return `push · ${pdus} event${pdus === 1 ? "" : "s"}`;
  const [head, path = ""] = what.split(" ", 2);
  const endpoint = path.replace(/^\/_matrix\/(federation|key|app)\/v\d\//, "").split("/")[0] ?? path;
  return kind === "response" ? `${head} ${endpoint}` : endpoint;
}
