// Synapse's dummy-event job (FederationParams.dummyEvents = "periodic"): every
// dummyEventsEveryMs, for every room with more than extremitiesBeforeDummyMax forward
// extremities, one org.matrix.dummy_event sent as the first local member allowed to,
// on the ordinary prev_events selection (Synapse builds it like any event).
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

export interface DummyJobHost {
  readonly name: string;
  readonly params: FederationParams;
  isUp(): boolean;
  readonly rooms: ReadonlyMap<string, RoomStore>;
  /** This server's users joined to the room, sorted. */
  localMembers(room: RoomStore): UserId[];
  /** Build and send a dummy event as `sender`; false when the auth rules refuse it. */
  sendDummy(room: RoomStore, sender: UserId): boolean;
}

export class PeriodicDummyJob {
  private pending: ScheduledAction | undefined;
  private phaseMs: number | undefined;

  constructor(
    private readonly host: DummyJobHost,
    private readonly sim: Simulation,
  ) {}

  /** After an event in `room`: make sure the job will run if the room is wide. */
  armIfWide(room: RoomStore): void {
    if (!this.isWide(room)) return;
    if (this.pending && !this.pending.cancelled && !this.pending.ran) return;
    const every = this.host.params.dummyEventsEveryMs;
    this.phaseMs ??= Math.floor(this.sim.stream(`dummy-job:${this.host.name}`).next() * every);
    const now = this.sim.nowMs;
    const nextTick = now + every - ((((now - this.phaseMs) % every) + every) % every);
    // Owned by the server: a crash cancels it, as it stops Synapse's looping call.
    this.pending = this.sim.at(nextTick, `dummy job ${this.host.name}`, () => this.run(), this.host.name);
  }

  /** After a restart: the job starts again if a room was left wide. */
  armForAllRooms(): void {
    for (const room of this.sortedRooms()) this.armIfWide(room);
  }

  private run(): void {
    this.pending = undefined;
    if (!this.host.isUp()) return;
    for (const room of this.sortedRooms()) {
      if (!this.isWide(room)) continue;
      // Any local member the auth rules allow (Synapse tries its users in turn).
      for (const user of this.host.localMembers(room)) if (this.host.sendDummy(room, user)) break;
    }
  }

  private isWide(room: RoomStore): boolean {
    return room.extremityIds().length > this.host.params.extremitiesBeforeDummyMax;
  }

  private sortedRooms(): RoomStore[] {
    return [...this.host.rooms.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }
}
