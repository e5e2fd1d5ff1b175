import { describe, expect, it } from 'vitest';
import {
  compileLabelSelector,
  isEmptySelector,
  labelKeyProblem,
  labelValueProblem,
  selectorMatches,
} from './labelselector.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'fe', 'example.com/zone': 'a' };

  it.each([
    [{}, true],
    [{ matchLabels: {} }, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'web', tier: 'be' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['fe'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'example.com/zone', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'missing', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['be'] }] },
      false,
    ],
  ])('%j matches %j: %s', (sel, want) => {
    expect(selectorMatches(sel, labels)).toBe(want);
  });

  it('treats absent labels as the empty set', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, undefined)).toBe(
      true,
    );
    expect(selectorMatches({ matchLabels: { a: 'b' } }, undefined)).toBe(false);
    expect(selectorMatches({}, undefined)).toBe(true);
  });

  it.each([
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values set must be empty'],
    [
      { matchExpressions: [{ key: 'a', operator: 'OutOf', values: ['x'] }] },
      'not a valid label selector operator',
    ],
    [{ matchLabels: { '-bad': 'x' } }, 'invalid label key'],
    [{ matchLabels: { good: 'a,b' } }, 'invalid label value'],
  ])('rejects %j', (sel, msg) => {
    const c = compileLabelSelector(sel);
    expect('error' in c && c.error).toContain(msg);
    expect(selectorMatches(sel, { a: 'x', good: 'a,b' })).toBe(false);
  });

  it('knows empty selectors and key/value syntax', () => {
    expect(isEmptySelector({})).toBe(true);
    expect(isEmptySelector({ matchLabels: {}, matchExpressions: [] })).toBe(true);
    expect(isEmptySelector({ matchLabels: { a: 'b' } })).toBe(false);
    expect(labelKeyProblem('sub.do-main.test/0.9-5_Xy')).toBeUndefined();
    expect(labelKeyProblem('Bad_Prefix/x')).toContain('prefix');
    expect(labelKeyProblem('a'.repeat(64))).toContain('63');
    expect(labelValueProblem('')).toBeUndefined();
    expect(labelValueProblem('x'.repeat(64))).toBeDefined();
  });
});
