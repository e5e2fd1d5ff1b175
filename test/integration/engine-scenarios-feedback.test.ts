import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { BINDING_POLICY, MANIFEST_WORK, NAMESPACE } from '../../src/api/gvr.js';
import type { KObject } from '../../src/api/meta.js';
import type { ManifestWork } from '../../src/api/ocm.js';
import { DEPLOYMENTS, eventually, manifestOf, startEngineEnv, type EngineEnv } from './helpers/engine-env.js';

/** Singleton status from ManifestWork status feedback when the WEC sends no WorkStatus (§4). */

const SINGLETON = 'managed-by.kubestellar.io/singletonstatus';
let env: EngineEnv;
beforeAll(async () => {
  env = await startEngineEnv(['cluster1']);
});
afterAll(async () => env?.close());

describe('engine: status from ManifestWork feedback', () => {
  it('copies the status feedback of the work into the WDS object', async () => {
    const { wds, its } = env;
    const labels = { 'app.kubernetes.io/name': 'fb' };
    await wds.create(BINDING_POLICY, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'fb' },
      spec: {
        clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
        downsync: [{ objectSelectors: [{ matchLabels: labels }], wantSingletonReportedState: true }],
      },
    });
    await wds.create(NAMESPACE, { metadata: { name: 'fbns' } });
    await wds.create(
      DEPLOYMENTS,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'fb', namespace: 'fbns', labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'fb' } },
          template: {
            metadata: { labels: { app: 'fb' } },
            spec: { containers: [{ name: 'c', image: 'nginx' }] },
          },
        },
      },
      { namespace: 'fbns' },
    );
    const work = await eventually(async () => {
      const ws = await env.works('cluster1');
      return ws.find((w) => manifestOf([w], 'Deployment', 'fb'));
    }, 'the work of the deployment');
    // The work asks the agent for the whole `.status` as the `status` feedback value.
    expect(work.spec?.manifestConfigs).toEqual([
      {
        resourceIdentifier: { group: 'apps', resource: 'deployments', namespace: 'fbns', name: 'fb' },
        feedbackRules: [{ type: 'JSONPaths', jsonPaths: [{ name: 'status', path: '.status' }] }],
      },
    ]);

    // What an agent with a `status` JsonRaw feedback rule would report (no WorkStatus anywhere).
    const report = (status: Record<string, unknown>) =>
      its.patch(
        MANIFEST_WORK,
        work.metadata.name!,
        {
          status: {
            conditions: [],
            resourceStatus: {
              manifests: [
                {
                  resourceMeta: {
                    ordinal: 0,
                    group: 'apps',
                    version: 'v1',
                    kind: 'Deployment',
                    resource: 'deployments',
                    namespace: 'fbns',
                    name: 'fb',
                  },
                  statusFeedback: {
                    values: [
                      { name: 'status', fieldValue: { type: 'JsonRaw', jsonRaw: JSON.stringify(status) } },
                    ],
                  },
                  conditions: [],
                },
              ],
            },
          },
        },
        { type: 'merge', namespace: 'cluster1', subresource: 'status' },
      );
    await report({ replicas: 2, readyReplicas: 1 });
    const get = () => wds.get<KObject>(DEPLOYMENTS, 'fb', { namespace: 'fbns' });
    let dep = await eventually(async () => {
      const d = await get();
      return d.status?.readyReplicas === 1 && d;
    }, 'feedback status in the WDS');
    expect(dep.status).toEqual({ replicas: 2, readyReplicas: 1 });
    expect(dep.metadata?.labels?.[SINGLETON]).toBe('true');

    await report({ replicas: 2, readyReplicas: 2 });
    dep = await eventually(async () => {
      const d = await get();
      return d.status?.readyReplicas === 2 && d;
    }, 'updated feedback status');
    expect(dep.status).toEqual({ replicas: 2, readyReplicas: 2 });
    // The marker label reaches the work (so the WEC object carries it too) and the work's
    // rewrite keeps the reported feedback.
    const after = await eventually(async () => {
      const w = await its.get<ManifestWork>(MANIFEST_WORK, work.metadata.name!, { namespace: 'cluster1' });
      return manifestOf([w], 'Deployment', 'fb')?.metadata?.labels?.[SINGLETON] === 'true' && w;
    }, 'marker label in the work');
    expect(after.status?.resourceStatus?.manifests?.[0]?.statusFeedback?.values?.[0]?.name).toBe('status');
    expect((await get()).status).toEqual({ replicas: 2, readyReplicas: 2 });
  });
});
