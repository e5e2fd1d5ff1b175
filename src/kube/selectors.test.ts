import { describe, it, expect } from 'vitest';
import { formatSelector, parseSelector, selectorMatches, SelectorError } from './selectors.js';

describe('formatSelector', () => {
  it('formats matchLabels and expressions sorted by key, values sorted', () => {
    expect(
      formatSelector({
        matchLabels: { tier: 'web', app: 'shop' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'zone', operator: 'NotIn', values: ['b'] },
          { key: 'gpu', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=shop,env in (dev,prod),gpu,!legacy,tier=web,zone notin (b)');
    expect(formatSelector({})).toBe('');
    expect(formatSelector(undefined)).toBe('');
  });

  it('rejects invalid requirements', () => {
    expect(() => formatSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      SelectorError,
    );
    expect(() =>
      formatSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
    ).toThrow(/no values/);
    expect(() => formatSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toThrow(
      /not a valid/,
    );
  });
});

describe('parseSelector', () => {
  it('parses every set-based form', () => {
    expect(parseSelector('app=shop, env in (prod, dev),gpu,!legacy,zone notin (b),tier==web,x!=y')).toEqual({
      matchLabels: { app: 'shop', tier: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'gpu', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'NotIn', values: ['b'] },
        { key: 'x', operator: 'NotIn', values: ['y'] },
      ],
    });
    expect(parseSelector('')).toEqual({});
    expect(parseSelector('example.com/role=db')).toEqual({ matchLabels: { 'example.com/role': 'db' } });
  });

  it('round-trips through formatSelector', () => {
    const s = 'a=1,b in (x,y),!c,d,e notin (z)';
    expect(formatSelector(parseSelector(s))).toBe(s);
  });

  it('rejects what LabelSelector cannot express or cannot parse', () => {
    expect(() => parseSelector('replicas>3')).toThrow(SelectorError);
    expect(() => parseSelector('a=1,,b=2')).toThrow(/empty requirement/);
    expect(() => parseSelector('a in x')).toThrow(SelectorError);
  });
});

describe('selectorMatches', () => {
  const sel = parseSelector('app=shop,env in (prod,dev),!legacy,zone notin (b)');
  it.each([
    [{ app: 'shop', env: 'prod' }, true],
    [{ app: 'shop', env: 'prod', zone: 'a' }, true],
    [{ app: 'shop', env: 'prod', zone: 'b' }, false],
    [{ app: 'shop', env: 'test' }, false],
    [{ app: 'shop' }, false],
    [{ app: 'shop', env: 'dev', legacy: '' }, false],
    [{ app: 'other', env: 'dev' }, false],
  ])('%j -> %s', (labels, want) => {
    expect(selectorMatches(sel, labels)).toBe(want);
  });

  it('{} matches everything, null nothing', () => {
    expect(selectorMatches({}, undefined)).toBe(true);
    expect(selectorMatches(null, { a: 'b' })).toBe(false);
  });
});
