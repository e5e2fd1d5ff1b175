import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { BINDING_POLICY, CUSTOM_TRANSFORM, NAMESPACE } from '../../src/api/gvr.js';
import type { CustomTransform } from '../../src/api/control.js';
import { DEPLOYMENTS, eventually, manifestOf, startEngineEnv, type EngineEnv } from './helpers/engine-env.js';

/** CustomTransforms in the transport controller (kubestellar-semantics.md §1.3, §3.4, §3.11). */

let env: EngineEnv;
beforeAll(async () => {
  env = await startEngineEnv(['cluster1']);
});
afterAll(async () => env?.close());

const TRANSFORM = 'drop-replicas';
const depInWork = async () => manifestOf(await env.works('cluster1'), 'Deployment', 'web');

describe('engine: CustomTransforms', () => {
  it('removes the named fields from works, writes the transform status and follows changes', async () => {
    const { wds } = env;
    const labels = { 'app.kubernetes.io/name': 'web' };
    await wds.create(BINDING_POLICY, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'web' },
      spec: {
        clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
        downsync: [{ objectSelectors: [{ matchLabels: labels }] }],
      },
    });
    await wds.create(NAMESPACE, { metadata: { name: 'app' } });
    await wds.create(
      DEPLOYMENTS,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'web',
          namespace: 'app',
          labels: { ...labels, 'test.kubestellar.io/test-label': 'x' },
        },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'c', image: 'nginx' }] },
          },
        },
      },
      { namespace: 'app' },
    );
    let dep = await eventually(depInWork, 'deployment in a work');
    expect(dep.spec.replicas).toBe(3);
    expect(dep.metadata?.labels?.['test.kubestellar.io/test-label']).toBe('x');

    // A transform appearing rewrites the existing work.
    await wds.create(CUSTOM_TRANSFORM, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'CustomTransform',
      metadata: { name: TRANSFORM },
      spec: { apiGroup: 'apps', resource: 'deployments', remove: ['$.spec.replicas', '$[bad'] },
    });
    dep = await eventually(async () => {
      const d = await depInWork();
      return d && d.spec.replicas === undefined && d;
    }, 'replicas removed from the work');
    expect(dep.spec.template.spec.containers[0].image).toBe('nginx');
    expect(dep.metadata?.labels?.['test.kubestellar.io/test-label']).toBe('x');

    // Its status: the bad query is reported, the good one still applied.
    const ct = await eventually(async () => {
      const t = await wds.get<CustomTransform>(CUSTOM_TRANSFORM, TRANSFORM);
      return t.status?.observedGeneration === t.metadata.generation && t;
    }, 'transform status');
    expect(ct.status!.errors).toHaveLength(1);
    expect(ct.status!.errors![0]).toMatch(/^Error in spec\.remove\[1\]: /);

    // Changing the transform: replicas come back, the label goes; the error is cleared.
    await wds.patch(
      CUSTOM_TRANSFORM,
      TRANSFORM,
      { spec: { remove: ['$.metadata.labels["test.kubestellar.io/test-label"]'] } },
      { type: 'merge' },
    );
    dep = await eventually(async () => {
      const d = await depInWork();
      return d && d.spec.replicas === 3 && d;
    }, 'replicas back in the work');
    expect(dep.metadata?.labels?.['test.kubestellar.io/test-label']).toBeUndefined();
    expect(dep.metadata?.labels?.['app.kubernetes.io/name']).toBe('web');
    const ct2 = await eventually(async () => {
      const t = await wds.get<CustomTransform>(CUSTOM_TRANSFORM, TRANSFORM);
      return t.status?.observedGeneration === t.metadata.generation && t;
    }, 'transform status updated');
    expect(ct2.status!.errors).toBeUndefined();

    // Deleting it restores the object as it is in the WDS.
    await wds.delete(CUSTOM_TRANSFORM, TRANSFORM);
    dep = await eventually(async () => {
      const d = await depInWork();
      return d && d.metadata?.labels?.['test.kubestellar.io/test-label'] === 'x' && d;
    }, 'label back in the work');
    expect(dep.spec.replicas).toBe(3);
  });
});
