// sim/'s front door: everything the layers above (scenarios/, cli/, viz/, bench/) may use
// of the engine, and nothing more. test/tidy.test.ts keeps code outside sim/ to this file,
// plus sim/trace.ts for the trace's types (the trace is the contract with viz/, whose view
// model reads the records without pulling in the engine). Inside sim/, import the files
// themselves, never this one: it would make cycles.

// The world: servers, network and clients on one virtual clock, and its run limits.
export { World } from "./world.ts";
export { DEFAULT_RUN_LIMITS, type Simulation } from "./simulation.ts";

// Seeded randomness: named streams derived from one seed.
export { RandomStreams, type Rng } from "./random.ts";

// Traffic models: when users send, each process from its own random stream.
export {
  arrivals,
  meanRatePerSec,
  startTraffic,
  TRAFFIC_LIMITS,
  TRAFFIC_MODELS,
  type TrafficModel,
  type TrafficModelName,
  type TrafficSpec,
} from "./traffic.ts";

// The simulated client and what its calls return.
export { localHistory, type Client, type SyncRoom } from "./client.ts";
export type { Result } from "./matrix-error.ts";

// The server side of the Client-Server API and what it shows clients, for front ends
// that speak HTTP (http/): the same functions the simulated Client calls.
export * as clientServerApi from "./homeserver/client-server-api.ts";
export * as clientViews from "./homeserver/client-views.ts";
export * as ephemeral from "./homeserver/ephemeral.ts";
export type { ClientEventView, RoomMembershipView } from "./homeserver/client-views.ts";
export type { Homeserver } from "./homeserver/homeserver.ts";
export type { MatrixError } from "./matrix-error.ts";

// How a homeserver is set up: rooms, federation timing, clock skew, adversaries, and the
// cache of signature verdicts that runs of one process share.
export { DEFAULT_ROOM_VERSION, type RoomPreset } from "./homeserver/room-presets.ts";
export {
  DEFAULT_FEDERATION_PARAMS,
  FEDERATION_PARAM_CHOICES,
  FEDERATION_PRESETS,
  NETSPLIT_0_1_FEDERATION_PARAMS,
  DUMMY_EVENT_POLICIES,
  PREV_EVENTS_SELECTIONS,
  type DummyEventPolicy,
  type FederationParams,
  type PrevEventsSelection,
} from "./homeserver/federation-params.ts";
export type { ClockSkew } from "./homeserver/server-clock.ts";
export { withVerificationCache } from "./homeserver/verification-cache.ts";
export type { AdversarySpec } from "./adversary.ts";

// Application services: bots and bridges plug in here.
export type { AppService, AppServiceBehaviour } from "./appservice/service.ts";
export type { ClientEvent } from "./appservice/client-event.ts";

// The network: links, partitions and their shapes, and what it counted.
export { DEFAULT_LINK, validateLinkConfig, type LinkConfig } from "./network/link-config.ts";
export type { NetworkStats } from "./network/network.ts";
export {
  buildPartition,
  CUT_MODES,
  describePartition,
  PARTITION_SHAPES,
  type BlockedMap,
  type PartitionShapeName,
  type PartitionSpec,
} from "./partitions.ts";

// Checkers that only observe: safety properties and the run to convergence.
export { checkAcyclic, checkAuthSafety, checkSignatureSafety, runToConvergence } from "./checkers.ts";

// The trace: its records, its hash and its JSON Lines form.
export {
  parseTraceJsonLines,
  traceHash,
  traceNumbers,
  traceToJsonLines,
  TRACE_RETENTIONS,
  TraceNotKeptError,
  type TraceRetention,
  type CutMode,
  type FaultKind,
  type PduSummary,
  type TraceRecord,
} from "./trace.ts";
