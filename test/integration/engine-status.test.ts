import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { DynamicClient } from '../../src/kube/index.js';
import { BINDING_POLICY, NAMESPACE, WORK_STATUS } from '../../src/api/gvr.js';
import type { BindingPolicy } from '../../src/api/control.js';
import type { KObject } from '../../src/api/meta.js';
import { DEPLOYMENTS, eventually, startEngineEnv, type EngineEnv } from './helpers/engine-env.js';

/** The engine's status controller: WorkStatus in the ITS -> the WDS object's `.status` (singleton). */

const SINGLETON = 'managed-by.kubestellar.io/singletonstatus';
let env: EngineEnv;
let wds: DynamicClient;
let its: DynamicClient;

const deployment = () => wds.get<KObject>(DEPLOYMENTS, 'web', { namespace: 'app' });

beforeAll(async () => {
  env = await startEngineEnv(['cluster1', 'cluster2']);
  ({ wds, its } = env);
});

afterAll(async () => env?.close());

describe('engine: singleton status', () => {
  it('copies the one WEC status into the WDS object and clears it when more WECs qualify', async () => {
    const labels = { 'app.kubernetes.io/name': 'web' };
    await wds.create(BINDING_POLICY, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'web' },
      spec: {
        clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
        downsync: [{ objectSelectors: [{ matchLabels: labels }], wantSingletonReportedState: true }],
      },
    });
    await wds.create(NAMESPACE, { metadata: { name: 'app' } });
    await wds.create(
      DEPLOYMENTS,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'app', labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'c', image: 'nginx' }] },
          },
        },
      },
      { namespace: 'app' },
    );

    // The WEC agent's report, in cluster1's namespace of the ITS.
    const ws = await its.create<KObject>(
      WORK_STATUS,
      {
        apiVersion: 'control.kubestellar.io/v1alpha1',
        kind: 'WorkStatus',
        metadata: {
          name: 'appsv1-deployment-app-web',
          namespace: 'cluster1',
          labels: { 'transport.kubestellar.io/originWdsName': 'wds1' },
        },
        spec: {
          sourceRef: {
            group: 'apps',
            version: 'v1',
            resource: 'deployments',
            kind: 'Deployment',
            namespace: 'app',
            name: 'web',
          },
        },
      },
      { namespace: 'cluster1' },
    );
    const report = (status: Record<string, unknown>) =>
      its.patch(
        WORK_STATUS,
        ws.metadata!.name!,
        { status },
        { type: 'merge', namespace: 'cluster1', subresource: 'status' },
      );
    await report({ replicas: 2, readyReplicas: 1 });

    let dep = await eventually(async () => {
      const d = await deployment();
      return d.status?.readyReplicas === 1 && d;
    }, 'returned status in the WDS');
    expect(dep.status).toEqual({ replicas: 2, readyReplicas: 1 });
    expect(dep.metadata?.labels?.[SINGLETON]).toBe('true');

    // A newer report replaces the status.
    await report({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    dep = await eventually(async () => {
      const d = await deployment();
      return d.status?.readyReplicas === 2 && d;
    }, 'updated status in the WDS');
    expect(dep.status).toEqual({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });

    // Two WECs qualify: singleton status is cleared, and the policy reports why.
    await wds.patch(
      BINDING_POLICY,
      'web',
      { spec: { clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }] } },
      { type: 'merge' },
    );
    dep = await eventually(async () => {
      const d = await deployment();
      return !d.metadata?.labels?.[SINGLETON] && d;
    }, 'status cleared');
    expect(dep.status?.readyReplicas).toBeUndefined();
    const policy = await eventually(async () => {
      const p = await wds.get<BindingPolicy>(BINDING_POLICY, 'web');
      return (p.status?.errors?.length ?? 0) > 0 && p;
    }, 'policy error');
    const text = policy.status!.errors!.join('\n');
    expect(text).toContain('"Name":"web"');
    expect(text).toContain('"NumWECs":2');
  });
});
