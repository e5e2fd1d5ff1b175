import { describe, expect, it } from 'vitest';
import { settle, settleAll } from './conditions.js';
import { canonicalJson, isSubset, jsonEqual } from './json.js';
import { parseDuration, rfc3339, rfc3339Micro } from './time.js';

const T0 = Date.parse('2024-05-01T10:00:00.750Z');

describe('conditions', () => {
  it('keeps the transition time while the status holds, and moves it on change', () => {
    const first = settle(undefined, { type: 'A', status: 'True', reason: 'R', message: 'm' }, T0);
    expect(first).toEqual({
      type: 'A',
      status: 'True',
      lastTransitionTime: '2024-05-01T10:00:00Z',
      reason: 'R',
      message: 'm',
    });
    const sameStatus = settle(
      [first],
      { type: 'A', status: 'True', reason: 'R2', message: 'm2', observedGeneration: 3 },
      T0 + 60_000,
    );
    expect(sameStatus).toMatchObject({
      lastTransitionTime: '2024-05-01T10:00:00Z',
      reason: 'R2',
      observedGeneration: 3,
    });
    const flipped = settleAll(
      [first],
      [{ type: 'A', status: 'False', reason: 'R', message: '' }],
      T0 + 60_000,
    );
    expect(flipped[0].lastTransitionTime).toBe('2024-05-01T10:01:00Z');
  });
});

describe('json', () => {
  it('compares structurally, ignoring key order and undefined members', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, x: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: null }, {})).toBe(false);
  });

  it('writes canonical JSON with sorted keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: true } })).toBe(
      '{"a":{"c":true,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('checks that every wanted field is present', () => {
    expect(isSubset({ spec: { a: 1 } }, { spec: { a: 1, b: 2 }, status: {} })).toBe(true);
    expect(isSubset({ spec: { a: 1 } }, { spec: { a: 2 } })).toBe(false);
    expect(isSubset({ l: [{ a: 1 }] }, { l: [{ a: 1, d: 0 }] })).toBe(true);
    expect(isSubset({ l: [{ a: 1 }] }, { l: [{ a: 1 }, { a: 2 }] })).toBe(false);
  });
});

describe('time', () => {
  it('formats metav1.Time and MicroTime', () => {
    expect(rfc3339(T0)).toBe('2024-05-01T10:00:00Z');
    expect(rfc3339Micro(new Date(T0))).toBe('2024-05-01T10:00:00.750000Z');
  });

  it('parses durations', () => {
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('5x')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });
});
