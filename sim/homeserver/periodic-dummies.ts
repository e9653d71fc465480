// The dummy-event job (FederationParams.dummyEvents "synapse" or "periodic"): every
// dummyEventsEveryMs, for rooms with more than extremitiesBeforeDummyMax forward
// extremities, one org.matrix.dummy_event sent as the first local member allowed to,
// on the ordinary prev_events selection (Synapse builds it like any event).
//
// "synapse" follows EventCreationHandler._send_dummy_events_to_fill_extremities
// (synapse/handlers/message.py): at most 5 rooms per run, the widest first
// (get_rooms_with_many_extremities); a room where no local member may send is left out
// for 7 days; and the dummy is not pushed to other servers (_send_dummy_event_for_room
// marks it proactively_send = false), who fetch it when a later event cites it.
// "periodic" (issue 16's model) takes every wide room, never excludes one, and pushes
// each dummy like any event.
//
// The job is only on the scheduler while some room is wide: it is armed when an event
// leaves a room wide and runs at the server's next tick of the period (a phase drawn
// once per server), which is what a job that runs every period and finds nothing to do
// most of the time would do. A quiet world therefore has nothing scheduled, so runs
// still end and convergence is still detected by an empty scheduler.

import type { UserId } from "../../core/index.ts";
import type { ScheduledAction } from "../scheduler.ts";
import type { Simulation } from "../simulation.ts";
import type { FederationParams } from "./federation-params.ts";
import type { RoomStore } from "./room-store.ts";

/** Synapse's limits on one run of the job (message.py). */
export const SYNAPSE_DUMMY_JOB = {
  /** get_rooms_with_many_extremities(limit=5). */
  roomsPerRunMax: 5,
  /** _DUMMY_EVENT_ROOM_EXCLUSION_EXPIRY: a room nobody local could send in is skipped this long. */
  exclusionMs: 7 * 24 * 3600_000,
} as const;

export interface DummyJobHost {
  readonly name: string;
  readonly params: FederationParams;
  isUp(): boolean;
  readonly rooms: ReadonlyMap<string, RoomStore>;
  /** This server's users joined to the room, sorted. */
  localMembers(room: RoomStore): UserId[];
  /** Build and send a dummy event as `sender` (pushed to the room's servers or not); false when the auth rules refuse it. */
  sendDummy(room: RoomStore, sender: UserId, push: boolean): boolean;
}

export class PeriodicDummyJob {
  private pending: ScheduledAction | undefined;
  private phaseMs: number | undefined;
  /** Rooms where no local member could send, and when that was found (Synapse keeps this in memory). */
  private excluded = new Map<string, number>();

  constructor(
    private readonly host: DummyJobHost,
    private readonly sim: Simulation,
  ) {}

  private get synapse(): boolean {
    return this.host.params.dummyEvents === "synapse";
  }

  /** After an event in `room`: make sure the job will run if the room is wide. */
  armIfWide(room: RoomStore): void {
    if (!this.isWide(room) || this.isExcluded(room)) return;
    if (this.pending && !this.pending.cancelled && !this.pending.ran) return;
    const every = this.host.params.dummyEventsEveryMs;
    this.phaseMs ??= Math.floor(this.sim.stream(`dummy-job:${this.host.name}`).next() * every);
    const now = this.sim.nowMs;
    const nextTick = now + every - ((((now - this.phaseMs) % every) + every) % every);
    // Owned by the server: a crash cancels it, as it stops Synapse's looping call.
    this.pending = this.sim.at(nextTick, `dummy job ${this.host.name}`, () => this.run(), this.host.name);
  }

  /** After a restart: the exclusions were in memory; the job starts again if a room was left wide. */
  restart(): void {
    this.excluded = new Map();
    for (const room of this.sortedRooms()) this.armIfWide(room);
  }

  private run(): void {
    this.pending = undefined;
    if (!this.host.isUp()) return;
    for (const room of this.roomsToMerge()) {
      // Any local member the auth rules allow (Synapse tries its users in turn).
      const sent = this.host.localMembers(room).some((user) => this.host.sendDummy(room, user, !this.synapse));
      if (!sent && this.synapse) this.excluded.set(room.roomId, this.sim.nowMs);
    }
  }

  /** The wide rooms one run takes: all of them, or Synapse's widest five (ties by room id). */
  private roomsToMerge(): RoomStore[] {
    const wide = this.sortedRooms().filter((r) => this.isWide(r) && !this.isExcluded(r));
    if (!this.synapse) return wide;
    return wide
      .map((room) => ({ room, width: room.extremityCount }))
      .sort((a, b) => b.width - a.width)
      .slice(0, SYNAPSE_DUMMY_JOB.roomsPerRunMax)
      .map(({ room }) => room);
  }

  private isExcluded(room: RoomStore): boolean {
    const since = this.excluded.get(room.roomId);
    if (since === undefined) return false;
    if (this.sim.nowMs - since <= SYNAPSE_DUMMY_JOB.exclusionMs) return true;
    this.excluded.delete(room.roomId);
    return false;
  }

  private isWide(room: RoomStore): boolean {
    return room.extremityCount > this.host.params.extremitiesBeforeDummyMax;
  }

  private sortedRooms(): RoomStore[] {
    return [...this.host.rooms.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }
}
