// What the HTTP front end remembers per virtual homeserver, beyond what the homeserver
// itself holds: passwords, devices (access token → device id), the transaction ids of
// sends (idempotent per device), filters, account data, and the state each sync token
// stands for. It lives in http/ because the simulated clients need none of it; it is
// rebuilt exactly by a replay, since it changes only when a request is applied.

import type { JsonObject } from "../core/index.ts";

export interface Device {
  userId: string;
  deviceId: string;
}

/** What a client was shown of one room by a sync: its membership, and the state events it holds. */
export interface KnownRoom {
  membership: string;
  /** `JSON.stringify([type, stateKey])` → event id. */
  state: Map<string, string>;
}

/** What one sync token stands for: the stream position and each room as the client then knew it. */
export interface KnownState {
  position: number;
  rooms: Map<string, KnownRoom>;
}

/** Sync tokens remembered per device; an older token is answered as an initial sync. */
export const SYNC_TOKENS_PER_DEVICE_MAX = 32;
/** Send transaction ids remembered per device (the oldest are forgotten first). */
export const TXN_IDS_PER_DEVICE_MAX = 10_000;

export class HttpServerState {
  readonly passwords = new Map<string, string>();
  readonly devices = new Map<string, Device>();
  /** `${accessToken} ${txnId}` → the event id the first send got (or the pending answer). */
  readonly txns = new Map<string, string>();
  readonly filters = new Map<string, JsonObject[]>();
  readonly accountData = new Map<string, Map<string, JsonObject>>();
  /** Access token → sync token → what it stands for, oldest first. */
  private readonly syncTokens = new Map<string, Map<string, KnownState>>();
  private deviceCounter = 0;
  private syncCounter = 0;

  constructor(readonly server: string) {}

  newDeviceId(): string {
    return `NETSPLIT${++this.deviceCounter}`;
  }

  rememberSync(accessToken: string, known: KnownState): string {
    const token = `s${known.position}_${++this.syncCounter}`;
    let tokens = this.syncTokens.get(accessToken);
    if (!tokens) this.syncTokens.set(accessToken, (tokens = new Map()));
    tokens.set(token, known);
    while (tokens.size > SYNC_TOKENS_PER_DEVICE_MAX) tokens.delete(tokens.keys().next().value!);
    return token;
  }

  knownFor(accessToken: string, syncToken: string): KnownState | undefined {
    return this.syncTokens.get(accessToken)?.get(syncToken);
  }

  forgetDevice(accessToken: string): void {
    this.devices.delete(accessToken);
    this.syncTokens.delete(accessToken);
  }

  rememberTxn(accessToken: string, txnId: string, eventId: string): void {
    this.txns.set(`${accessToken} ${txnId}`, eventId);
    if (this.txns.size > TXN_IDS_PER_DEVICE_MAX * Math.max(1, this.devices.size))
      this.txns.delete(this.txns.keys().next().value!);
  }

  txn(accessToken: string, txnId: string): string | undefined {
    return this.txns.get(`${accessToken} ${txnId}`);
  }

  filter(userId: string, id: string): JsonObject | undefined {
    const list = this.filters.get(userId);
    const n = Number(id);
    return list && /^\d+$/.test(id) ? list[n] : undefined;
  }

  addFilter(userId: string, filter: JsonObject): string {
    const list = this.filters.get(userId) ?? [];
    this.filters.set(userId, list);
    list.push(filter);
    return String(list.length - 1);
  }
}
