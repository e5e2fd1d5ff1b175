import { describe, expect, it } from 'vitest';
import type { ManifestWorkSpec } from '../../api/ocm.js';
import {
  appliedWorkOwnerReference,
  configSpecHash,
  decideApply,
  decideRemoval,
  parseFieldPath,
  stripIgnoredFields,
} from './apply.js';
import { CONFIG_SPEC_HASH_ANNOTATION } from './constants.js';
import { planWork } from './plan.js';
import { configMap, deployment, liveOf, resolve, work } from './test-fixtures.js';

const owner = { name: 'hash-w1', uid: 'amw-uid' };
const ours = appliedWorkOwnerReference(owner);
const other = {
  apiVersion: 'work.open-cluster-management.io/v1',
  kind: 'AppliedManifestWork',
  name: 'hash-w2',
  uid: 'amw-2',
};
const stepOf = (spec: ManifestWorkSpec, i = 0) => planWork(work(spec), [], { resolve }).manifests[i];

describe('decideApply: Update', () => {
  const step = stepOf({ workload: { manifests: [deployment('web')] } });

  it('creates a missing object with the AppliedManifestWork ownerReference', () => {
    const a = decideApply(step, undefined, owner);
    expect(a.type).toBe('create');
    if (a.type === 'create') expect(a.object.metadata?.ownerReferences).toEqual([ours]);
    expect(ours).toEqual({
      apiVersion: 'work.open-cluster-management.io/v1',
      kind: 'AppliedManifestWork',
      name: 'hash-w1',
      uid: 'amw-uid',
    });
  });

  it('does nothing when the live object already has the manifest (server defaults allowed)', () => {
    const live = liveOf(deployment('web'), { owners: [ours], status: { replicas: 2 } });
    live.spec.strategy = { type: 'RollingUpdate' };
    expect(decideApply(step, live, owner)).toEqual({ type: 'none' });
  });

  it('updates when the spec drifted, keeping live labels, annotations, owners and finalizers', () => {
    const live = liveOf(deployment('web', 'demo', 5), { owners: [other] });
    live.metadata!.labels = { extra: 'x', app: 'old' };
    live.metadata!.annotations = { note: 'y' };
    live.metadata!.finalizers = ['f'];
    const a = decideApply(step, live, owner);
    expect(a.type).toBe('update');
    if (a.type !== 'update') return;
    expect(a.object.spec.replicas).toBe(2);
    expect(a.object.metadata).toMatchObject({
      labels: { extra: 'x', app: 'web' },
      annotations: { note: 'y' },
      ownerReferences: [other, ours],
      finalizers: ['f'],
      resourceVersion: '7',
    });
  });

  it('updates when only our ownerReference is missing, and with forceUpdate', () => {
    const live = liveOf(deployment('web'));
    expect(decideApply(step, live, owner).type).toBe('update');
    const owned = liveOf(deployment('web'), { owners: [ours] });
    expect(decideApply(step, owned, owner, { forceUpdate: true }).type).toBe('update');
  });

  it('removes our ownerReference from orphaned objects', () => {
    const s = stepOf({
      workload: { manifests: [deployment('web')] },
      deleteOption: { propagationPolicy: 'Orphan' },
    });
    const a = decideApply(s, liveOf(deployment('web'), { owners: [ours, other] }), owner);
    expect(a.type === 'update' && a.object.metadata?.ownerReferences).toEqual([other]);
  });
});

describe('decideApply: other strategies', () => {
  it('CreateOnly creates once and later only adds the ownerReference', () => {
    const spec: ManifestWorkSpec = {
      workload: { manifests: [configMap('cfg')] },
      manifestConfigs: [
        {
          resourceIdentifier: { resource: 'configmaps', namespace: 'demo', name: 'cfg' },
          updateStrategy: { type: 'CreateOnly' },
        },
      ],
    };
    const s = stepOf(spec);
    expect(decideApply(s, undefined, owner).type).toBe('create');
    const drifted = liveOf(configMap('cfg', 'demo', { k: 'changed' }));
    expect(decideApply(s, drifted, owner)).toEqual({
      type: 'patch',
      patch: { metadata: { ownerReferences: [ours], resourceVersion: '7' } },
    });
    expect(
      decideApply(s, liveOf(configMap('cfg', 'demo', { k: 'changed' }), { owners: [ours] }), owner),
    ).toEqual({ type: 'none' });
  });

  it('ReadOnly never writes', () => {
    const s = stepOf({
      workload: { manifests: [configMap('cfg')] },
      manifestConfigs: [
        {
          resourceIdentifier: { resource: 'configmaps', namespace: 'demo', name: 'cfg' },
          updateStrategy: { type: 'ReadOnly' },
        },
      ],
    });
    expect(decideApply(s, undefined, owner)).toEqual({ type: 'none' });
    expect(s.owned).toBe(false);
  });

  it('ServerSideApply applies with the field manager and force', () => {
    const s = stepOf({
      workload: { manifests: [configMap('cfg')] },
      manifestConfigs: [
        {
          resourceIdentifier: { resource: 'configmaps', namespace: 'demo', name: 'cfg' },
          updateStrategy: { type: 'ServerSideApply', serverSideApply: { force: true } },
        },
      ],
    });
    const a = decideApply(s, undefined, owner);
    expect(a).toMatchObject({ type: 'apply', fieldManager: 'work-agent', force: true });
    expect(a.type === 'apply' && a.object.metadata?.ownerReferences).toEqual([ours]);
  });

  it('ServerSideApply with ignoreFields strips OnSpokePresent paths and skips while the hash matches', () => {
    const s = stepOf({
      workload: { manifests: [deployment('web')] },
      manifestConfigs: [
        {
          resourceIdentifier: { group: 'apps', resource: 'deployments', namespace: 'demo', name: 'web' },
          updateStrategy: {
            type: 'ServerSideApply',
            serverSideApply: {
              ignoreFields: [{ condition: 'OnSpokePresent', jsonPaths: ['.spec.replicas'] }],
            },
          },
        },
      ],
    });
    const a = decideApply(s, undefined, owner);
    if (a.type !== 'apply') throw new Error(a.type);
    expect(a.object.spec.replicas).toBeUndefined();
    const hash = a.object.metadata!.annotations![CONFIG_SPEC_HASH_ANNOTATION];
    expect(hash).toBe(configSpecHash(a.object));
    const live = liveOf(deployment('web', 'demo', 9));
    live.metadata!.annotations = { [CONFIG_SPEC_HASH_ANNOTATION]: hash };
    expect(decideApply(s, live, owner)).toEqual({ type: 'none' });
  });

  it('reports waits and errors instead of writing', () => {
    const waiting = planWork(work({ workload: { manifests: [configMap('cfg', 'nope')] } }), [], {
      resolve,
      namespaceExists: () => false,
    }).manifests[0];
    expect(decideApply(waiting, undefined, owner)).toEqual({
      type: 'wait',
      message: 'namespaces "nope" not found',
    });
    const unknown = stepOf({
      workload: { manifests: [{ apiVersion: 'x.io/v1', kind: 'Thing', metadata: { name: 't' } }] },
    });
    expect(decideApply(unknown, undefined, owner)).toEqual({
      type: 'wait',
      message: 'no matches for kind "Thing" in version "x.io/v1"',
    });
    const bad = stepOf({ workload: { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }] } });
    expect(decideApply(bad, undefined, owner).type).toBe('error');
  });
});

describe('field paths for ignoreFields', () => {
  it('parses simple paths and rejects the rest', () => {
    expect(parseFieldPath('.spec.replicas')).toEqual(['spec', 'replicas']);
    expect(parseFieldPath("$.metadata.annotations['a.b/c']")).toEqual(['metadata', 'annotations', 'a.b/c']);
    expect(parseFieldPath('{.spec["x"]}')).toEqual(['spec', 'x']);
    expect(parseFieldPath('.spec.containers[0]')).toBeUndefined();
  });

  it('strips only OnSpokePresent paths', () => {
    const obj = { spec: { a: 1, b: 2 } };
    expect(
      stripIgnoredFields(obj, [
        { condition: 'OnSpokePresent', jsonPaths: ['.spec.a'] },
        { condition: 'OnSpokeChange', jsonPaths: ['.spec.b'] },
      ]),
    ).toEqual({ spec: { b: 2 } });
    expect(obj.spec.a).toBe(1);
  });
});

describe('decideRemoval', () => {
  const step = {
    resource: {
      group: '',
      version: 'v1',
      resource: 'configmaps',
      namespace: 'demo',
      name: 'cfg',
      uid: 'uid-cfg',
    },
    action: 'delete' as const,
  };

  it('deletes what only this work owns, with the uid precondition', () => {
    expect(decideRemoval(step, liveOf(configMap('cfg'), { owners: [ours] }), owner)).toEqual({
      type: 'delete',
      uid: 'uid-cfg',
    });
  });

  it('only drops our ownerReference when another work owns it or when orphaning', () => {
    expect(decideRemoval(step, liveOf(configMap('cfg'), { owners: [ours, other] }), owner)).toEqual({
      type: 'patch',
      patch: { metadata: { ownerReferences: [other], resourceVersion: '7' } },
    });
    expect(
      decideRemoval({ ...step, action: 'orphan' }, liveOf(configMap('cfg'), { owners: [ours] }), owner),
    ).toEqual({
      type: 'patch',
      patch: { metadata: { ownerReferences: null, resourceVersion: '7' } },
    });
  });

  it('leaves alone what is gone, replaced or not ours, and waits while terminating', () => {
    expect(decideRemoval(step, undefined, owner)).toEqual({ type: 'gone' });
    expect(decideRemoval(step, liveOf(configMap('cfg'), { uid: 'new', owners: [ours] }), owner)).toEqual({
      type: 'gone',
    });
    expect(decideRemoval(step, liveOf(configMap('cfg')), owner)).toEqual({ type: 'gone' });
    const dying = liveOf(configMap('cfg'), { owners: [ours] });
    dying.metadata!.deletionTimestamp = '2024-01-01T00:00:00Z';
    expect(decideRemoval(step, dying, owner)).toEqual({ type: 'wait' });
  });
});
