import { mkdirSync, openSync, closeSync, fdatasync, fdatasyncSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { KObject } from '../types.js';
import { CurrentIndex } from './current.js';
import { Stored, type EventRecord } from './records.js';
import { EventRing } from './ring.js';
import {
  DDL,
  SCHEMA_VERSION,
  prefixEnd,
  prepareStatements,
  type HistoryRow,
  type Statements,
  type ValueRow,
} from './schema.js';
import {
  CompactedError,
  KeyExistsError,
  RevisionMismatchError,
  type ListOptions,
  type ListResult,
  type Store,
  type StoredObject,
  type WatchHandle,
  type WatchOptions,
  type WriteTxn,
} from './types.js';
import { WatchHub } from './watch.js';

export { decodeContinue, encodeContinue } from './continue.js';

/**
 * The kine-shaped Store on SQLite (apiserver-compat.md §17), for one process that is the only
 * writer of its database file.
 *
 * Consistency model, in short:
 * - write(fn) runs fn at once inside the open batch transaction (one SAVEPOINT per fn); the batch
 *   commits on setImmediate or after BATCH_LIMIT writes (group commit), then resolves the
 *   batch's promises, then publishes its events to watchers. fn must be synchronous: the
 *   transaction object refuses use after fn has returned (e.g. after an await inside fn).
 * - Reads (get/list/count, currentRev) run on the same connection and in-memory index, so they
 *   see the writes of the batch that is not yet committed. A LIST may therefore report a
 *   resourceVersion that is not durable yet; if that commit then failed (disk full, I/O error),
 *   the revision would be assigned again to another write. Watchers never see uncommitted
 *   events.
 */

export interface OpenStoreOptions {
  /** Database file (its directory is created); ':memory:' works for throw-away stores. */
  path: string;
  /** Keep at least this many revisions of history (default 1000). */
  retainRevisions?: number;
  /** Keep at least this much history, in ms (default 10 min). */
  retainMs?: number;
  /** Events kept in memory for watch resumption (default 10000). */
  ringSize?: number;
  /** FULL (default): every acknowledged write is on disk. NORMAL: may lose the last commits on power loss. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Interval of the background compaction, in ms (default 5 min; 0 = off). */
  compactIntervalMs?: number;
  /** Errors nobody else can see: background compaction, throwing watch consumers. */
  onError?: (err: unknown) => void;
}

const DEFAULTS = {
  retainRevisions: 1000,
  retainMs: 10 * 60_000,
  ringSize: 10_000,
  compactIntervalMs: 5 * 60_000,
};
/** A batch commits at once when it reaches this many write() calls. */
const BATCH_LIMIT = 500;
/** Rows read per query when a scan may stop early (filtered lists, watch replay). */
const SCAN_CHUNK = 500;
/** Revisions per DELETE statement during compaction. */
const COMPACT_WINDOW = 10_000;

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

interface Batch {
  /** currentRev when the batch began, restored if the commit fails. */
  startRev: number;
  /** Write time stamped on the batch's rows (ms, never decreasing). */
  ts: number;
  waiters: Waiter[];
  events: EventRecord[];
  timer: NodeJS.Immediate;
  /** currentRev after the batch committed. */
  endRev?: number;
}

/** WAL fsyncs allowed in flight at once (libuv's thread pool has 4 threads by default). */
const MAX_SYNCS = 3;

export function openStore(opts: OpenStoreOptions): SqliteStore {
  return new SqliteStore(opts);
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly st: Statements;
  private readonly index = new CurrentIndex();
  private readonly ring: EventRing;
  private readonly hub: WatchHub;
  private readonly retainRevisions: number;
  private readonly retainMs: number;
  private readonly onError: (err: unknown) => void;
  private readonly timer: NodeJS.Timeout | undefined;

  /** Highest revision assigned, including the open batch. */
  private rev: number;
  /** Highest revision committed and handed to watchers. */
  private publishedRev: number;
  private compacted: number;
  private batch: Batch | undefined;
  /** True while a write() callback runs (no commit, compaction or nested write then). */
  private inFn = false;
  private lastTs = 0;
  private closed = false;
  private readonly fsyncWal: boolean;
  private readonly walPath: string;
  private walFdCache: number | undefined;
  /** Committed batches waiting for the WAL fsync before they are acknowledged. */
  private unsynced: Batch[] = [];
  private syncsInFlight = 0;
  private syncWanted = false;
  private commitAfterSync = false;
  /** Highest revision an issued fsync covers. */
  private syncRequestedRev = 0;

  constructor(opts: OpenStoreOptions) {
    const retainRevisions = opts.retainRevisions ?? DEFAULTS.retainRevisions;
    const retainMs = opts.retainMs ?? DEFAULTS.retainMs;
    const ringSize = opts.ringSize ?? DEFAULTS.ringSize;
    const interval = opts.compactIntervalMs ?? DEFAULTS.compactIntervalMs;
    for (const [name, v] of Object.entries({ retainRevisions, retainMs, ringSize, interval })) {
      if (!Number.isFinite(v) || v < 0) throw new Error(`openStore: ${name} must be >= 0`);
    }
    this.retainRevisions = retainRevisions;
    this.fsyncWal =
      opts.synchronous !== 'NORMAL' && opts.path !== ':memory:' && !opts.path.startsWith('file:');
    this.walPath = `${opts.path}-wal`;
    this.retainMs = retainMs;
    this.onError = opts.onError ?? (() => {});
    this.hub = new WatchHub(this.onError);

    if (opts.path !== ':memory:' && !opts.path.startsWith('file:')) {
      mkdirSync(dirname(opts.path), { recursive: true });
    }
    this.db = new Database(opts.path);
    try {
      this.db.pragma('journal_mode = WAL');
      // SQLite itself never fsyncs on COMMIT (that would block the event loop for every batch);
      // with `synchronous: 'FULL'` the store fsyncs the WAL on libuv's thread pool instead and
      // acknowledges a batch only after that (see commit()).
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      // History reads (old-revision lists, watch replay) benefit from a warm page cache.
      this.db.pragma('cache_size = -32768');
      this.db.exec(DDL);
      this.st = prepareStatements(this.db);

      const schema = this.st.getState.get('schema') as number | undefined;
      if (schema === undefined) this.st.setState.run('schema', SCHEMA_VERSION);
      else if (schema > SCHEMA_VERSION) {
        throw new Error(`storage schema ${schema} is newer than this program (${SCHEMA_VERSION})`);
      }
      this.compacted = (this.st.getState.get('compact_rev') as number | undefined) ?? 0;
      this.rev = Math.max(
        (this.st.getState.get('rev') as number | undefined) ?? 0,
        (this.st.maxId.get() as number | null) ?? 0,
        this.compacted,
      );
      // Row times never go backwards, even if the clock does across a restart.
      this.lastTs = (this.st.newestTs.get() as number | undefined) ?? 0;
      this.index.load(
        (this.st.loadCurrent.all() as ValueRow[]).map(([key, rev, createRev, raw]) => [
          key,
          { rev, createRev, raw },
        ]),
      );
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.publishedRev = this.rev;
    this.ring = new EventRing(Math.max(1, ringSize), this.rev);
    if (interval > 0) {
      this.timer = setInterval(() => {
        try {
          this.compact();
        } catch (err) {
          this.onError(err);
        }
      }, interval);
      this.timer.unref();
    }
  }

  /** Includes the writes of the batch not committed yet (see the module comment). */
  currentRev(): number {
    return this.rev;
  }

  compactRev(): number {
    return this.compacted;
  }

  get(key: string): StoredObject | undefined {
    this.assertOpen();
    const e = this.index.get(key);
    return e && new Stored(key, e.rev, e.createRev, e.raw);
  }

  count(prefix: string): number {
    this.assertOpen();
    return this.index.count(prefix);
  }

  list(opts: ListOptions): ListResult {
    this.assertOpen();
    const { rev } = opts;
    if (rev !== undefined && rev < this.compacted) throw new CompactedError(rev, this.compacted);
    const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : Infinity;
    if (rev === undefined || rev >= this.rev) return this.listCurrent(opts, limit);
    return this.listAt(opts, rev, limit);
  }

  /** Current state, from the in-memory index. */
  private listCurrent(opts: ListOptions, limit: number): ListResult {
    const rev = this.rev;
    const { lo, hi } = this.index.range(opts.prefix, opts.startAfter);
    const items: StoredObject[] = [];
    const filter = opts.filter;
    if (!filter) {
      const end = Math.min(hi, lo + limit);
      for (let i = lo; i < end; i++) items.push(this.storedAt(i));
      if (end === hi) return { items, rev };
      return { items, rev, continueKey: items[items.length - 1].key, remaining: hi - end };
    }
    for (let i = lo; i < hi; i++) {
      const s = this.storedAt(i);
      if (!filter(s.object)) continue;
      if (items.length === limit) return { items, rev, continueKey: items[items.length - 1].key };
      items.push(s);
    }
    return { items, rev };
  }

  private storedAt(i: number): Stored {
    const key = this.index.keyAt(i);
    const e = this.index.get(key)!;
    return new Stored(key, e.rev, e.createRev, e.raw);
  }

  /** State at an older revision, from the log: the latest row per key with id <= rev. */
  private listAt(opts: ListOptions, rev: number, limit: number): ListResult {
    const range = { lo: opts.prefix, hi: prefixEnd(opts.prefix), rev };
    const start = opts.startAfter ?? '';
    const items: StoredObject[] = [];
    const filter = opts.filter;
    if (!filter) {
      const rows = this.st.listAt.all({
        ...range,
        after: start,
        limit: limit === Infinity ? -1 : limit + 1,
      }) as ValueRow[];
      for (const r of rows) items.push(new Stored(r[0], r[1], r[2], r[3]));
      if (items.length <= limit) return { items, rev };
      items.length = limit;
      const continueKey = items[limit - 1].key;
      const remaining = this.st.countAt.get({ ...range, after: continueKey }) as number;
      return { items, rev, continueKey, remaining };
    }
    // Filtered: read in chunks (keyset paging) so a selective filter does not load everything
    // and a filter may itself use the store (no statement stays open across callbacks).
    let after = start;
    for (;;) {
      const rows = this.st.listAt.all({ ...range, after, limit: SCAN_CHUNK }) as ValueRow[];
      for (const r of rows) {
        const s = new Stored(r[0], r[1], r[2], r[3]);
        if (!filter(s.object)) continue;
        if (items.length === limit) return { items, rev, continueKey: items[items.length - 1].key };
        items.push(s);
      }
      if (rows.length < SCAN_CHUNK) return { items, rev };
      after = rows[rows.length - 1][0];
    }
  }

  write<T>(fn: (tx: WriteTxn) => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (this.inFn) return Promise.reject(new Error('write() called from inside a write function'));
    let batch: Batch;
    try {
      batch = this.openBatch();
    } catch (err) {
      return Promise.reject(err);
    }
    const revBefore = this.rev;
    const undoMark = this.index.mark();
    const eventMark = batch.events.length;
    let live = true;
    const check = () => {
      if (!live) throw new Error('write transaction used after its function returned');
    };
    const tx: WriteTxn = {
      get: (key) => {
        check();
        return this.get(key);
      },
      create: (key, obj) => {
        check();
        return this.doCreate(batch, key, obj);
      },
      update: (key, obj, expectedRev) => {
        check();
        return this.doUpdate(batch, key, obj, expectedRev);
      },
      delete: (key, expectedRev, obj) => {
        check();
        return this.doDelete(batch, key, expectedRev, obj);
      },
    };

    let value: T;
    this.inFn = true;
    try {
      this.st.savepoint.run();
      try {
        value = fn(tx);
      } catch (err) {
        this.st.rollbackTo.run();
        this.st.release.run();
        this.rev = revBefore;
        this.index.rollbackTo(undoMark);
        batch.events.length = eventMark;
        return Promise.reject(err);
      }
      this.st.release.run();
    } catch (err) {
      // The savepoint machinery itself failed: the batch is in an unknown state, drop it whole.
      this.abort(batch, err);
      return Promise.reject(err);
    } finally {
      live = false;
      this.inFn = false;
    }

    const done = new Promise<T>((resolve, reject) => {
      batch.waiters.push({ resolve: () => resolve(value), reject });
    });
    if (batch.waiters.length >= BATCH_LIMIT) this.commit();
    return done;
  }

  private openBatch(): Batch {
    if (this.batch) return this.batch;
    this.st.begin.run();
    this.lastTs = Math.max(this.lastTs, Date.now());
    const batch: Batch = {
      startRev: this.rev,
      ts: this.lastTs,
      waiters: [],
      events: [],
      timer: setImmediate(() => this.commitWhenIdle()),
    };
    this.batch = batch;
    return batch;
  }

  private doCreate(batch: Batch, key: string, obj: KObject): number {
    if (this.index.get(key)) throw new KeyExistsError(key);
    const rev = this.rev + 1;
    const raw = stamp(obj, rev);
    this.st.insertLog.run(rev, key, 1, 0, rev, 0, batch.ts, raw);
    this.st.upsertCurrent.run(key, rev, rev, raw);
    this.rev = rev;
    this.index.set(key, { rev, createRev: rev, raw });
    batch.events.push({ rev, type: 'ADDED', key, raw, prevRaw: undefined });
    return rev;
  }

  private doUpdate(batch: Batch, key: string, obj: KObject, expectedRev: number): number {
    const cur = this.index.get(key);
    if (!cur || cur.rev !== expectedRev) throw new RevisionMismatchError(key, cur?.rev);
    const rev = this.rev + 1;
    const raw = stamp(obj, rev);
    this.st.insertLog.run(rev, key, 0, 0, cur.createRev, cur.rev, batch.ts, raw);
    this.st.upsertCurrent.run(key, rev, cur.createRev, raw);
    this.rev = rev;
    this.index.set(key, { rev, createRev: cur.createRev, raw });
    batch.events.push({ rev, type: 'MODIFIED', key, raw, prevRaw: cur.raw });
    return rev;
  }

  private doDelete(batch: Batch, key: string, expectedRev: number, obj?: KObject): number {
    const cur = this.index.get(key);
    if (!cur || cur.rev !== expectedRev) throw new RevisionMismatchError(key, cur?.rev);
    const rev = this.rev + 1;
    // The tombstone row carries the final state, so a replay from the log can rebuild DELETED.
    const raw = stamp(obj ?? (JSON.parse(cur.raw) as KObject), rev);
    this.st.insertLog.run(rev, key, 0, 1, cur.createRev, cur.rev, batch.ts, raw);
    this.st.deleteCurrent.run(key);
    this.rev = rev;
    this.index.delete(key);
    batch.events.push({ rev, type: 'DELETED', key, raw, prevRaw: cur.raw });
    return rev;
  }

  /** Commit the open batch now (no-op without one). Resolves its writes and notifies watchers. */
  flush(): void {
    if (this.inFn) throw new Error('flush() called from inside a write function');
    this.commit();
    this.syncNow();
  }

  private commit(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    clearImmediate(batch.timer);
    try {
      if (this.rev !== batch.startRev) this.st.setState.run('rev', this.rev);
      this.st.commit.run();
    } catch (err) {
      this.abort(batch, err);
      return;
    }
    this.index.forget();
    batch.endRev = this.rev;
    if (!this.fsyncWal) return this.release(batch);
    this.unsynced.push(batch);
    this.requestSync();
  }

  /** Acknowledge a durable batch: resolve its writes, then publish its events. */
  private release(batch: Batch): void {
    for (const w of batch.waiters) w.resolve();
    for (const e of batch.events) this.ring.push(e);
    this.publishedRev = batch.endRev!;
    if (batch.events.length > 0) this.hub.publish(batch.events);
  }

  private walFd(): number | undefined {
    if (this.walFdCache === undefined && existsSync(this.walPath))
      this.walFdCache = openSync(this.walPath, 'r');
    return this.walFdCache;
  }

  /**
   * Group commit's durability step: an fsync of the WAL covers every batch committed before it
   * started. Up to MAX_SYNCS run at once on libuv's thread pool, so a batch committed while
   * one is in flight does not wait for it to finish before its own starts. Whichever completes
   * releases everything it covers, always in commit order.
   */
  private requestSync(): void {
    if (this.unsynced.length === 0) return;
    const covered = this.unsynced[this.unsynced.length - 1].endRev!;
    if (covered <= this.syncRequestedRev) {
      // Nothing new to make durable (e.g. a batch without writes): an fsync already covers it.
      if (this.syncsInFlight === 0) this.releaseUpTo(covered);
      return;
    }
    if (this.syncsInFlight >= MAX_SYNCS) {
      this.syncWanted = true;
      return;
    }
    const fd = this.walFd();
    if (fd === undefined) return this.releaseUpTo(Infinity);
    this.syncRequestedRev = covered;
    this.syncsInFlight++;
    fdatasync(fd, (err) => {
      this.syncsInFlight--;
      if (err) this.onError(err);
      this.releaseUpTo(covered);
      if (this.closed) return;
      if (this.syncWanted) {
        this.syncWanted = false;
        this.requestSync();
      }
      if (this.commitAfterSync && this.syncsInFlight === 0) {
        this.commitAfterSync = false;
        this.commit();
      }
    });
  }

  /**
   * Commit the open batch, unless a WAL fsync is in flight: then keep collecting writes and
   * commit when it completes. Under load this grows batches (one COMMIT and one fsync for many
   * writes) without adding latency, since those writes would wait for the fsync anyway.
   */
  private commitWhenIdle(): void {
    if (this.fsyncWal && this.syncsInFlight > 0 && this.batch) {
      this.commitAfterSync = true;
      return;
    }
    this.commit();
  }

  private releaseUpTo(rev: number): void {
    while (this.unsynced.length && this.unsynced[0].endRev! <= rev) this.release(this.unsynced.shift()!);
  }

  /** Synchronous durability (close, setMeta): fsync now and release everything committed. */
  private syncNow(): void {
    if (!this.fsyncWal) return;
    const fd = this.walFd();
    if (fd !== undefined) fdatasyncSync(fd);
    this.releaseUpTo(Infinity);
  }

  /** Roll the whole batch back and fail every write in it. */
  private abort(batch: Batch, err: unknown): void {
    if (this.batch === batch) this.batch = undefined;
    clearImmediate(batch.timer);
    try {
      if (this.db.inTransaction) this.st.rollback.run();
    } catch (rollbackErr) {
      this.onError(rollbackErr);
    }
    this.index.rollbackTo(0);
    this.index.forget();
    this.rev = batch.startRev;
    for (const w of batch.waiters) w.reject(err);
  }

  watch(opts: WatchOptions): WatchHandle {
    this.assertOpen();
    if (opts.fromRev < this.compacted) throw new CompactedError(opts.fromRev, this.compacted);
    const { prefix } = opts;
    return this.hub.subscribe(prefix, opts.fromRev, this.publishedRev, opts.onEvent, (from, to, visit) =>
      this.readHistory(prefix, from, to, visit),
    );
  }

  /** Committed events in (from, to]: from the log up to the ring's floor, then from the ring. */
  private readHistory(prefix: string, from: number, to: number, visit: (rec: EventRecord) => boolean): void {
    // Snapshot the ring first: consumers may write (and move the floor) during the replay.
    const floor = this.ring.floor;
    const tail = this.ring.range(Math.max(from, floor), to);
    if (from < floor) {
      const range = { lo: prefix, hi: prefixEnd(prefix), to: Math.min(to, floor), limit: SCAN_CHUNK };
      let cursor = from;
      for (;;) {
        const rows = this.st.history.all({ ...range, from: cursor }) as HistoryRow[];
        for (const [id, key, created, deleted, raw, prev] of rows) {
          const rec: EventRecord = {
            rev: id,
            type: deleted ? 'DELETED' : created ? 'ADDED' : 'MODIFIED',
            key,
            raw,
            prevRaw: created ? undefined : (prev ?? undefined),
          };
          if (!visit(rec)) return;
        }
        if (rows.length < SCAN_CHUNK) break;
        cursor = rows[rows.length - 1][0];
      }
    }
    for (const rec of tail) if (!visit(rec)) return;
  }

  compact(targetRev?: number): number {
    this.assertOpen();
    if (this.inFn) throw new Error('compact() called from inside a write function');
    this.commit();
    let target = targetRev ?? this.retentionTarget();
    target = Math.min(Math.floor(target), this.rev);
    if (!(target > this.compacted)) return this.compacted;
    const from = this.compacted;
    this.db
      .transaction(() => {
        for (let lo = from; lo < target; lo += COMPACT_WINDOW) {
          const window = { from: lo, to: Math.min(target, lo + COMPACT_WINDOW) };
          this.st.compactSuperseded.run(window);
          this.st.compactTombstones.run(window);
        }
        this.st.setState.run('compact_rev', target);
      })
      .immediate();
    this.compacted = target;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      this.onError(err);
    }
    return target;
  }

  /** Keep both the last retainRevisions revisions and everything younger than retainMs. */
  private retentionTarget(): number {
    const byCount = this.rev - this.retainRevisions;
    if (byCount <= this.compacted) return byCount;
    const byAge = (this.st.newestBefore.get(Date.now() - this.retainMs) as number | undefined) ?? 0;
    return Math.min(byCount, byAge);
  }

  getMeta(key: string): string | undefined {
    this.assertOpen();
    return this.st.getMeta.get(key) as string | undefined;
  }

  /**
   * Inside a write function the value joins that function's transaction (atomic with its
   * writes); elsewhere the open batch is committed first and the value is durable on return.
   */
  setMeta(key: string, value: string): void {
    this.assertOpen();
    if (!this.inFn) this.commit();
    this.st.setMeta.run(key, value);
    if (!this.inFn) this.syncNow();
  }

  close(): void {
    if (this.closed) return;
    if (this.inFn) throw new Error('close() called from inside a write function');
    try {
      this.commit();
      this.syncNow();
    } finally {
      this.closed = true;
      if (this.timer) clearInterval(this.timer);
      this.db.close();
      if (this.walFdCache !== undefined) closeSync(this.walFdCache);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

/** Set metadata.resourceVersion on the caller's object and serialise it. */
function stamp(obj: KObject, rev: number): string {
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(rev);
  return JSON.stringify(obj);
}
