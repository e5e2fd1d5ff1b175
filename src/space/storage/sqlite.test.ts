import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KObject } from '../types.js';
import { openStore, type OpenStoreOptions, type SqliteStore } from './sqlite.js';
import { CompactedError, KeyExistsError, RevisionMismatchError, type StoredObject } from './types.js';

let dir: string;
const opened: SqliteStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kstellar-store-'));
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(extra: Partial<OpenStoreOptions> = {}, file = 'db.sqlite'): SqliteStore {
  const s = openStore({ path: join(dir, file), compactIntervalMs: 0, ...extra });
  opened.push(s);
  return s;
}

function cm(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', labels }, data };
}

const key = (name: string, ns = 'ns') => `/core/configmaps/${ns}/${name}`;
const names = (items: StoredObject[]) => items.map((i) => i.object.metadata!.name);
/** Rows in the log table, read through a second connection (sees committed data only). */
function logRows(file = 'db.sqlite'): number {
  const db = new Database(join(dir, file), { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM log').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('SqliteStore CRUD', () => {
  it('creates, reads, updates with CAS and deletes', async () => {
    const s = open();
    const obj = cm('a', { x: '1' });
    const rev = await s.write((tx) => tx.create(key('a'), obj));
    expect(rev).toBe(1);
    expect(obj.metadata!.resourceVersion).toBe('1'); // the caller's object is stamped

    const got = s.get(key('a'))!;
    expect(got).toMatchObject({ key: key('a'), rev: 1, createRev: 1 });
    expect(JSON.parse(got.raw).metadata.resourceVersion).toBe('1');
    expect(got.object.data).toEqual({ x: '1' });

    await expect(s.write((tx) => tx.create(key('a'), cm('a')))).rejects.toBeInstanceOf(KeyExistsError);

    const stale = s.write((tx) => tx.update(key('a'), cm('a', { x: '2' }), 99));
    await expect(stale).rejects.toBeInstanceOf(RevisionMismatchError);
    await expect(stale).rejects.toMatchObject({ key: key('a'), actual: 1 });
    await expect(s.write((tx) => tx.update(key('missing'), cm('m'), 1))).rejects.toMatchObject({
      actual: undefined,
    });

    const rev2 = await s.write((tx) => tx.update(key('a'), cm('a', { x: '2' }), 1));
    expect(rev2).toBe(2);
    expect(s.get(key('a'))).toMatchObject({ rev: 2, createRev: 1 });
    expect(s.get(key('a'))!.object.metadata!.resourceVersion).toBe('2');

    await expect(s.write((tx) => tx.delete(key('a'), 1))).rejects.toBeInstanceOf(RevisionMismatchError);
    expect(await s.write((tx) => tx.delete(key('a'), 2))).toBe(3);
    expect(s.get(key('a'))).toBeUndefined();
    expect(s.count('/core/configmaps/')).toBe(0);
    await expect(s.write((tx) => tx.update(key('a'), cm('a'), 3))).rejects.toBeInstanceOf(
      RevisionMismatchError,
    );

    // Re-creating a deleted key starts a new life (new create revision).
    expect(await s.write((tx) => tx.create(key('a'), cm('a', { x: '3' })))).toBe(4);
    expect(s.get(key('a'))).toMatchObject({ rev: 4, createRev: 4 });
  });

  it('assigns strictly increasing revisions equal to each resourceVersion', async () => {
    const s = open();
    const revs: number[] = [];
    for (let i = 0; i < 5; i++) revs.push(await s.write((tx) => tx.create(key(`o${i}`), cm(`o${i}`))));
    revs.push(await s.write((tx) => tx.update(key('o1'), cm('o1', { y: '1' }), 2)));
    revs.push(await s.write((tx) => tx.delete(key('o3'), 4)));
    // Several writes in one function get consecutive revisions.
    revs.push(
      ...(await s.write((tx) => [
        tx.create(key('p'), cm('p')),
        tx.update(key('o0'), cm('o0', { z: '' }), 1),
      ])),
    );
    expect(revs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.currentRev()).toBe(9);
    for (const item of s.list({ prefix: '/core/configmaps/' }).items) {
      expect(item.object.metadata!.resourceVersion).toBe(String(item.rev));
    }
  });

  it('parses object once per StoredObject, fresh for every read', async () => {
    const s = open();
    await s.write((tx) => tx.create(key('a'), cm('a', { x: '1' })));
    const first = s.get(key('a'))!;
    expect(first.object).toBe(first.object);
    first.object.data.x = 'changed';
    expect(s.get(key('a'))!.object.data.x).toBe('1');
    expect(s.list({ prefix: '/core/' }).items[0].object.data.x).toBe('1');
  });

  it('lets a transaction read its own writes and refuses a used-up transaction', async () => {
    const s = open();
    let leaked: Parameters<Parameters<SqliteStore['write']>[0]>[0] | undefined;
    await s.write((tx) => {
      tx.create(key('a'), cm('a'));
      expect(tx.get(key('a'))?.rev).toBe(1);
      leaked = tx;
    });
    expect(() => leaked!.create(key('b'), cm('b'))).toThrow(/after its function returned/);
    let nested: Promise<number> | undefined;
    await s.write(() => {
      nested = s.write(() => 1);
      nested.catch(() => {});
    });
    await expect(nested).rejects.toThrow(/inside a write function/);
  });
});

describe('SqliteStore group commit', () => {
  it('commits concurrent writes together and resolves them after the commit', async () => {
    const s = open();
    const promises = Array.from({ length: 100 }, (_, i) =>
      s.write((tx) => tx.create(key(`c${i}`), cm(`c${i}`))),
    );
    // Visible to this connection at once, not yet to another one (not committed).
    expect(s.count('/core/configmaps/')).toBe(100);
    expect(logRows()).toBe(0);
    let resolved = 0;
    for (const p of promises) void p.then(() => resolved++);
    await Promise.resolve();
    expect(resolved).toBe(0);
    expect(await Promise.all(promises)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(logRows()).toBe(100);
  });

  it('commits at once when a batch reaches 500 writes', async () => {
    const s = open();
    const promises = Array.from({ length: 501 }, (_, i) =>
      s.write((tx) => tx.create(key(`c${i}`), cm(`c${i}`))),
    );
    expect(logRows()).toBe(500); // the 500th write committed synchronously
    await Promise.all(promises);
    expect(logRows()).toBe(501);
  });

  it('rolls back only the failing function of a batch', async () => {
    const s = open();
    const boom = new Error('boom');
    const events: string[] = [];
    s.watch({ prefix: '/', fromRev: 0, onEvent: (e) => events.push(`${e.rev} ${e.type} ${e.key}`) });
    const ok1 = s.write((tx) => tx.create(key('a'), cm('a')));
    const bad = s.write((tx) => {
      tx.create(key('b'), cm('b'));
      tx.update(key('a'), cm('a', { v: 'bad' }), 1);
      s.setMeta('from-bad', 'x');
      throw boom;
    });
    const ok2 = s.write((tx) => tx.create(key('c'), cm('c')));
    await expect(bad).rejects.toBe(boom);
    expect(await ok1).toBe(1);
    expect(await ok2).toBe(2); // the failed function's revisions were never committed
    expect(names(s.list({ prefix: '/core/' }).items)).toEqual(['a', 'c']);
    expect(s.get(key('a'))!.object.data).toEqual({});
    expect(s.getMeta('from-bad')).toBeUndefined();
    expect(events).toEqual([`1 ADDED ${key('a')}`, `2 ADDED ${key('c')}`]);

    // The same holds on disk.
    s.close();
    const again = open();
    expect(names(again.list({ prefix: '/core/' }).items)).toEqual(['a', 'c']);
    expect(again.currentRev()).toBe(2);
  });

  it('close() commits the pending batch', async () => {
    const s = open();
    const p = s.write((tx) => tx.create(key('a'), cm('a')));
    s.close();
    expect(await p).toBe(1);
    await expect(s.write(() => 1)).rejects.toThrow(/closed/);
    expect(open().get(key('a'))?.rev).toBe(1);
  });
});

describe('SqliteStore list', () => {
  async function fill(s: SqliteStore, n: number, labels?: (i: number) => Record<string, string>) {
    await s.write((tx) => {
      for (let i = 0; i < n; i++) {
        const name = `o${String(i).padStart(4, '0')}`;
        tx.create(key(name), cm(name, { i: String(i) }, labels?.(i)));
      }
    });
  }

  it('returns keys in byte order, bounded by the prefix', async () => {
    const s = open();
    await s.write((tx) => {
      for (const [ns, n] of [
        ['b', 'x'],
        ['a', 'z'],
        ['a', 'y'],
        ['a0', 'w'],
        ['ab', 'v'],
      ]) {
        tx.create(key(n, ns), cm(n));
      }
      tx.create('/core/configmapsx/a/b', cm('other'));
    });
    const all = s.list({ prefix: '/core/configmaps/' });
    expect(all.items.map((i) => i.key)).toEqual([
      key('y', 'a'),
      key('z', 'a'),
      key('w', 'a0'),
      key('v', 'ab'),
      key('x', 'b'),
    ]);
    expect(all.rev).toBe(6);
    expect(all.continueKey).toBeUndefined();
    expect(names(s.list({ prefix: '/core/configmaps/a/' }).items)).toEqual(['y', 'z']);
    expect(s.count('/core/configmaps/a/')).toBe(2);
  });

  it('pages with limit at a consistent revision despite later writes', async () => {
    const s = open();
    await fill(s, 10);
    const snapshot = s.list({ prefix: '/core/' });
    const page1 = s.list({ prefix: '/core/', limit: 4 });
    expect(names(page1.items)).toEqual(['o0000', 'o0001', 'o0002', 'o0003']);
    expect(page1).toMatchObject({ rev: 10, continueKey: key('o0003'), remaining: 6 });

    // Writes between the pages: update, delete and create keys that are still ahead.
    await s.write((tx) => {
      tx.update(key('o0005'), cm('o0005', { i: 'changed' }), 6);
      tx.delete(key('o0007'), 8);
      tx.create(key('o0004a'), cm('o0004a'));
    });
    expect(s.currentRev()).toBe(13);

    const page2 = s.list({ prefix: '/core/', rev: page1.rev, startAfter: page1.continueKey, limit: 4 });
    expect(names(page2.items)).toEqual(['o0004', 'o0005', 'o0006', 'o0007']);
    expect(page2).toMatchObject({ rev: 10, continueKey: key('o0007'), remaining: 2 });
    expect(page2.items[1].object.data.i).toBe('5');
    expect(page2.items[1].rev).toBe(6);
    const page3 = s.list({ prefix: '/core/', rev: 10, startAfter: page2.continueKey, limit: 4 });
    expect(page3.continueKey).toBeUndefined();
    expect(page3.remaining).toBeUndefined();

    const paged = [...page1.items, ...page2.items, ...page3.items].map((i) => i.raw);
    expect(paged).toEqual(snapshot.items.map((i) => i.raw));

    // The same pages at the current revision see the changes.
    const now = s.list({ prefix: '/core/', startAfter: page1.continueKey });
    expect(names(now.items)).toEqual(['o0004', 'o0004a', 'o0005', 'o0006', 'o0008', 'o0009']);
  });

  it('reads an older revision with a filter across several scan chunks', async () => {
    const s = open();
    await fill(s, 1200, (i) => ({ even: String(i % 2 === 0) }));
    const rev = s.currentRev();
    await s.write((tx) => {
      for (let i = 0; i < 1200; i += 3) tx.delete(key(`o${String(i).padStart(4, '0')}`), i + 1);
    });
    const even = (o: KObject) => o.metadata?.labels?.even === 'true';
    const old = s.list({ prefix: '/core/', rev, filter: even });
    expect(old.items).toHaveLength(600);
    expect(old.continueKey).toBeUndefined();
    const page = s.list({ prefix: '/core/', rev, filter: even, limit: 550 });
    expect(page.items).toHaveLength(550);
    expect(page.continueKey).toBe(key('o1098'));
    expect(page.remaining).toBeUndefined();
    const rest = s.list({ prefix: '/core/', rev, filter: even, startAfter: page.continueKey });
    expect(names(rest.items)).toEqual(names(old.items).slice(550));
    // Current state: the deletions apply.
    expect(s.list({ prefix: '/core/', filter: even }).items).toHaveLength(400);
  });

  it('applies the filter before the limit at the current revision', async () => {
    const s = open();
    await fill(s, 10, (i) => ({ tier: i < 6 ? 'a' : 'b' }));
    const isB = (o: KObject) => o.metadata?.labels?.tier === 'b';
    const p1 = s.list({ prefix: '/core/', filter: isB, limit: 2 });
    expect(names(p1.items)).toEqual(['o0006', 'o0007']);
    expect(p1.continueKey).toBe(key('o0007'));
    expect(p1.remaining).toBeUndefined();
    // Exactly the remaining matches: no continue even though the scan could go on.
    const p2 = s.list({ prefix: '/core/', filter: isB, limit: 2, startAfter: p1.continueKey });
    expect(names(p2.items)).toEqual(['o0008', 'o0009']);
    expect(p2.continueKey).toBeUndefined();
    const isA = (o: KObject) => o.metadata?.labels?.tier === 'a';
    expect(s.list({ prefix: '/core/', filter: isA, limit: 6 }).continueKey).toBeUndefined();
  });

  it('lists 10,000 ~1 KB objects quickly', async () => {
    const s = open();
    const pad = 'x'.repeat(900);
    await s.write((tx) => {
      for (let i = 0; i < 10_000; i++) tx.create(key(`n${i}`, `ns${i % 10}`), cm(`n${i}`, { pad }));
    });
    s.list({ prefix: '/core/configmaps/' }); // warm-up
    const t0 = performance.now();
    const res = s.list({ prefix: '/core/configmaps/' });
    const ms = performance.now() - t0;
    expect(res.items).toHaveLength(10_000);
    expect(res.items[0].raw.length).toBeGreaterThan(900);
    expect(ms).toBeLessThan(250); // typically ~1 ms; generous bound for loaded CI machines
  });
});

describe('SqliteStore compaction', () => {
  it('removes superseded rows and tombstones, keeps the state, and expires old revisions', async () => {
    const s = open();
    await s.write((tx) => {
      tx.create(key('a'), cm('a')); // 1
      tx.create(key('b'), cm('b')); // 2
    });
    await s.write((tx) => tx.update(key('a'), cm('a', { v: '2' }), 1)); // 3
    await s.write((tx) => tx.delete(key('b'), 2)); // 4
    await s.write((tx) => tx.update(key('a'), cm('a', { v: '3' }), 3)); // 5
    await s.write((tx) => tx.create(key('c'), cm('c'))); // 6
    const atFour = s.list({ prefix: '/core/', rev: 4 });
    expect(logRows()).toBe(6);

    expect(s.compact(4)).toBe(4);
    expect(s.compactRev()).toBe(4);
    // Rows 1 (superseded by 3), 2 (superseded by the tombstone) and the tombstone 4 are gone.
    expect(logRows()).toBe(3);
    expect(s.list({ prefix: '/core/', rev: 4 }).items.map((i) => i.raw)).toEqual(
      atFour.items.map((i) => i.raw),
    );
    expect(() => s.list({ prefix: '/core/', rev: 3 })).toThrow(CompactedError);
    expect(() => s.list({ prefix: '/core/', rev: 3 })).toThrow(/revision 3 has been compacted/);
    expect(names(s.list({ prefix: '/core/' }).items)).toEqual(['a', 'c']);

    expect(s.compact(2)).toBe(4); // never goes backwards
    expect(s.compact(100)).toBe(6); // clamped to the current revision
    expect(names(s.list({ prefix: '/core/', rev: 6 }).items)).toEqual(['a', 'c']);
  });

  it('keeps retainRevisions by default and respects retainMs', async () => {
    const s = open({ retainRevisions: 3, retainMs: 0 });
    await s.write((tx) => tx.create(key('a'), cm('a')));
    for (let rev = 1; rev < 10; rev++) await s.write((tx) => tx.update(key('a'), cm('a'), rev));
    expect(s.compact()).toBe(7);

    const young = open({ retainRevisions: 3, retainMs: 60_000 }, 'young.sqlite');
    await young.write((tx) => tx.create(key('a'), cm('a')));
    for (let rev = 1; rev < 10; rev++) await young.write((tx) => tx.update(key('a'), cm('a'), rev));
    expect(young.compact()).toBe(0); // everything is younger than a minute
  });

  it('compacts on a timer', async () => {
    const s = open({ retainRevisions: 1, retainMs: 0, compactIntervalMs: 20 });
    await s.write((tx) => tx.create(key('a'), cm('a')));
    for (let rev = 1; rev < 5; rev++) await s.write((tx) => tx.update(key('a'), cm('a'), rev));
    await expect.poll(() => s.compactRev(), { timeout: 2000 }).toBe(4);
  });
});

describe('SqliteStore persistence', () => {
  it('restores state and revisions on reopen and never reuses a compacted revision', async () => {
    const s = open();
    await s.write((tx) => tx.create(key('a'), cm('a')));
    await s.write((tx) => tx.create(key('b'), cm('b')));
    await s.write((tx) => tx.delete(key('b'), 2)); // newest row is a tombstone...
    s.setMeta('ca', 'pem');
    s.compact(3); // ...which compaction removes: MAX(id) is now 1
    s.close();

    const r = open();
    expect(r.currentRev()).toBe(3);
    expect(r.compactRev()).toBe(3);
    expect(r.getMeta('ca')).toBe('pem');
    expect(r.getMeta('nope')).toBeUndefined();
    expect(r.get(key('a'))).toMatchObject({ rev: 1, createRev: 1 });
    expect(r.get(key('b'))).toBeUndefined();
    expect(await r.write((tx) => tx.create(key('b'), cm('b')))).toBe(4);
    expect(() => r.list({ prefix: '/core/', rev: 2 })).toThrow(CompactedError);
  });

  it('recovers committed writes from a crash image and drops the uncommitted batch', async () => {
    const s = open();
    for (let i = 0; i < 20; i++) await s.write((tx) => tx.create(key(`k${i}`), cm(`k${i}`)));
    await s.write((tx) => tx.update(key('k0'), cm('k0', { v: 'acked' }), 1));
    // A batch in flight: written to this connection, not committed.
    const pending = s.write((tx) => tx.create(key('pending'), cm('pending')));
    expect(s.get(key('pending'))).toBeDefined();

    // Copy the files as a kill -9 would leave them (the WAL is not checkpointed into the db).
    const src = join(dir, 'db.sqlite');
    const dst = join(dir, 'crash.sqlite');
    expect(existsSync(`${src}-wal`)).toBe(true);
    copyFileSync(src, dst);
    copyFileSync(`${src}-wal`, `${dst}-wal`);

    const r = open({}, 'crash.sqlite');
    expect(r.currentRev()).toBe(21);
    expect(r.count('/core/')).toBe(20);
    expect(r.get(key('k0'))!.object.data).toEqual({ v: 'acked' });
    expect(r.get(key('pending'))).toBeUndefined();
    expect(await r.write((tx) => tx.create(key('next'), cm('next')))).toBe(22);
    await pending;
  });

  it('takes 10k creates in stride (sanity, not a benchmark)', async () => {
    const s = open();
    const t0 = performance.now();
    const all: Promise<number>[] = [];
    for (let i = 0; i < 10_000; i++)
      all.push(s.write((tx) => tx.create(key(`n${i}`), cm(`n${i}`, { v: 'x' }))));
    await Promise.all(all);
    expect(s.currentRev()).toBe(10_000);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
