// http/'s front door: real Matrix clients over HTTP (docs/http.md). The front end that
// turns Client-Server API requests into calls on a world's homeservers, the clock
// driver, recordings and their replay, and the node:http listener.

export { FrontEnd, type AppliedRequest } from "./front-end.ts";
export { ClockDriver, CLOCK_MODES, type ClockMode, type ClockDriverOptions } from "./clock-driver.ts";
export {
  endLine,
  headerLine,
  parseRecording,
  replayRecording,
  requestLine,
  RecordingError,
  type Recording,
  type RecordingHeader,
} from "./recording.ts";
export { serveOnPorts, DEFAULT_HOST, type Listening } from "./node-server.ts";
export { EMPTY_SCENARIO, servedWorld } from "./served-world.ts";
export { inProcessFetch, inProcessBaseUrl } from "./in-process-fetch.ts";
export { InProcessSession, SessionStalled, type SessionLimits } from "./in-process-session.ts";
export { SimulatedTimers, VIRTUAL_EPOCH_MS } from "./simulated-timers.ts";
export { attachHttpAppService, HttpAppServiceForwarder, type HttpAppServiceOptions } from "./appservice-bridge.ts";
export type { HttpRequest, HttpResponse } from "./types.ts";
