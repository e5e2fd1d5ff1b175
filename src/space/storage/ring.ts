import type { EventRecord } from './records.js';

/**
 * Fixed-size buffer of the most recent events, in revision order: the watch cache. It holds
 * every event with floor < rev <= newest, so a watch that starts at or after `floor` can be
 * served from memory instead of the log table.
 */
export class EventRing {
  private readonly buf: (EventRecord | undefined)[];
  private head = 0; // index of the oldest event
  private size = 0;
  private floorRev: number;

  constructor(
    readonly capacity: number,
    /** Revision up to which history is NOT in the ring (the store's revision at start-up). */
    floor: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('ring capacity must be >= 1');
    this.buf = new Array(capacity);
    this.floorRev = floor;
  }

  get length(): number {
    return this.size;
  }

  /** Every event with rev > floor (up to the newest pushed) is in the ring. */
  get floor(): number {
    return this.floorRev;
  }

  /** Append an event; revisions must increase. Evicting the oldest raises the floor. */
  push(rec: EventRecord): void {
    if (this.size === this.capacity) {
      const oldest = this.buf[this.head]!;
      this.floorRev = oldest.rev;
      this.buf[this.head] = rec;
      this.head = (this.head + 1) % this.capacity;
    } else {
      this.buf[(this.head + this.size) % this.capacity] = rec;
      this.size++;
    }
  }

  private at(i: number): EventRecord {
    return this.buf[(this.head + i) % this.capacity]!;
  }

  /** Events with fromRev < rev <= toRev, oldest first (a copy: later pushes don't affect it). */
  range(fromRev: number, toRev: number = Infinity): EventRecord[] {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).rev <= fromRev) lo = mid + 1;
      else hi = mid;
    }
    const out: EventRecord[] = [];
    for (let i = lo; i < this.size; i++) {
      const rec = this.at(i);
      if (rec.rev > toRev) break;
      out.push(rec);
    }
    return out;
  }
}
