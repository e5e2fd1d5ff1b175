import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';
import { DynamicClient, kubeConfigFromString } from '../../src/kube/index.js';
import { BINDING_POLICY, MANAGED_CLUSTER, NAMESPACE, WORK_STATUS } from '../../src/api/gvr.js';
import type { BindingPolicy } from '../../src/api/control.js';
import type { KObject } from '../../src/api/meta.js';
import { createEngine } from '../../src/engine/engine.js';

/** The engine's status controller: WorkStatus in the ITS -> the WDS object's `.status` (singleton). */

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const SINGLETON = 'managed-by.kubestellar.io/singletonstatus';
let dirs: string[] = [];
let wdsSpace: Space;
let itsSpace: Space;
let wds: DynamicClient;
let its: DynamicClient;
const stop = new AbortController();
let running: Promise<void>;

async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const deployment = () => wds.get<KObject>(DEPLOYMENTS, 'web', { namespace: 'app' });

beforeAll(async () => {
  dirs = [tempDir(), tempDir()];
  const storage = { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 };
  [wdsSpace, itsSpace] = await Promise.all([
    Space.start({ dataDir: dirs[0], name: 'wds1', storage }),
    Space.start({ dataDir: dirs[1], name: 'its1', storage }),
  ]);
  wds = DynamicClient.fromKubeConfig(kubeConfigFromString(wdsSpace.kubeconfig()));
  its = DynamicClient.fromKubeConfig(kubeConfigFromString(itsSpace.kubeconfig()));
  const engine = createEngine({
    wdsKubeconfig: wdsSpace.kubeconfig(),
    itsKubeconfig: itsSpace.kubeconfig(),
    wdsName: 'wds1',
  });
  running = engine.start(stop.signal);
  running.catch(() => undefined);
  await Promise.race([engine.ready(), running.then(() => Promise.reject(new Error('engine stopped early')))]);
  for (const name of ['cluster1', 'cluster2']) {
    await its.create(NAMESPACE, { metadata: { name } });
    await its.create(MANAGED_CLUSTER, {
      apiVersion: 'cluster.open-cluster-management.io/v1',
      kind: 'ManagedCluster',
      metadata: { name, labels: { 'location-group': 'edge', name } },
      spec: { hubAcceptsClient: true },
    });
  }
});

afterAll(async () => {
  stop.abort();
  await running?.catch(() => undefined);
  wds?.rest.close();
  its?.rest.close();
  await Promise.all([wdsSpace?.close(), itsSpace?.close()]);
  dirs.forEach(removeDir);
});

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
