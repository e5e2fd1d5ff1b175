import { describe, expect, it } from 'vitest';
import type { EventRecord } from './records.js';
import { EventRing } from './ring.js';

const ev = (rev: number): EventRecord => ({
  rev,
  type: 'ADDED',
  key: `/k/${rev}`,
  raw: '{}',
  prevRaw: undefined,
});

describe('EventRing', () => {
  it('keeps everything above its floor until full', () => {
    const r = new EventRing(4, 10);
    for (const rev of [11, 12, 13]) r.push(ev(rev));
    expect(r.floor).toBe(10);
    expect(r.length).toBe(3);
    expect(r.range(10).map((e) => e.rev)).toEqual([11, 12, 13]);
    expect(r.range(11, 12).map((e) => e.rev)).toEqual([12]);
    expect(r.range(13)).toEqual([]);
  });

  it('evicts the oldest event and raises the floor to it', () => {
    const r = new EventRing(3, 0);
    for (let rev = 1; rev <= 10; rev++) r.push(ev(rev));
    expect(r.length).toBe(3);
    expect(r.floor).toBe(7);
    expect(r.range(r.floor).map((e) => e.rev)).toEqual([8, 9, 10]);
    expect(r.range(8).map((e) => e.rev)).toEqual([9, 10]);
    expect(r.range(0, 9).map((e) => e.rev)).toEqual([8, 9]);
  });

  it('returns a copy that later pushes do not change', () => {
    const r = new EventRing(2, 0);
    r.push(ev(1));
    r.push(ev(2));
    const snap = r.range(0);
    r.push(ev(3));
    expect(snap.map((e) => e.rev)).toEqual([1, 2]);
  });

  it('rejects a zero capacity', () => {
    expect(() => new EventRing(0, 0)).toThrow();
  });
});
