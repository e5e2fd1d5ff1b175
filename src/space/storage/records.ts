import type { KObject } from '../types.js';
import type { StoreEvent, StoreEventType, StoredObject } from './types.js';

/**
 * Value classes shared by the store, its in-memory index and the watch hub. Both keep the JSON
 * text (`raw`) and parse it lazily, once per instance: LIST responses can be built by
 * concatenating `raw` strings, and every reader still gets its own mutable object.
 */

export class Stored implements StoredObject {
  #object: KObject | undefined;

  constructor(
    readonly key: string,
    readonly rev: number,
    readonly createRev: number,
    readonly raw: string,
  ) {}

  get object(): KObject {
    return (this.#object ??= JSON.parse(this.raw) as KObject);
  }
}

/** One change as kept in the ring buffer: plain data, shared by every watcher. */
export interface EventRecord {
  readonly rev: number;
  readonly type: StoreEventType;
  readonly key: string;
  /** The object after the change (DELETED: the final state), resourceVersion = rev. */
  readonly raw: string;
  /** The object before the change (MODIFIED, DELETED). */
  readonly prevRaw: string | undefined;
}

/**
 * What a watcher receives: a fresh view per delivery, so a watcher may mutate `object` without
 * affecting the others, and pays for JSON.parse only if it reads `object`/`prev`. `raw` and
 * `prevRaw` are extras beyond StoreEvent for callers that can write JSON text directly.
 */
export class EventView implements StoreEvent {
  #object: KObject | undefined;
  #prev: KObject | undefined;
  readonly rev: number;
  readonly type: StoreEventType;
  readonly key: string;
  readonly raw: string;
  readonly prevRaw: string | undefined;

  constructor(rec: EventRecord) {
    this.rev = rec.rev;
    this.type = rec.type;
    this.key = rec.key;
    this.raw = rec.raw;
    this.prevRaw = rec.prevRaw;
  }

  get object(): KObject {
    return (this.#object ??= JSON.parse(this.raw) as KObject);
  }

  get prev(): KObject | undefined {
    if (this.prevRaw === undefined) return undefined;
    return (this.#prev ??= JSON.parse(this.prevRaw) as KObject);
  }

  /** The getters live on the prototype; make JSON.stringify(event) show them anyway. */
  toJSON(): StoreEvent {
    const out: StoreEvent = { rev: this.rev, type: this.type, key: this.key, object: this.object };
    if (this.prevRaw !== undefined) out.prev = this.prev;
    return out;
  }
}
