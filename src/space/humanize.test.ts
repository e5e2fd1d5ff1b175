import { describe, expect, it } from 'vitest';
import { age, humanDuration } from './humanize.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration', () => {
  it.each([
    [-2 * s - 1, '<invalid>'],
    [-2 * s, '<invalid>'],
    [-1999, '0s'],
    [-1 * s, '0s'],
    [-1, '0s'],
    [0, '0s'],
    [999, '0s'],
    [s, '1s'],
    [59 * s, '59s'],
    [60 * s, '60s'],
    [119 * s + 999, '119s'],
    [2 * m, '2m'],
    [2 * m + 10 * s, '2m10s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [10 * m + 30 * s, '10m'],
    [3 * h - 1, '179m'],
    [3 * h, '3h'],
    [3 * h + 20 * m, '3h20m'],
    [7 * h + 59 * m + 59 * s, '7h59m'],
    [8 * h, '8h'],
    [8 * h + 30 * m, '8h'],
    [48 * h - 1, '47h'],
    [48 * h, '2d'],
    [2 * d + 5 * h, '2d5h'],
    [8 * d - 1, '7d23h'],
    [8 * d, '8d'],
    [2 * y - 1, '729d'],
    [2 * y, '2y'],
    [2 * y + 30 * d, '2y30d'],
    [8 * y - 1, '7y364d'],
    [8 * y, '8y'],
    [20 * y + 100 * d, '20y'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('age', () => {
  const now = new Date('2026-11-22T01:50:00Z');
  it('humanises the time since the timestamp', () => {
    expect(age('2026-11-22T01:49:49Z', now)).toBe('11s');
    expect(age('2026-11-22T01:47:00Z', now)).toBe('3m');
    expect(age('2026-11-21T22:00:00Z', now)).toBe('3h50m');
    expect(age('2026-11-01T01:50:00Z', now)).toBe('21d');
  });
  it('prints <unknown> for missing, unparsable and zero times', () => {
    expect(age(undefined, now)).toBe('<unknown>');
    expect(age('', now)).toBe('<unknown>');
    expect(age('yesterday-ish', now)).toBe('<unknown>');
    expect(age('0001-01-01T00:00:00Z', now)).toBe('<unknown>');
  });
  it('prints <invalid> from 2 s in the future on, 0s just before', () => {
    expect(age('2026-11-22T01:50:01Z', now)).toBe('0s');
    expect(age('2026-11-22T01:50:01.999Z', now)).toBe('0s');
    expect(age('2026-11-22T01:50:02Z', now)).toBe('<invalid>');
  });
});
