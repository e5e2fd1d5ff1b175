import { describe, expect, it } from 'vitest';
import { applyJsonPatch, PatchApplyError, PatchDecodeError, PatchTooLargeError } from './index.js';

const doc = () => ({
  metadata: { name: 'web', resourceVersion: '5', labels: { app: 'web', 'a/b': 'x', 'c~d': 'y' } },
  spec: { replicas: 1, list: ['a', 'b', 'c'] },
});

describe('applyJsonPatch', () => {
  it('applies the RFC 6902 operations in order', () => {
    const out = applyJsonPatch(doc(), [
      { op: 'add', path: '/metadata/labels/env', value: 'prod' },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'remove', path: '/spec/list/1' },
      { op: 'add', path: '/spec/list/-', value: 'd' },
      { op: 'add', path: '/spec/list/0', value: 'z' },
      { op: 'copy', from: '/metadata/name', path: '/spec/name' },
      { op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/application' },
      { op: 'remove', path: '/metadata/labels/a~1b' },
      { op: 'replace', path: '/metadata/labels/c~0d', value: 'z' },
      { op: 'test', path: '/spec/replicas', value: 3 },
    ]);
    expect(out).toEqual({
      metadata: {
        name: 'web',
        resourceVersion: '5',
        labels: { env: 'prod', application: 'web', 'c~d': 'z' },
      },
      spec: { replicas: 3, list: ['z', 'a', 'c', 'd'], name: 'web' },
    });
  });

  it("applies kubectl's managedFields migration patch with its resourceVersion guard", () => {
    const live = {
      ...doc(),
      metadata: { ...doc().metadata, managedFields: [{ manager: 'kubectl-client-side-apply' }] },
    };
    const mf = [{ manager: 'kubectl', operation: 'Apply' }];
    const out = applyJsonPatch(live, [
      { op: 'replace', path: '/metadata/managedFields', value: mf },
      { op: 'replace', path: '/metadata/resourceVersion', value: '5' },
    ]) as any;
    expect(out.metadata.managedFields).toEqual(mf);
    expect(out.metadata.resourceVersion).toBe('5');
  });

  it.each([
    ['failed test', [{ op: 'test', path: '/spec/replicas', value: 2 }]],
    ['test of a missing path', [{ op: 'test', path: '/spec/nope', value: 1 }]],
    ['remove of a missing key', [{ op: 'remove', path: '/metadata/annotations' }]],
    ['replace of a missing key', [{ op: 'replace', path: '/spec/paused', value: true }]],
    ['add under a missing parent', [{ op: 'add', path: '/status/phase', value: 'x' }]],
    ['remove past the end of a list', [{ op: 'remove', path: '/spec/list/3' }]],
    ['add past the end of a list', [{ op: 'add', path: '/spec/list/5', value: 'x' }]],
    ['a non-numeric list index', [{ op: 'replace', path: '/spec/list/x', value: 'x' }]],
    ['move from a missing path', [{ op: 'move', from: '/nope', path: '/spec/x' }]],
    ['move into its own child', [{ op: 'move', from: '/spec', path: '/spec/inner' }]],
    ['an unknown op', [{ op: 'increment', path: '/spec/replicas' }]],
    ['an internal op name', [{ op: '_get', path: '/spec/replicas' }]],
    ['an inherited op name', [{ op: 'toString', path: '/spec/replicas' }]],
    ['a missing path member', [{ op: 'add', value: 1 }]],
    ['a missing value', [{ op: 'add', path: '/spec/x' }]],
    ['a missing from', [{ op: 'copy', path: '/spec/x' }]],
    ['a path without leading slash', [{ op: 'add', path: 'spec/x', value: 1 }]],
    ['an inherited member as a path', [{ op: 'remove', path: '/metadata/constructor' }]],
    ['a __proto__ path', [{ op: 'add', path: '/__proto__/polluted', value: true }]],
    [
      'an inherited member inside a copied value',
      [
        { op: 'copy', from: '/metadata', path: '/copied' },
        { op: 'remove', path: '/copied/constructor' },
      ],
    ],
  ])('rejects %s with PatchApplyError', (_name, ops) => {
    expect(() => applyJsonPatch(doc(), ops)).toThrow(PatchApplyError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is all or nothing: a later failure leaves the input untouched', () => {
    const d = doc();
    expect(() =>
      applyJsonPatch(d, [
        { op: 'replace', path: '/spec/replicas', value: 9 },
        { op: 'test', path: '/metadata/name', value: 'other' },
      ]),
    ).toThrow(PatchApplyError);
    expect(d).toEqual(doc());
  });

  it('rejects bodies that are not a list of operation objects with PatchDecodeError', () => {
    expect(() => applyJsonPatch(doc(), { op: 'add' })).toThrow(PatchDecodeError);
    expect(() => applyJsonPatch(doc(), 'x')).toThrow(PatchDecodeError);
    expect(() => applyJsonPatch(doc(), [1])).toThrow(PatchDecodeError);
    expect(() => applyJsonPatch(doc(), [[]])).toThrow(PatchDecodeError);
  });

  it('limits a patch to 10,000 operations', () => {
    const op = { op: 'test', path: '/spec/replicas', value: 1 };
    expect(() => applyJsonPatch(doc(), Array(10_000).fill(op))).not.toThrow();
    expect(() => applyJsonPatch(doc(), Array(10_001).fill(op))).toThrow(PatchTooLargeError);
  });

  it('changes neither input and does not alias operation values', () => {
    const d = doc();
    const value = { nested: ['v'] };
    const ops = [
      { op: 'add', path: '/spec/extra', value },
      { op: 'copy', from: '/spec/extra', path: '/spec/copy' },
    ];
    const opsCopy = structuredClone(ops);
    const out = applyJsonPatch(d, ops) as any;
    expect(d).toEqual(doc());
    expect(ops).toEqual(opsCopy);
    out.spec.extra.nested.push('changed');
    out.spec.list.push('changed');
    expect(value).toEqual({ nested: ['v'] });
    expect(d).toEqual(doc());
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.spec.copy).toEqual({ nested: ['v'] });
  });

  it('supports whole-document operations', () => {
    expect(applyJsonPatch(doc(), [{ op: 'replace', path: '', value: { a: 1 } }])).toEqual({ a: 1 });
    expect(applyJsonPatch(doc(), [{ op: 'test', path: '', value: doc() }])).toEqual(doc());
  });
});
