import { describe, it, expect } from 'vitest';
import type { KObject } from '../../api/meta.js';
import { LABEL_INDEX, NAMESPACE_INDEX, ObjectCache, objectKey, splitKey } from './cache.js';

const obj = (
  name: string,
  namespace?: string,
  labels?: Record<string, string>,
  extra: KObject = {},
): KObject => ({
  metadata: { name, namespace, labels, resourceVersion: '1' },
  ...extra,
});

describe('ObjectCache', () => {
  it('keys objects as namespace/name and splits keys back', () => {
    expect(objectKey(obj('a', 'ns'))).toBe('ns/a');
    expect(objectKey(obj('node1'))).toBe('node1');
    expect(splitKey('ns/a')).toEqual({ namespace: 'ns', name: 'a' });
    expect(splitKey('node1')).toEqual({ name: 'node1' });
  });

  it('indexes by namespace and label, and keeps indexes right across updates and deletes', () => {
    const c = new ObjectCache();
    c.set(obj('a', 'n1', { app: 'web', tier: 'fe' }));
    c.set(obj('b', 'n1', { app: 'db' }));
    c.set(obj('c', 'n2', { app: 'web' }));
    expect(c.byIndex(NAMESPACE_INDEX, 'n1').map(objectKey).sort()).toEqual(['n1/a', 'n1/b']);
    expect(c.byIndex(LABEL_INDEX, 'app=web').map(objectKey).sort()).toEqual(['n1/a', 'n2/c']);

    const old = c.set(obj('a', 'n1', { app: 'db' }));
    expect(old?.metadata?.labels).toEqual({ app: 'web', tier: 'fe' });
    expect(c.indexKeys(LABEL_INDEX, 'app=web')).toEqual(['n2/c']);
    expect(c.indexKeys(LABEL_INDEX, 'tier=fe')).toEqual([]);
    expect(c.indexValues(LABEL_INDEX).sort()).toEqual(['app=db', 'app=web']);

    expect(c.delete('n2/c')).toBeDefined();
    expect(c.delete('n2/c')).toBeUndefined();
    expect(c.indexKeys(LABEL_INDEX, 'app=web')).toEqual([]);
    expect(c.size).toBe(2);
  });

  it('lists by namespace and label selector (string or object)', () => {
    const c = new ObjectCache();
    c.set(obj('a', 'n1', { app: 'web', env: 'prod' }));
    c.set(obj('b', 'n1', { app: 'web', env: 'dev' }));
    c.set(obj('c', 'n2', { app: 'web', env: 'prod' }));
    c.set(obj('d', undefined, { app: 'web' }));
    const names = (l: KObject[]) => l.map((o) => o.metadata!.name).sort();
    expect(names(c.list({ namespace: 'n1' }))).toEqual(['a', 'b']);
    expect(names(c.list({ namespace: '' }))).toEqual(['d']);
    expect(names(c.list({ labelSelector: 'app=web,env in (prod)' }))).toEqual(['a', 'c']);
    expect(names(c.list({ namespace: 'n1', labelSelector: { matchLabels: { env: 'prod' } } }))).toEqual([
      'a',
    ]);
    expect(names(c.list({ labelSelector: '!env' }))).toEqual(['d']);
    expect(names(c.list())).toEqual(['a', 'b', 'c', 'd']);
  });

  it('supports custom indexes, added before or after objects', () => {
    const byOwner = (o: KObject) => (o.metadata?.ownerReferences ?? []).map((r: { uid: string }) => r.uid);
    const ref = (uid: string) => ({ apiVersion: 'v1', kind: 'Owner', name: uid, uid });
    const c = new ObjectCache({ owner: byOwner });
    c.set(obj('a', 'n', {}, { metadata: { name: 'a', namespace: 'n', ownerReferences: [ref('u1')] } }));
    c.set(
      obj('b', 'n', {}, { metadata: { name: 'b', namespace: 'n', ownerReferences: [ref('u1'), ref('u2')] } }),
    );
    expect(c.indexKeys('owner', 'u1').sort()).toEqual(['n/a', 'n/b']);
    expect(c.indexKeys('owner', 'u2')).toEqual(['n/b']);

    c.addIndexer('first-letter', (o) => [o.metadata!.name![0]]);
    expect(c.indexKeys('first-letter', 'b')).toEqual(['n/b']);
    expect(() => c.byIndex('nope', 'x')).toThrow(/no index named "nope"/);
  });
});
