import { describe, expect, it } from 'vitest';
import {
  bindingSpecEqual,
  buildBinding,
  buildBindingSpec,
  isEmptyBindingSpec,
  type WorkloadEntry,
} from './binding.js';
import { emptyModulation } from './match.js';
import {
  computePolicyStatus,
  conditionListsEquivalent,
  mergeBindingStatus,
  setCondition,
  singletonErrorMessage,
  statusCollectorsCondition,
} from './policy-status.js';

const entry = (
  group: string,
  version: string,
  resource: string,
  namespace: string,
  name: string,
  rv: string,
  mod: Partial<WorkloadEntry['modulation']> = {},
): WorkloadEntry => ({
  id: { group, version, resource, kind: 'K', namespace, name },
  uid: `uid-${name}`,
  resourceVersion: rv,
  modulation: { ...emptyModulation(), ...mod },
});

describe('buildBinding', () => {
  it('names, owns and lays out the Binding as upstream does', () => {
    const b = buildBinding(
      { name: 'nginx', uid: 'p-uid' },
      ['cluster2', 'cluster1', 'cluster1'],
      [
        entry('apps', 'v1', 'deployments', 'nginx', 'nginx', '12', {
          createOnly: true,
          statusCollectors: ['b', 'a'],
        }),
        entry('', 'v1', 'namespaces', '', 'nginx', '7'),
      ],
    );
    expect(b).toEqual({
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'Binding',
      metadata: {
        name: 'nginx',
        ownerReferences: [
          {
            apiVersion: 'control.kubestellar.io/v1alpha1',
            kind: 'BindingPolicy',
            name: 'nginx',
            uid: 'p-uid',
            controller: true,
            blockOwnerDeletion: false,
          },
        ],
      },
      spec: {
        workload: {
          clusterScope: [
            { group: '', version: 'v1', resource: 'namespaces', name: 'nginx', resourceVersion: '7' },
          ],
          namespaceScope: [
            {
              group: 'apps',
              version: 'v1',
              resource: 'deployments',
              namespace: 'nginx',
              name: 'nginx',
              resourceVersion: '12',
              createOnly: true,
              statusCollectors: ['a', 'b'],
            },
          ],
        },
        destinations: [{ clusterId: 'cluster1' }, { clusterId: 'cluster2' }],
      },
    });
  });

  it('sorts entries by GVR string, then namespace/name, then resourceVersion (byte-wise)', () => {
    const spec = buildBindingSpec(
      [],
      [
        entry('apps', 'v1', 'deployments', 'b', 'x', '1'),
        entry('', 'v1', 'configmaps', 'z', 'a', '1'),
        entry('apps', 'v1', 'deployments', 'a', 'y', '1'),
        entry('apps', 'v1', 'deployments', 'a', 'Y', '1'),
        entry('', 'v1', 'namespaces', '', 'b', '1'),
        entry('rbac.authorization.k8s.io', 'v1', 'clusterroles', '', 'a', '1'),
        entry('', 'v1', 'namespaces', '', 'a', '1'),
      ],
    );
    expect(spec.workload!.namespaceScope!.map((e) => `${e.group}/${e.namespace}/${e.name}`)).toEqual([
      '/z/a', // "/v1, Resource=configmaps" < "apps/v1, ..."
      'apps/a/Y',
      'apps/a/y',
      'apps/b/x',
    ]);
    expect(spec.workload!.clusterScope!.map((e) => `${e.group}/${e.name}`)).toEqual([
      '/a',
      '/b',
      'rbac.authorization.k8s.io/a',
    ]);
    expect(spec.destinations).toBeUndefined();
  });

  it('compares specs order-insensitively and treats absent as empty', () => {
    const a = buildBindingSpec(
      ['c1', 'c2'],
      [entry('', 'v1', 'configmaps', 'n', 'a', '1'), entry('', 'v1', 'configmaps', 'n', 'b', '1')],
    );
    const b = structuredClone(a);
    b.destinations!.reverse();
    b.workload!.namespaceScope!.reverse();
    expect(bindingSpecEqual(a, b)).toBe(true);
    b.workload!.namespaceScope![0].resourceVersion = '2';
    expect(bindingSpecEqual(a, b)).toBe(false);
    const c = structuredClone(a);
    c.workload!.namespaceScope![0].createOnly = true;
    expect(bindingSpecEqual(a, c)).toBe(false);
    expect(bindingSpecEqual(undefined, buildBindingSpec([], []))).toBe(true);
    expect(isEmptyBindingSpec(buildBindingSpec([], []))).toBe(true);
    expect(isEmptyBindingSpec(buildBindingSpec(['c1'], []))).toBe(false);
  });
});

describe('conditions and policy status', () => {
  const t0 = new Date('2024-01-01T00:00:00.123Z');
  const t1 = new Date('2024-01-02T00:00:00Z');
  const cond = { type: 'X', status: 'True', reason: 'R', message: 'm' };

  it('UNIT-05: set-condition keeps the timestamp when nothing but time changed', () => {
    const l1 = setCondition(undefined, cond, t0);
    expect(l1).toEqual([{ ...cond, lastTransitionTime: '2024-01-01T00:00:00Z' }]);
    expect(setCondition(l1, cond, t1)).toEqual(l1);
    const l2 = setCondition(l1, { ...cond, status: 'False' }, t1);
    expect(l2[0]).toMatchObject({ status: 'False', lastTransitionTime: '2024-01-02T00:00:00Z' });
    const l3 = setCondition(l2, { ...cond, type: 'Y' }, t1);
    expect(l3.map((c) => c.type)).toEqual(['X', 'Y']);
    expect(conditionListsEquivalent(l1, [{ ...l1[0], lastTransitionTime: 'other' }])).toBe(true);
    expect(conditionListsEquivalent(l1, l2)).toBe(false);
  });

  it('copies Binding conditions and puts own errors before the Binding errors', () => {
    const bcond = {
      ...statusCollectorsCondition(['b', 'a', 'b']),
      lastTransitionTime: '2024-01-01T00:00:00Z',
    };
    expect(bcond.message).toBe('Missing StatusCollector(s) [a b]');
    const st = computePolicyStatus({
      generation: 3,
      binding: { status: { observedGeneration: 1, errors: ['template error'], conditions: [bcond] } },
      errors: [undefined, 'own error'],
      now: t1,
    });
    expect(st).toEqual({
      observedGeneration: 3,
      conditions: [bcond],
      errors: ['own error', 'template error'],
    });
    expect(statusCollectorsCondition([])).toMatchObject({ status: 'True', reason: 'ReconcileSuccess' });
  });

  it('[IMPROVE] maintains a Synced condition when asked', () => {
    const synced = (binding: Parameters<typeof computePolicyStatus>[0]['binding']) =>
      computePolicyStatus({ generation: 1, binding, synced: true, now: t1 }).conditions![0];
    expect(synced(undefined)).toMatchObject({ type: 'Synced', status: 'Unknown' });
    expect(synced({ metadata: { generation: 2 }, status: { observedGeneration: 1 } })).toMatchObject({
      status: 'Unknown',
    });
    expect(synced({ metadata: { generation: 2 }, status: { observedGeneration: 2 } })).toMatchObject({
      status: 'True',
    });
    expect(
      synced({ metadata: { generation: 2 }, status: { observedGeneration: 2, errors: ['e'] } }),
    ).toMatchObject({
      status: 'False',
      message: 'e',
    });
  });

  it('formats the singleton report like upstream, with at most 4 examples', () => {
    const id = (n: string) => ({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      resource: 'deployments',
      namespace: 'ns',
      name: n,
    });
    const msg = singletonErrorMessage(['a', 'b', 'c', 'd', 'e'].map((n) => ({ id: id(n), numWECs: 2 })))!;
    expect(
      msg.startsWith(
        'Singleton reported status return is requested but some objects have the wrong number of associated WECs, for example: [',
      ),
    ).toBe(true);
    const examples = JSON.parse(msg.slice(msg.indexOf('[')));
    expect(examples).toHaveLength(4);
    expect(examples[0]).toEqual({
      ObjectID: {
        GVK: { Group: 'apps', Version: 'v1', Kind: 'Deployment' },
        Resource: 'deployments',
        ObjectName: { Namespace: 'ns', Name: 'a' },
      },
      NumWECs: 2,
    });
    expect(singletonErrorMessage([])).toBeUndefined();
  });

  it('[IMPROVE] merges Binding status writes instead of overwriting', () => {
    const cond1 = { ...cond, lastTransitionTime: 'x' };
    const afterTransport = mergeBindingStatus(
      { observedGeneration: 1, conditions: [cond1] },
      { observedGeneration: 2, errors: [] },
    );
    expect(afterTransport).toEqual({ observedGeneration: 2, conditions: [cond1] });
    expect(mergeBindingStatus(afterTransport, { conditions: [] })).toEqual({ observedGeneration: 2 });
  });
});
