import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KObject } from '../types.js';
import { openStore, type OpenStoreOptions, type SqliteStore } from './sqlite.js';
import { CompactedError, type StoreEvent } from './types.js';

let dir: string;
const opened: SqliteStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kstellar-watch-'));
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(extra: Partial<OpenStoreOptions> = {}): SqliteStore {
  const s = openStore({ path: join(dir, 'db.sqlite'), compactIntervalMs: 0, ...extra });
  opened.push(s);
  return s;
}

const cm = (name: string, v = ''): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data: { v },
});
const key = (name: string) => `/core/configmaps/ns/${name}`;

interface Seen {
  rev: number;
  type: string;
  name: string;
  v: string;
  rv: string;
  prevV?: string;
  prevRv?: string;
}
function collector() {
  const seen: Seen[] = [];
  const onEvent = (e: StoreEvent) =>
    seen.push({
      rev: e.rev,
      type: e.type,
      name: e.object.metadata!.name!,
      v: e.object.data.v,
      rv: e.object.metadata!.resourceVersion!,
      ...(e.prev ? { prevV: e.prev.data.v, prevRv: e.prev.metadata!.resourceVersion } : {}),
    });
  return { seen, onEvent };
}

/** A fixed history: a created, b created, a modified, b deleted (with a final state), c created, a deleted. */
async function history(s: SqliteStore) {
  await s.write((tx) => tx.create(key('a'), cm('a', '1'))); // 1
  await s.write((tx) => tx.create(key('b'), cm('b', '1'))); // 2
  await s.write((tx) => tx.update(key('a'), cm('a', '2'), 1)); // 3
  await s.write((tx) => tx.delete(key('b'), 2, cm('b', 'final'))); // 4
  await s.write((tx) => tx.create(key('c'), cm('c', '1'))); // 5
  await s.write((tx) => tx.delete(key('a'), 3)); // 6: no final object, the last state is used
}
const expected: Seen[] = [
  { rev: 1, type: 'ADDED', name: 'a', v: '1', rv: '1' },
  { rev: 2, type: 'ADDED', name: 'b', v: '1', rv: '2' },
  { rev: 3, type: 'MODIFIED', name: 'a', v: '2', rv: '3', prevV: '1', prevRv: '1' },
  { rev: 4, type: 'DELETED', name: 'b', v: 'final', rv: '4', prevV: '1', prevRv: '2' },
  { rev: 5, type: 'ADDED', name: 'c', v: '1', rv: '5' },
  { rev: 6, type: 'DELETED', name: 'a', v: '2', rv: '6', prevV: '2', prevRv: '3' },
];

describe('SqliteStore watch', () => {
  it('delivers live events in order with types, prev and resourceVersion = rev', async () => {
    const s = open();
    const c = collector();
    s.watch({ prefix: '/core/configmaps/', fromRev: 0, onEvent: c.onEvent });
    await history(s);
    expect(c.seen).toEqual(expected);
  });

  it('delivers only after the commit, and only matching prefixes', async () => {
    const s = open();
    const c = collector();
    s.watch({ prefix: '/core/configmaps/ns/', fromRev: 0, onEvent: c.onEvent });
    const p = s.write((tx) => {
      tx.create(key('a'), cm('a'));
      tx.create('/core/configmaps/other/x', cm('x'));
      tx.create('/core/secrets/ns/a', cm('s'));
    });
    expect(c.seen).toEqual([]);
    await p;
    expect(c.seen.map((e) => [e.rev, e.name])).toEqual([[1, 'a']]);
  });

  it.each([
    ['the ring', 100],
    ['the log table', 2],
    ['the log table and then the ring', 3],
  ])('replays from an old revision using %s, then goes live', async (_via, ringSize) => {
    const s = open({ ringSize });
    await history(s);
    const c = collector();
    s.watch({ prefix: '/core/configmaps/', fromRev: 1, onEvent: c.onEvent });
    expect(c.seen).toEqual(expected.slice(1));
    await s.write((tx) => tx.update(key('c'), cm('c', '2'), 5));
    expect(c.seen.at(-1)).toEqual({
      rev: 7,
      type: 'MODIFIED',
      name: 'c',
      v: '2',
      rv: '7',
      prevV: '1',
      prevRv: '5',
    });
    expect(c.seen.map((e) => e.rev)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('replays from the log after a restart (empty ring)', async () => {
    const first = open();
    await history(first);
    first.close();
    const s = open();
    const c = collector();
    s.watch({ prefix: '/core/configmaps/', fromRev: 0, onEvent: c.onEvent });
    expect(c.seen).toEqual(expected);
    // A watch from the current revision replays nothing.
    const d = collector();
    s.watch({ prefix: '/core/configmaps/', fromRev: 6, onEvent: d.onEvent });
    expect(d.seen).toEqual([]);
  });

  it('replays after compaction from the compaction point, and refuses older starts', async () => {
    const s = open({ ringSize: 1 });
    await history(s);
    s.compact(3);
    expect(() => s.watch({ prefix: '/', fromRev: 2, onEvent: () => {} })).toThrow(CompactedError);
    const c = collector();
    s.watch({ prefix: '/core/configmaps/', fromRev: 3, onEvent: c.onEvent });
    // The tombstone at 4 still finds its previous row (2): compaction kept it.
    expect(c.seen).toEqual(expected.slice(3));
  });

  it('has no gaps or duplicates when a consumer writes during the replay', async () => {
    const s = open({ ringSize: 2 });
    await history(s);
    const revs: number[] = [];
    let wrote = false;
    s.watch({
      prefix: '/core/',
      fromRev: 0,
      onEvent: (e) => {
        revs.push(e.rev);
        if (!wrote) {
          wrote = true;
          // Commit and publish synchronously from inside the replay.
          void s.write((tx) => tx.create(key('during'), cm('during')));
          s.flush();
        }
      },
    });
    expect(revs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await s.write((tx) => tx.create(key('after'), cm('after')));
    expect(revs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps order when a consumer writes while its queued events are being delivered', async () => {
    const s = open({ ringSize: 2 });
    await history(s); // revs 1..6
    const revs: number[] = [];
    const writeNow = (name: string) => {
      void s.write((tx) => tx.create(key(name), cm(name)));
      s.flush();
    };
    s.watch({
      prefix: '/core/',
      fromRev: 0,
      onEvent: (e) => {
        revs.push(e.rev);
        if (e.rev === 1) {
          writeNow('q1'); // 7, queued behind the replay
          writeNow('q2'); // 8, queued behind the replay
        }
        if (e.rev === 7) writeNow('q3'); // 9, published while 8 is still queued
      },
    });
    expect(revs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('lets a consumer start another watch from inside onEvent', async () => {
    const s = open();
    const inner = collector();
    let started = false;
    s.watch({
      prefix: '/core/',
      fromRev: 0,
      onEvent: (e) => {
        if (e.rev === 2 && !started) {
          started = true;
          s.watch({ prefix: '/core/', fromRev: 0, onEvent: inner.onEvent });
        }
      },
    });
    await s.write((tx) => {
      for (const n of ['a', 'b', 'c']) tx.create(key(n), cm(n));
    });
    await s.write((tx) => tx.create(key('d'), cm('d')));
    expect(inner.seen.map((e) => e.rev)).toEqual([1, 2, 3, 4]);
  });

  it('skips events at or below fromRev even when the list revision was not committed yet', async () => {
    const s = open();
    void s.write((tx) => tx.create(key('a'), cm('a')));
    const listRev = s.list({ prefix: '/core/' }).rev; // includes the uncommitted write
    expect(listRev).toBe(1);
    const c = collector();
    s.watch({ prefix: '/core/', fromRev: listRev, onEvent: c.onEvent });
    await s.write((tx) => tx.create(key('b'), cm('b')));
    expect(c.seen.map((e) => e.rev)).toEqual([2]);
  });

  it('isolates consumers: a throwing one, a mutating one and a closed one', async () => {
    const errors: unknown[] = [];
    const s = open({ onError: (err) => errors.push(err) });
    const good = collector();
    s.watch({
      prefix: '/core/',
      fromRev: 0,
      onEvent: (e) => {
        e.object.data.v = 'mutated';
        throw new Error('consumer bug');
      },
    });
    s.watch({ prefix: '/core/', fromRev: 0, onEvent: good.onEvent });
    const closed = collector();
    const h = s.watch({ prefix: '/core/', fromRev: 0, onEvent: closed.onEvent });
    await s.write((tx) => tx.create(key('a'), cm('a', 'orig')));
    h.close();
    await s.write((tx) => tx.update(key('a'), cm('a', 'next'), 1));
    expect(good.seen.map((e) => [e.rev, e.v])).toEqual([
      [1, 'orig'],
      [2, 'next'],
    ]);
    expect(closed.seen.map((e) => e.rev)).toEqual([1]);
    expect(errors).toHaveLength(2);
  });

  it('gives events a JSON form and raw text', async () => {
    const s = open();
    const events: StoreEvent[] = [];
    s.watch({ prefix: '/core/', fromRev: 0, onEvent: (e) => events.push(e) });
    await s.write((tx) => tx.create(key('a'), cm('a')));
    await s.write((tx) => tx.update(key('a'), cm('a', 'x'), 1));
    const json = JSON.parse(JSON.stringify(events[1]));
    expect(json).toMatchObject({
      rev: 2,
      type: 'MODIFIED',
      key: key('a'),
      object: { data: { v: 'x' } },
      prev: { data: { v: '' } },
    });
    expect(JSON.parse((events[1] as StoreEvent & { raw: string }).raw).metadata.resourceVersion).toBe('2');
  });
});

describe('SqliteStore group commit with the asynchronous WAL fsync', () => {
  it('acknowledges and publishes batches strictly in commit order, without gaps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstellar-store-sync-'));
    const s = openStore({ path: join(dir, 'db.sqlite'), synchronous: 'FULL', compactIntervalMs: 0 });
    try {
      const seen: number[] = [];
      s.watch({ prefix: '/core/', fromRev: 0, onEvent: (e) => seen.push(e.rev) });
      const acked: number[] = [];
      // Writes spread over many event-loop turns, so several fsyncs overlap with new batches.
      const all: Promise<unknown>[] = [];
      for (let i = 0; i < 200; i++) {
        all.push(
          s
            .write((tx) => tx.create(`/core/configmaps/d/c${i}`, { metadata: { name: `c${i}` } }))
            .then((rev) => acked.push(rev)),
        );
        if (i % 7 === 0) await new Promise((r) => setImmediate(r));
      }
      await Promise.all(all);
      expect(acked).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    } finally {
      s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
