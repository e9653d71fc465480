// An event's pure facts: its format verdict, its id, whether its signatures verify
// under given keys and whether its content hash matches. They depend only on the event
// and the room version (and the public keys), every receiving server is handed the
// same PDU object, and nothing mutates a PDU once it is built (a forger builds a new
// one). So each fact is computed once per event object and version, not once per
// receiving server: one ed25519 verification per signature in the whole world. The
// check against its own auth events is such a fact too, given the very objects it was
// checked against (a server may hold a redacted copy of one) and which were rejected.
// (Every hashing backend gives the same bytes, so the one a fact was computed with
// does not matter.) The server that builds an event hands over what building it
// computed (its id; that its content hash is its own), so no receiver computes those
// again.

import {
  checkContentHash,
  countOp,
  computeEventId,
  encodeBase64,
  isJsonObject,
  type AuthResult,
  type BuiltEvent,
  type CryptoBackend,
  type EventId,
  type FormatResult,
  type Pdu,
  type RoomVersion,
  type SignatureResult,
  type StateKey,
  type StateMap,
} from "../../core/index.ts";
import {
  authEventsInState,
  checkAuth,
  checkPduFormat,
  checkPduSignaturesAndHash,
  requiredSigners,
} from "./protocol.ts";

interface Facts {
  /** Its size as canonical JSON, when its builder measured it. */
  canonicalBytes: number | undefined;
  /** By skipCountLimits. */
  format: [FormatResult | undefined, FormatResult | undefined];
  id: EventId | undefined;
  /** Whether hashes.sha256 matches the event (independent of keys). */
  contentHash: boolean | undefined;
  /** Per required signer, its ed25519 key ids (pduSignerKeys). */
  signerKeys: readonly SignerKeys[] | undefined;
  /** By the public keys the check used ("" when signatures were skipped). */
  signatures: Map<string, SignatureResult> | undefined;
  /** By the auth events (objects) and their rejection: see pduOwnAuth. */
  ownAuth: Map<string, AuthResult> | undefined;
  /** The last of those questions and its answer. */
  lastOwnAuth: (OwnAuthQuestion & { result: AuthResult }) | undefined;
  /** Steps 5-6: the last state events (objects, by key) the event was checked against, and the answer. */
  lastStateAuth: { events: ReadonlyMap<StateKey, Pdu>; result: AuthResult } | undefined;
}

/** What step 4's answer depends on besides the event: the objects it was checked against, and which were rejected. */
interface OwnAuthQuestion {
  cited: readonly Pdu[];
  createEvent: Pdu | undefined;
  rejected: readonly boolean[];
}

const factsByEvent = new WeakMap<object, Map<RoomVersion, Facts>>();

function factsOf(pdu: object, version: RoomVersion): Facts {
  let byVersion = factsByEvent.get(pdu);
  if (!byVersion) {
    byVersion = new Map();
    factsByEvent.set(pdu, byVersion);
  }
  let facts = byVersion.get(version);
  if (!facts) {
    facts = {
      canonicalBytes: undefined,
      format: [undefined, undefined],
      id: undefined,
      contentHash: undefined,
      signerKeys: undefined,
      signatures: undefined,
      ownAuth: undefined,
      lastOwnAuth: undefined,
      lastStateAuth: undefined,
    };
    byVersion.set(version, facts);
  }
  return facts;
}

/** checkPduFormat, once per event object. */
export function pduFormat(
  raw: unknown,
  version: RoomVersion,
  options: { skipCountLimits?: boolean } = {},
): FormatResult {
  if (!isJsonObject(raw)) return checkPduFormat(raw, version, options);
  const slot = options.skipCountLimits ? 1 : 0;
  const facts = factsOf(raw, version);
  return (facts.format[slot] ??= checkPduFormat(raw, version, { ...options, canonicalBytes: facts.canonicalBytes }));
}

/** computeEventId, once per event object. */
export function pduEventId(pdu: Pdu, version: RoomVersion, hasher: CryptoBackend): EventId {
  const facts = factsOf(pdu, version);
  return (facts.id ??= computeEventId(pdu, version, hasher));
}

/**
 * What buildEvent computed for the event object it returned: its id, its content hash
 * (the hash it wrote is of this very content, and the object is never changed after)
 * and its canonical size.
 */
export function rememberBuiltEvent(pdu: Pdu, version: RoomVersion, built: BuiltEvent): void {
  const facts = factsOf(pdu, version);
  facts.id ??= built.eventId;
  facts.contentHash ??= true;
  facts.canonicalBytes ??= built.canonicalBytes;
}

/**
 * checkPduSignaturesAndHash, once per event object and set of public keys: the keys
 * `lookupKey` gives for the signatures the event carries are part of the question.
 */
export function pduSignaturesAndHash(
  pdu: Pdu,
  version: RoomVersion,
  lookupKey: (server: string, keyId: string) => Uint8Array | undefined,
  crypto: CryptoBackend,
  options: { skipSignatures?: boolean },
): SignatureResult {
  const facts = factsOf(pdu, version);
  const keys = options.skipSignatures ? "" : keysUsed(pdu, version, lookupKey);
  facts.signatures ??= new Map();
  let result = facts.signatures.get(keys);
  if (!result) {
    result = checkPduSignaturesAndHash(pdu, version, lookupKey, crypto, {
      ...options,
      contentHashMatches: () => (facts.contentHash ??= checkContentHash(pdu, crypto)),
    });
    facts.signatures.set(keys, result);
  }
  return result;
}

/** One server whose signature the event needs, and the ed25519 key ids it signed with. */
export interface SignerKeys {
  server: string;
  /** In the order the event lists them. */
  keyIds: readonly string[];
  /** Sorted: the order the signature check tries them. */
  sortedKeyIds: readonly string[];
}

/**
 * The servers whose signatures the event needs (requiredSigners' order) with their
 * ed25519 key ids, once per event object and version: every receiving server asks on
 * every delivery (are the keys at hand? which keys did the check use?), and the answer
 * depends only on the event.
 */
export function pduSignerKeys(pdu: Pdu, version: RoomVersion): readonly SignerKeys[] {
  const facts = factsOf(pdu, version);
  return (facts.signerKeys ??= requiredSigners(pdu, version).map((server) => {
    const keyIds = ed25519KeyIds(pdu, server);
    return { server, keyIds, sortedKeyIds: [...keyIds].sort() };
  }));
}

/** The ed25519 key ids a server signed the event with, in the order the event lists them. */
export function ed25519KeyIds(pdu: Pdu, server: string): string[] {
  const byKey = pdu.signatures?.[server];
  return isJsonObject(byKey) ? Object.keys(byKey).filter((k) => k.startsWith("ed25519:")) : [];
}

/** The public keys (or their absence) of every signature the check may try, in its order. */
function keysUsed(
  pdu: Pdu,
  version: RoomVersion,
  lookupKey: (server: string, keyId: string) => Uint8Array | undefined,
): string {
  let out = "signed";
  for (const { server, sortedKeyIds } of pduSignerKeys(pdu, version)) {
    for (const keyId of sortedKeyIds) {
      const key = lookupKey(server, keyId);
      out += `\u0000${server}\u0000${keyId}\u0000${key ? encodeBase64(key) : "-"}`;
    }
  }
  return out;
}

/** Numbers for objects, to name a set of them in a cache key (never part of a result). */
const serials = new WeakMap<object, number>();
let nextSerial = 0;

function serialOf(o: object): number {
  let n = serials.get(o);
  if (n === undefined) {
    n = nextSerial++;
    serials.set(o, n);
  }
  return n;
}

/**
 * Step 4 of the receive pipeline (its auth_events list, then the auth rules against
 * those events), once per event object and question: `check` runs only for a
 * combination of auth event objects, create event and rejections not seen before.
 */
export function pduOwnAuth(
  question: {
    pdu: Pdu;
    version: RoomVersion;
    cited: readonly Pdu[];
    createEvent: Pdu | undefined;
    rejected: readonly boolean[];
  },
  check: () => AuthResult,
): AuthResult {
  const facts = factsOf(question.pdu, question.version);
  // Every receiver of an event usually asks the same question (the same objects: an
  // event is stored as the very object that arrived): compared with the last one first,
  // without building its key.
  const last = facts.lastOwnAuth;
  if (last && sameQuestion(last, question)) return last.result;
  const result = ownAuthByKey(facts, question, check);
  facts.lastOwnAuth = { createEvent: question.createEvent, cited: question.cited, rejected: question.rejected, result };
  return result;
}

function sameQuestion(a: OwnAuthQuestion, b: OwnAuthQuestion): boolean {
  if (a.createEvent !== b.createEvent || a.cited.length !== b.cited.length) return false;
  for (let i = 0; i < a.cited.length; i++)
    if (a.cited[i] !== b.cited[i] || a.rejected[i] !== b.rejected[i]) return false;
  return a.rejected.length === b.rejected.length;
}

function ownAuthByKey(facts: Facts, question: OwnAuthQuestion, check: () => AuthResult): AuthResult {
  let key = question.createEvent ? String(serialOf(question.createEvent)) : "-";
  for (const c of question.cited) key += `,${serialOf(c)}`;
  for (const r of question.rejected) key += r ? "r" : ".";
  facts.ownAuth ??= new Map();
  let result = facts.ownAuth.get(key);
  if (!result) {
    result = check();
    facts.ownAuth.set(key, result);
  }
  return result;
}

/**
 * Steps 5 and 6 of the receive pipeline (checkAuthAgainstState), answered again without
 * running the rules when the state holds the very event objects at the very keys the
 * last check of this event saw: every receiver of an event in a quiet room checks it
 * against the same objects (an event is stored as the object that arrived).
 */
export function pduAuthAgainstState(
  pdu: Pdu,
  version: RoomVersion,
  state: StateMap,
  fetchEvent: (id: EventId) => Pdu | undefined,
): AuthResult {
  const events = authEventsInState(pdu, state, fetchEvent, version);
  const facts = factsOf(pdu, version);
  const last = facts.lastStateAuth;
  if (last && sameEvents(last.events, events)) return last.result;
  countOp("checkAuthAgainstState");
  const result = checkAuth(pdu, events, version);
  facts.lastStateAuth = { events, result };
  return result;
}

function sameEvents(a: ReadonlyMap<StateKey, Pdu>, b: ReadonlyMap<StateKey, Pdu>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, event] of a) if (b.get(key) !== event) return false;
  return true;
}
