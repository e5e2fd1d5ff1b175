import { describe, expect, it } from 'vitest';
import { isOrphaned, planWork, planWorkDeletion } from './plan.js';
import { configMap, deployment, namespace, resolve, work } from './test-fixtures.js';

const applied = (
  resource: string,
  name: string,
  ns = 'demo',
  group = '',
  version = 'v1',
  uid = `uid-${name}`,
) => ({
  group,
  version,
  resource,
  namespace: ns,
  name,
  uid,
});

describe('planWork', () => {
  it('plans every manifest with identity, strategy and ownership', () => {
    const w = work({
      workload: { manifests: [deployment('web'), configMap('cfg')] },
      manifestConfigs: [
        {
          resourceIdentifier: { resource: 'configmaps', namespace: 'demo', name: 'cfg' },
          updateStrategy: { type: 'CreateOnly' },
        },
      ],
    });
    const plan = planWork(w, [], { resolve });
    expect(plan.manifests.map((m) => [m.ordinal, m.meta.resource, m.strategy.type, m.owned])).toEqual([
      [0, 'deployments', 'Update', true],
      [1, 'configmaps', 'CreateOnly', true],
    ]);
    expect(plan.removals).toEqual([]);
  });

  it('drops uid and resourceVersion from the object to write', () => {
    const m = configMap('cfg');
    m.metadata!.uid = 'hub-uid';
    m.metadata!.resourceVersion = '5';
    const plan = planWork(work({ workload: { manifests: [m] } }), [], { resolve });
    expect(plan.manifests[0].desired.metadata).toEqual({ name: 'cfg', namespace: 'demo' });
    expect(m.metadata!.uid).toBe('hub-uid');
  });

  it('orders namespaces and CRDs first and lets same-work namespaces satisfy dependents', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' } },
    };
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'demo' },
    };
    const w = work({ workload: { manifests: [configMap('cfg'), widget, crd, namespace('demo')] } });
    const plan = planWork(w, [], { resolve, namespaceExists: () => false });
    expect(plan.applyOrder).toEqual([3, 2, 0, 1]);
    expect(plan.manifests[0].dependsOn).toEqual([3]);
    expect(plan.manifests[0].wait).toBeUndefined();
    expect(plan.manifests[1].wait).toEqual({
      reason: 'KindNotServed',
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      providedBy: 2,
    });
  });

  it('waits for a namespace nobody in the work creates', () => {
    const plan = planWork(work({ workload: { manifests: [configMap('cfg', 'later')] } }), [], {
      resolve,
      namespaceExists: (ns) => ns !== 'later',
    });
    expect(plan.manifests[0].wait).toEqual({ reason: 'NamespaceMissing', namespace: 'later' });
  });

  it('deletes objects dropped from the work, by identity regardless of version', () => {
    const w = work({ workload: { manifests: [deployment('web')] } });
    const prev = [applied('deployments', 'web', 'demo', 'apps', 'v1beta1'), applied('configmaps', 'old')];
    const plan = planWork(w, prev, { resolve });
    expect(plan.removals).toEqual([{ resource: prev[1], action: 'delete' }]);
  });

  it('removes nothing until the work carries an Applied condition', () => {
    const prev = [applied('configmaps', 'old')];
    expect(
      planWork(work({ workload: { manifests: [] } }, 1, 'w1', false), prev, { resolve }).removals,
    ).toEqual([]);
    expect(planWork(work({ workload: { manifests: [] } }), prev, { resolve }).removals).toHaveLength(1);
  });

  it('orphans dropped objects under Orphan and matching SelectivelyOrphan rules', () => {
    const prev = [applied('configmaps', 'keep'), applied('configmaps', 'drop')];
    const orphan = planWork(
      work({ workload: { manifests: [] }, deleteOption: { propagationPolicy: 'Orphan' } }),
      prev,
      { resolve },
    );
    expect(orphan.removals.map((r) => r.action)).toEqual(['orphan', 'orphan']);
    const selective = planWork(
      work({
        workload: { manifests: [] },
        deleteOption: {
          propagationPolicy: 'SelectivelyOrphan',
          selectivelyOrphans: {
            orphaningRules: [{ resource: 'configmaps', namespace: 'demo', name: 'keep' }],
          },
        },
      }),
      prev,
      { resolve },
    );
    expect(selective.removals.map((r) => [r.resource.name, r.action])).toEqual([
      ['keep', 'orphan'],
      ['drop', 'delete'],
    ]);
  });

  it('does not own ReadOnly or selectively orphaned manifests', () => {
    const w = work({
      workload: { manifests: [configMap('ro'), configMap('kept'), configMap('normal')] },
      manifestConfigs: [
        {
          resourceIdentifier: { resource: 'configmaps', namespace: 'demo', name: 'ro' },
          updateStrategy: { type: 'ReadOnly' },
        },
      ],
      deleteOption: {
        propagationPolicy: 'SelectivelyOrphan',
        selectivelyOrphans: { orphaningRules: [{ resource: 'configmaps', namespace: 'demo', name: 'kept' }] },
      },
    });
    expect(planWork(w, [], { resolve }).manifests.map((m) => m.owned)).toEqual([false, false, true]);
  });

  it('never deletes what an unresolvable manifest may still describe', () => {
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'demo' },
    };
    const prev = [applied('widgets', 'w', 'demo', 'example.com')];
    expect(planWork(work({ workload: { manifests: [widget] } }), prev, { resolve }).removals).toEqual([]);
  });

  it('flags invalid manifests without planning a wait', () => {
    const plan = planWork(
      work({ workload: { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }] } }),
      [],
      { resolve },
    );
    expect(plan.manifests[0].error).toMatch(/namespaced/);
    expect(plan.manifests[0].wait).toBeUndefined();
  });
});

describe('deletion of the whole work', () => {
  it('deletes under Foreground and orphans per rules', () => {
    const list = [applied('configmaps', 'a'), applied('configmaps', 'b')];
    expect(planWorkDeletion(list, undefined).map((r) => r.action)).toEqual(['delete', 'delete']);
    const opt = {
      propagationPolicy: 'SelectivelyOrphan' as const,
      selectivelyOrphans: { orphaningRules: [{ resource: 'configmaps', namespace: 'demo', name: 'b' }] },
    };
    expect(planWorkDeletion(list, opt).map((r) => r.action)).toEqual(['delete', 'orphan']);
    expect(isOrphaned({ propagationPolicy: 'Foreground' }, list[0])).toBe(false);
  });
});
