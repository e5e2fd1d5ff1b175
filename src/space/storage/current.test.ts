import { describe, expect, it } from 'vitest';
import { CurrentIndex, compareKeys, type Entry } from './current.js';

const e = (rev: number): Entry => ({ rev, createRev: rev, raw: `{"rev":${rev}}` });

function keysOf(idx: CurrentIndex, prefix: string, after?: string): string[] {
  const { lo, hi } = idx.range(prefix, after);
  const out: string[] = [];
  for (let i = lo; i < hi; i++) out.push(idx.keyAt(i));
  return out;
}

describe('compareKeys', () => {
  it('orders like SQLite BINARY (UTF-8 bytes), also for astral characters', () => {
    const samples = [
      '/a',
      '/a/',
      '/a/b',
      '/ab',
      '/a0',
      '',
      'z',
      '\uffff',
      '\u{1F600}',
      '\ue000x',
      '\u{10000}',
      'é',
      'e',
    ];
    const byBytes = [...samples].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...samples].sort(compareKeys)).toEqual(byBytes);
    // Plain JS order disagrees on exactly these: the reason compareKeys exists.
    expect('\u{1F600}' < '\uffff').toBe(true);
    expect(compareKeys('\u{1F600}', '\uffff')).toBeGreaterThan(0);
  });
});

describe('CurrentIndex', () => {
  it('keeps keys sorted and answers prefix ranges, startAfter and counts', () => {
    const idx = new CurrentIndex();
    for (const k of ['/r/ns2/b', '/r/ns1/b', '/rr/x', '/r/ns1/a', '/r/ns10/a', '/q/z']) idx.set(k, e(1));
    expect(keysOf(idx, '/r/')).toEqual(['/r/ns1/a', '/r/ns1/b', '/r/ns10/a', '/r/ns2/b']);
    expect(keysOf(idx, '/r/ns1/')).toEqual(['/r/ns1/a', '/r/ns1/b']);
    expect(keysOf(idx, '/r/', '/r/ns1/b')).toEqual(['/r/ns10/a', '/r/ns2/b']);
    expect(keysOf(idx, '/r/', '/a')).toEqual(keysOf(idx, '/r/'));
    expect(keysOf(idx, '/r/', '/z')).toEqual([]);
    expect(keysOf(idx, '/none/')).toEqual([]);
    expect(idx.count('/r/')).toBe(4);
    expect(idx.count('/')).toBe(6);
  });

  it('rolls back to a mark, restoring values, insertions and deletions', () => {
    const idx = new CurrentIndex();
    idx.set('/a', e(1));
    idx.set('/b', e(2));
    idx.forget();
    const mark = idx.mark();
    idx.set('/a', e(3)); // update
    idx.delete('/b'); // delete
    idx.set('/c', e(4)); // insert
    idx.set('/c', e(5)); // update of the insert
    expect(keysOf(idx, '/')).toEqual(['/a', '/c']);
    idx.rollbackTo(mark);
    expect(keysOf(idx, '/')).toEqual(['/a', '/b']);
    expect(idx.get('/a')?.rev).toBe(1);
    expect(idx.get('/b')?.rev).toBe(2);
    expect(idx.get('/c')).toBeUndefined();
  });
});
