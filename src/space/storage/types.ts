import type { KObject } from '../types.js';

/**
 * kine-shaped revision log (apiserver-compat.md §17). The global revision is the row id of the
 * log and is every object's `metadata.resourceVersion`.
 */

/** One stored object at some revision. `raw` is its JSON text, resourceVersion included. */
export interface StoredObject {
  key: string;
  /** Revision of the write that produced this value (== metadata.resourceVersion). */
  rev: number;
  /** Revision of the write that created the key. */
  createRev: number;
  raw: string;
  /** Parsed `raw`; a fresh object per StoredObject, so callers may mutate it. */
  readonly object: KObject;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rev: number;
  type: StoreEventType;
  key: string;
  /** The object after the change (for DELETED: the last stored state with resourceVersion = rev). */
  object: KObject;
  /** The object before the change (MODIFIED, DELETED). */
  prev?: KObject;
  /** JSON text of `object`, so watch streams can be written without re-serialising. */
  raw?: string;
  prevRaw?: string;
}

export interface ListOptions {
  /** Key prefix; must end with '/'. */
  prefix: string;
  /** Read at this revision (default: current). Older than the compaction point -> CompactedError. */
  rev?: number;
  /** Start strictly after this key (continue tokens). */
  startAfter?: string;
  /** Maximum number of items returned (after filtering). */
  limit?: number;
  /** Keep only objects for which this returns true (selectors). */
  filter?: (obj: KObject) => boolean;
}

export interface ListResult {
  items: StoredObject[];
  /** Revision the list reflects. */
  rev: number;
  /** When more matches remain: the key of the last returned item. */
  continueKey?: string;
  /** Number of matching items not returned, when known. */
  remaining?: number;
}

export interface WatchOptions {
  prefix: string;
  /** Deliver every event with rev > fromRev (history first, then live). */
  fromRev: number;
  onEvent(e: StoreEvent): void;
}

export interface WatchHandle {
  close(): void;
}

export interface WriteTxn {
  get(key: string): StoredObject | undefined;
  /** Insert a new key; throws KeyExistsError if it exists. Sets obj.metadata.resourceVersion. Returns the revision. */
  create(key: string, obj: KObject): number;
  /** Compare-and-swap: throws RevisionMismatchError unless the key's current rev === expectedRev. */
  update(key: string, obj: KObject, expectedRev: number): number;
  /** Tombstone the key (CAS as update). `obj` is the final state carried by the DELETED event. */
  delete(key: string, expectedRev: number, obj?: KObject): number;
}

export interface Store {
  currentRev(): number;
  compactRev(): number;
  get(key: string): StoredObject | undefined;
  list(opts: ListOptions): ListResult;
  /** Count live keys under a prefix (cheap existence checks, e.g. namespace emptiness). */
  count(prefix: string): number;
  /**
   * Run `fn` in a write transaction. `fn` runs synchronously right away (so reads after it see
   * its writes); the returned promise resolves once the batch it joined is durably committed
   * (group commit). If `fn` throws, its writes are rolled back and the promise rejects.
   */
  write<T>(fn: (tx: WriteTxn) => T): Promise<T>;
  /** Throws CompactedError when fromRev < compactRev(). */
  watch(opts: WatchOptions): WatchHandle;
  /** Compact history up to `targetRev` (default: keep the retention window). Returns the new compact rev. */
  compact(targetRev?: number): number;
  /** Small key/value table for server state that is not an API object. */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  close(): void;
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
  }
}
export class RevisionMismatchError extends Error {
  constructor(
    readonly key: string,
    readonly actual: number | undefined,
  ) {
    super(`revision mismatch on ${key}`);
  }
}
export class CompactedError extends Error {
  constructor(
    readonly requested: number,
    readonly compactRev: number,
  ) {
    super(`revision ${requested} has been compacted (compact revision ${compactRev})`);
  }
}
