import { describe, expect, it } from 'vitest';
import { applyMergePatch } from './index.js';

describe('applyMergePatch', () => {
  // RFC 7386 Appendix A, every row.
  const rfcExamples: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(rfcExamples)('RFC 7386 example %#', (doc, patch, expected) => {
    expect(applyMergePatch(doc, patch)).toEqual(expected);
  });

  it('merges nested maps the way kubectl label/annotate patches rely on', () => {
    const doc = {
      metadata: { name: 'web', labels: { app: 'web', tier: 'fe' }, annotations: { a: '1' } },
      spec: { replicas: 1 },
    };
    const out = applyMergePatch(doc, {
      metadata: { labels: { env: 'prod', tier: null } },
      spec: { replicas: 3 },
    });
    expect(out).toEqual({
      metadata: { name: 'web', labels: { app: 'web', env: 'prod' }, annotations: { a: '1' } },
      spec: { replicas: 3 },
    });
  });

  it('replaces arrays wholesale and drops nulls inside new objects', () => {
    const out = applyMergePatch(
      { spec: { list: [1, 2, 3] } },
      { spec: { list: [{ x: null, y: 1 }] }, status: { n: null, m: { k: null } } },
    );
    // Inside arrays the patch value is taken as it is; new objects lose their null members.
    expect(out).toEqual({ spec: { list: [{ x: null, y: 1 }] }, status: { m: {} } });
  });

  it('changes neither input and shares no objects with them', () => {
    const doc = { a: { b: [1, { c: 2 }] }, keep: { x: 1 } };
    const patch = { a: { d: { e: 1 } }, f: [{ g: 1 }] };
    const docCopy = structuredClone(doc);
    const patchCopy = structuredClone(patch);
    const out = applyMergePatch(doc, patch) as any;
    expect(doc).toEqual(docCopy);
    expect(patch).toEqual(patchCopy);
    out.keep.x = 99;
    out.a.d.e = 99;
    out.f[0].g = 99;
    expect(doc).toEqual(docCopy);
    expect(patch).toEqual(patchCopy);
  });

  it('treats __proto__ as an ordinary key', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}');
    const out = applyMergePatch({}, patch) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
