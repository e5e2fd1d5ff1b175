import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../schema/types.js';
import { compareValues } from './compare.js';
import { pathString } from './fieldpath.js';
import { mergeValues } from './merge.js';
import { removePaths } from './remove.js';
import { indexNodes, resourceCtx, toFieldSet } from './typed.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', properties: { name: { type: 'string' }, v: { type: 'integer' } } },
    },
    tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    count: { type: 'integer' },
    opt: { type: 'string', nullable: true },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
  },
};
const root = resourceCtx(schema);
const items = (...names: string[]) => names.map((name) => ({ name }));
const names = (o: any) => o.items.map((i: any) => i.name);

describe('mergeValues: list order', () => {
  const merge = (live: string[], applied: string[]) =>
    names(mergeValues({ items: items(...live) }, { items: items(...applied) }, root));

  it('keeps the order when nothing moves', () => {
    expect(merge(['a', 'b'], ['a', 'b'])).toEqual(['a', 'b']);
  });
  it('keeps live-only elements in place around applied ones', () => {
    expect(merge(['a', 'x'], ['a', 'b'])).toEqual(['a', 'x', 'b']);
    expect(merge(['x', 'a'], ['b', 'a'])).toEqual(['x', 'b', 'a']);
  });
  it('follows the applied order for the elements it names', () => {
    expect(merge(['a', 'b', 'c'], ['c', 'a'])).toEqual(['b', 'c', 'a']);
    expect(merge(['a', 'b'], ['b', 'a'])).toEqual(['b', 'a']);
  });
  it('merges the fields of shared elements', () => {
    const out = mergeValues({ items: [{ name: 'a', v: 1 }] }, { items: [{ name: 'a' }] }, root) as any;
    expect(out.items).toEqual([{ name: 'a', v: 1 }]);
  });
  it('unions sets', () => {
    expect(mergeValues({ tags: ['a', 'b'] }, { tags: ['c', 'a'] }, root)).toEqual({ tags: ['c', 'a', 'b'] });
  });
});

describe('mergeValues: null', () => {
  it('drops a null scalar unless the schema allows null, and keeps a non-empty map', () => {
    expect(
      mergeValues({ count: 1, opt: 'x', labels: { a: '1' } }, { count: null, opt: null, labels: null }, root),
    ).toEqual({
      opt: null,
      labels: { a: '1' },
    });
  });
});

describe('compareValues', () => {
  it('reports added, removed and modified leaves and elements', () => {
    const c = compareValues(
      { items: [{ name: 'a', v: 1 }, { name: 'b' }], count: 1 },
      { items: [{ name: 'a', v: 2 }, { name: 'c' }], labels: { x: 'y' } },
      root,
    );
    const show = (s: Set<string>) => [...s].map(pathString).sort();
    expect(show(c.modified)).toEqual(['.items[name="a"].v']);
    expect(show(c.added)).toEqual(['.items[name="c"]', '.items[name="c"].name', '.labels', '.labels.x']);
    expect(show(c.removed)).toEqual(['.count', '.items[name="b"]', '.items[name="b"].name']);
  });
  it('sees no change between {} and {}', () => {
    const c = compareValues({ labels: {} }, { labels: {} }, root);
    expect(c.added.size + c.removed.size + c.modified.size).toBe(0);
  });
});

describe('removePaths', () => {
  it('removes list elements and map entries whole, and maps left empty', () => {
    const obj = { items: [{ name: 'a', v: 1 }, { name: 'b' }], labels: { x: 'y' } };
    const set = toFieldSet(obj, root);
    const drop = [...set].filter(
      (p) => pathString(p) === '.items[name="a"]' || pathString(p) === '.labels.x',
    );
    expect(removePaths(obj, drop, root)).toEqual({ items: [{ name: 'b' }] });
    expect(obj.labels).toEqual({ x: 'y' });
    expect([...indexNodes(obj, root).keys()].map(pathString)).toContain('.items[name="a"].v');
  });
});
