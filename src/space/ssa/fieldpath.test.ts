import { describe, expect, it } from 'vitest';
import {
  child,
  compareElements,
  fieldElement,
  fromFieldsV1,
  keyElement,
  orderedPaths,
  pathOf,
  pathString,
  toFieldsV1,
  valueElement,
} from './fieldpath.js';

const f = fieldElement;
const p = (...els: string[]) => pathOf(els);

describe('field paths', () => {
  it('prints paths the way upstream prints them in conflicts', () => {
    expect(pathString(p(f('spec'), f('replicas')))).toBe('.spec.replicas');
    expect(pathString(p(f('spec'), f('containers'), keyElement({ name: 'nginx' }), f('image')))).toBe(
      '.spec.containers[name="nginx"].image',
    );
    expect(pathString(p(f('ports'), keyElement({ protocol: 'TCP', containerPort: 80 })))).toBe(
      '.ports[containerPort=80,protocol="TCP"]',
    );
    expect(pathString(p(f('metadata'), f('finalizers'), valueElement('a/b')))).toBe(
      '.metadata.finalizers[="a/b"]',
    );
  });

  it('sorts key fields inside k: elements so equal keys are equal strings', () => {
    expect(keyElement({ protocol: 'TCP', containerPort: 80 })).toBe(
      'k:{"containerPort":80,"protocol":"TCP"}',
    );
  });

  it('orders fields before keys before values, fields by name and keys by value', () => {
    const els = [valueElement('x'), keyElement({ port: 443 }), f('b'), keyElement({ port: 80 }), f('a')];
    expect(els.sort(compareElements)).toEqual([
      f('a'),
      f('b'),
      keyElement({ port: 80 }),
      keyElement({ port: 443 }),
      valueElement('x'),
    ]);
  });
});

describe('FieldsV1', () => {
  const set = new Set([
    p(f('spec'), f('replicas')),
    p(f('metadata'), f('labels'), f('app')),
    p(f('spec'), f('containers'), keyElement({ name: 'web' })),
    p(f('spec'), f('containers'), keyElement({ name: 'web' }), f('image')),
  ]);

  it('writes "." for a member that has members below it, and sorts keys', () => {
    const v1 = toFieldsV1(set);
    expect(JSON.stringify(v1)).toBe(
      JSON.stringify({
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } }, 'f:replicas': {} },
      }),
    );
  });

  it('reads back what it writes, normalising keys written in another order', () => {
    expect(fromFieldsV1(toFieldsV1(set))).toEqual(set);
    const read = fromFieldsV1({
      'f:ports': { 'k:{"protocol":"TCP","containerPort":80}': { '.': {}, 'f:name': {} } },
    });
    expect(read).toEqual(
      new Set([
        p(f('ports'), keyElement({ containerPort: 80, protocol: 'TCP' })),
        p(f('ports'), keyElement({ containerPort: 80, protocol: 'TCP' }), f('name')),
      ]),
    );
  });

  it('iterates members before subtrees at each level', () => {
    const order = orderedPaths(set).map(pathString);
    expect(order).toEqual([
      '.metadata.labels.app',
      '.spec.replicas',
      '.spec.containers[name="web"]',
      '.spec.containers[name="web"].image',
    ]);
    expect(child('', 'f:a')).toBe('f:a');
  });
});
