// The public API of core/: the Matrix protocol as pure functions. Other folders and
// outside test suites import from here, never from the files behind it. It holds what
// the layers above use, the types of those signatures, and the spec's named steps of
// state resolution; helpers behind them stay in their files (docs/core.md).

export type { JsonObject, JsonPrimitive, JsonValue } from "./json.ts";
export { isJsonObject } from "./json.ts";
export {
  CanonicalJsonError,
  canonicalJson,
  canonicalJsonBytes,
  canonicalJsonIfPlain,
  compareCodePoints,
} from "./canonical-json.ts";
export { CanonicalJsonWriter } from "./canonical-json-writer.ts";
export { utf8ByteLength } from "./utf8.ts";
export { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url } from "./base64.ts";
export type { EventId, KeyId, RoomId, ServerName, UserId } from "./ids.ts";
export {
  IdentifierError,
  isStrictUserLocalpart,
  parseEventId,
  parseKeyId,
  parseRoomId,
  parseServerName,
  parseUserId,
  serverOfUser,
} from "./ids.ts";
export type {
  AuthRules,
  CustomResolver,
  CustomResolverContext,
  EventIdFormat,
  RedactionRules,
  RoomVersion,
  RoomVersionOverrides,
  SpecRoomVersionId,
  StateResAlgorithm,
  StateResRules,
} from "./room-versions.ts";
export { defineRoomVersion, parseRoomVersion, ROOM_VERSIONS, UnknownRoomVersionError } from "./room-versions.ts";
export type {
  CreateContent,
  EventRef,
  JoinRule,
  JoinRulesContent,
  MemberContent,
  Membership,
  Pdu,
  PowerLevelsContent,
  PowerLevelValue,
  StateContent,
  StateContentByType,
  ThirdPartyInviteContent,
  TypedPdu,
} from "./events.ts";
export { authEventIds, contentOf, isStateEvent, prevEventIds, refId } from "./events.ts";
export type { Base64Alphabet, CryptoBackend, Hasher, IncrementalSha256, Signer } from "./crypto.ts";
export { sha256TextBase64 } from "./sha256-text.ts";
export { nobleCrypto } from "./crypto-noble.ts";
export { redactEvent, redactionContentKeys, redactionTopLevelKeys } from "./redaction.ts";
export {
  checkContentHash,
  computeContentHash,
  computeEventId,
  computeReferenceHash,
  computeRoomId,
  roomVersionOfCreate,
} from "./hashes.ts";
export { signEvent, signJson, verifyEventSignature, verifyJson } from "./signing.ts";
export type { BuildEventInput, BuiltEvent, PrevEvent, SigningKey } from "./build-event.ts";
export { buildEvent } from "./build-event.ts";
export type { StateKey, StateMap } from "./state-map.ts";
export { splitStateKey, stateKey, stateMapOf, stateMapToObject } from "./state-map.ts";
export * from "./auth/index.ts";
export * from "./state-res/index.ts";
export * from "./fixture/index.ts";
export { BinaryHeap } from "./binary-heap.ts";
export { COUNTED_OPS, countOp, installOpCounter, zeroOpCounts, type CountedOp, type OpCounts } from "./op-counts.ts";
