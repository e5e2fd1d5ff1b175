import { EventView, type EventRecord } from './records.js';
import type { StoreEvent, WatchHandle } from './types.js';

/** Visits history events with from < rev <= to in revision order; stops when visit returns false. */
export type HistoryReader = (from: number, to: number, visit: (rec: EventRecord) => boolean) => void;

class Watcher {
  closed = false;
  /** Highest revision delivered or skipped: everything <= lastRev is done. */
  lastRev: number;
  /** Live events that arrived while history was being replayed. */
  pending: EventRecord[] | undefined = [];

  constructor(
    readonly prefix: string,
    fromRev: number,
    private readonly onEvent: (e: StoreEvent) => void,
    private readonly onError: (err: unknown) => void,
  ) {
    this.lastRev = fromRev;
  }

  offer(rec: EventRecord): void {
    if (this.closed || rec.rev <= this.lastRev) return;
    if (this.pending) {
      this.pending.push(rec);
      return;
    }
    this.deliver(rec);
  }

  deliver(rec: EventRecord): void {
    if (rec.rev <= this.lastRev) return;
    this.lastRev = rec.rev;
    if (!rec.key.startsWith(this.prefix)) return;
    try {
      this.onEvent(new EventView(rec));
    } catch (err) {
      // One broken consumer must not stop delivery to the others (or to itself).
      this.onError(err);
    }
  }
}

/**
 * Fans committed events out to watchers, strictly in revision order. Publishing is re-entrant
 * safe: a consumer that writes (and so triggers another publish) from inside onEvent only
 * enqueues; the outer loop delivers in order.
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private queue: EventRecord[] = [];
  private draining = false;

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  get size(): number {
    return this.watchers.size;
  }

  publish(records: readonly EventRecord[]): void {
    for (const r of records) this.queue.push(r);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const rec = this.queue[i];
        for (const w of this.watchers) w.offer(rec);
      }
    } finally {
      this.queue = [];
      this.draining = false;
    }
  }

  /**
   * Replay history (fromRev, toRev] through `history`, then go live. `toRev` must be the newest
   * published revision: every later event reaches the watcher through publish().
   */
  subscribe(
    prefix: string,
    fromRev: number,
    toRev: number,
    onEvent: (e: StoreEvent) => void,
    history: HistoryReader,
  ): WatchHandle {
    const w = new Watcher(prefix, fromRev, onEvent, this.onError);
    // Registered before the replay, so a publish triggered from inside onEvent is queued, not lost.
    this.watchers.add(w);
    const close = () => {
      w.closed = true;
      w.pending = undefined;
      this.watchers.delete(w);
    };
    try {
      if (toRev > fromRev) {
        history(fromRev, toRev, (rec) => {
          if (w.closed) return false;
          w.deliver(rec);
          return true;
        });
      }
    } catch (err) {
      close();
      throw err;
    }
    if (!w.closed) {
      // History is complete up to toRev even where no event matched the prefix.
      w.lastRev = Math.max(w.lastRev, toRev);
      // Keep queuing while draining: an onEvent that writes must not overtake older pending events.
      const pending = w.pending!;
      for (let i = 0; i < pending.length && !w.closed; i++) w.deliver(pending[i]);
      w.pending = undefined;
    }
    return { close };
  }
}
