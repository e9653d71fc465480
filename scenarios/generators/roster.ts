// Who is joined and who may moderate on one branch of a generated room, in user order,
// kept up to date as events are added. The generator used to recompute these lists by
// filtering every user on every step, which made building a room O(events × users):
// 30 of the benchmark's seconds at 500 users, before any resolution ran.

/** A set of small integers kept in ascending order: position lookups for random picks. */
export class OrderedSubset {
  constructor(private readonly items: number[] = []) {}

  copy(): OrderedSubset {
    return new OrderedSubset([...this.items]);
  }

  get size(): number {
    return this.items.length;
  }

  /** The member at `position` (0-based, ascending order). */
  at(position: number): number {
    const x = this.items[position];
    if (x === undefined) throw new Error(`OrderedSubset: no member at position ${position} of ${this.items.length}`);
    return x;
  }

  has(x: number): boolean {
    return this.items[this.lowerBound(x)] === x;
  }

  /** The position `x` has, or would have if it were a member. */
  positionOf(x: number): number {
    return this.lowerBound(x);
  }

  set(x: number, member: boolean): void {
    const i = this.lowerBound(x);
    const present = this.items[i] === x;
    if (member && !present) this.items.splice(i, 0, x);
    else if (!member && present) this.items.splice(i, 1);
  }

  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Levels that make a moderator (kicks, bans, topics) and one who may change power levels. */
export const MOD_LEVEL = 50;
export const SENIOR_LEVEL = 75;

/**
 * Users by index: 0 is the creator (who counts at every level), 1..n the others. Levels
 * are the generator's own bookkeeping of the PL event's `users` map.
 */
export class Roster {
  private constructor(
    private readonly joinedFlags: boolean[],
    private readonly levels: number[],
    /** Joined users. */
    readonly joined: OrderedSubset,
    /** Joined users at MOD_LEVEL or above, and the creator. */
    readonly mods: OrderedSubset,
    /** Joined users at SENIOR_LEVEL or above, and the creator. */
    readonly seniors: OrderedSubset,
  ) {}

  static empty(userCount: number): Roster {
    const none = () => new OrderedSubset();
    return new Roster(
      new Array<boolean>(userCount + 1).fill(false),
      new Array<number>(userCount + 1).fill(0),
      none(),
      none(),
      none(),
    );
  }

  copy(): Roster {
    return new Roster(
      [...this.joinedFlags],
      [...this.levels],
      this.joined.copy(),
      this.mods.copy(),
      this.seniors.copy(),
    );
  }

  setJoined(user: number, joined: boolean): void {
    this.joinedFlags[user] = joined;
    this.refresh(user);
  }

  setLevel(user: number, level: number): void {
    this.levels[user] = level;
    this.refresh(user);
  }

  private refresh(user: number): void {
    const joined = this.joinedFlags[user]!;
    const level = user === 0 ? Number.POSITIVE_INFINITY : this.levels[user]!;
    this.joined.set(user, joined);
    this.mods.set(user, joined && level >= MOD_LEVEL);
    this.seniors.set(user, joined && level >= SENIOR_LEVEL);
  }
}
