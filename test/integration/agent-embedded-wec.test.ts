import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';
import { DynamicClient, isNotFound, kubeConfigFromString } from '../../src/kube/index.js';
import { APPLIED_MANIFEST_WORK, CONFIG_MAP, MANAGED_CLUSTER, MANIFEST_WORK } from '../../src/api/gvr.js';
import type { KObject } from '../../src/api/meta.js';
import type { ManagedCluster } from '../../src/api/ocm.js';
import { acceptCluster, createHubController } from '../../src/agent/hub/index.js';
import { EmbeddedWec } from '../../src/agent/embedded-wec.js';
import { clusterReady } from '../../src/agent/registration/index.js';
import { eventually } from './helpers/engine-env.js';

/**
 * Two embedded WECs in one process against one ITS with the hub controller: registration,
 * ManifestWork delivery with simulated status, disconnection and restart on the same data.
 */

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const storage = { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 };

let itsDir: string;
const wecDirs: Record<string, string> = {};
let itsSpace: Space;
let its: DynamicClient;
const hubStop = new AbortController();
let hubRunning: Promise<void>;
const wecs: Record<string, EmbeddedWec> = {};

const getCluster = (name: string) => its.get<ManagedCluster>(MANAGED_CLUSTER, name).catch(() => undefined);
const available = (mc: ManagedCluster | undefined) =>
  mc?.status?.conditions?.find((c) => c.type === 'ManagedClusterConditionAvailable')?.status;

function startWec(name: string): Promise<EmbeddedWec> {
  return EmbeddedWec.start({
    name,
    labels: { 'location-group': 'edge', name },
    dataDir: (wecDirs[name] ??= tempDir()),
    itsKubeconfig: itsSpace.kubeconfig(),
    leaseDurationSeconds: 1,
    statusSyncIntervalMs: 500,
  });
}

/** A client for a WEC's space, closed after `fn`. */
async function withWec<T>(wec: EmbeddedWec, fn: (c: DynamicClient) => Promise<T>): Promise<T> {
  const c = DynamicClient.fromKubeConfig(kubeConfigFromString(wec.kubeconfig()));
  try {
    return await fn(c);
  } finally {
    c.rest.close();
  }
}

function manifestWork(name: string, namespace: string, deploymentName: string): KObject {
  const labels = { app: deploymentName };
  return {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: { name, namespace },
    spec: {
      workload: {
        manifests: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: deploymentName, namespace: 'demo', labels },
            spec: {
              replicas: 2,
              selector: { matchLabels: labels },
              template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
            },
          },
        ],
      },
    },
  };
}

beforeAll(async () => {
  itsDir = tempDir();
  itsSpace = await Space.start({ dataDir: itsDir, name: 'its1', storage });
  its = DynamicClient.fromKubeConfig(kubeConfigFromString(itsSpace.kubeconfig()));
  const hub = createHubController({ its });
  hubRunning = hub.start(hubStop.signal);
  await Promise.race([hub.ready(), hubRunning.then(() => Promise.reject(new Error('hub stopped early')))]);
  [wecs.cluster1, wecs.cluster2] = await Promise.all([startWec('cluster1'), startWec('cluster2')]);
});

afterAll(async () => {
  await Promise.all(Object.values(wecs).map((w) => w.close()));
  hubStop.abort();
  await hubRunning;
  its?.rest.close();
  await itsSpace?.close();
  removeDir(itsDir);
  Object.values(wecDirs).forEach(removeDir);
});

describe('EmbeddedWec', () => {
  it('registers two WECs that join once accepted', async () => {
    for (const name of ['cluster1', 'cluster2'])
      await eventually(async () => (await getCluster(name)) !== undefined, `ManagedCluster ${name}`);
    await Promise.all(['cluster1', 'cluster2'].map((n) => acceptCluster(its, n)));
    await Promise.all([wecs.cluster1.ready(), wecs.cluster2.ready()]);
    for (const name of ['cluster1', 'cluster2']) {
      const mc = await eventually(async () => {
        const m = await getCluster(name);
        return m && clusterReady(m) && m;
      }, `${name} ready`);
      expect(mc.metadata.labels).toMatchObject({ 'location-group': 'edge', name });
      expect(mc.spec?.managedClusterClientConfigs?.[0].url).toBe(wecs[name].url);
    }
    expect(wecs.cluster1.url).not.toBe(wecs.cluster2.url);
  });

  it('delivers a ManifestWork to its WEC only, where the workload gets simulated status', async () => {
    await its.create(MANIFEST_WORK, manifestWork('demo-work', 'cluster1', 'web'));
    const dep = await withWec(wecs.cluster1, (c) =>
      eventually(
        async () => {
          const d = await c.get(DEPLOYMENTS, 'web', { namespace: 'demo' });
          return d.status?.availableReplicas === 2 && d;
        },
        'web available in cluster1',
        15_000,
      ),
    );
    expect(dep.status?.conditions?.find((c: { type: string }) => c.type === 'Available')?.status).toBe(
      'True',
    );
    const applied = await withWec(wecs.cluster1, async (c) => (await c.list(APPLIED_MANIFEST_WORK)).items);
    expect(applied.map((a) => a.spec?.manifestWorkName)).toContain('demo-work');
    await withWec(wecs.cluster2, async (c) => {
      await expect(c.get(DEPLOYMENTS, 'web', { namespace: 'demo' })).rejects.toSatisfy(isNotFound);
    });
    // The work reports back to the ITS.
    await eventually(
      async () => {
        const w = await its.get(MANIFEST_WORK, 'demo-work', { namespace: 'cluster1' });
        return (w.status?.conditions ?? []).some(
          (c: { type: string; status: string }) => c.type === 'Applied' && c.status === 'True',
        );
      },
      'the ManifestWork Applied on the ITS',
      10_000,
    );
  });

  it('goes Unknown while its agent is stopped, keeps serving, and comes back', async () => {
    await wecs.cluster2.stopAgent();
    await eventually(
      async () => available(await getCluster('cluster2')) === 'Unknown',
      'cluster2 Available=Unknown',
      15_000,
    );
    // The WEC's own API is still up while disconnected.
    const namespaces = await withWec(wecs.cluster2, async (c) =>
      (await c.list({ group: '', version: 'v1', resource: 'namespaces' })).items.map((n) => n.metadata?.name),
    );
    expect(namespaces).toContain('default');
    expect(available(await getCluster('cluster1'))).toBe('True');

    wecs.cluster2.startAgent();
    await wecs.cluster2.ready();
    await eventually(
      async () => available(await getCluster('cluster2')) === 'True',
      'cluster2 Available again',
    );
  });

  it('keeps identity, URL and state across a restart on the same data directory', async () => {
    const before = (await getCluster('cluster1'))!;
    const url = wecs.cluster1.url;
    await withWec(wecs.cluster1, (c) =>
      c.create(CONFIG_MAP, { metadata: { name: 'marker', namespace: 'default' }, data: { k: 'v' } }),
    );
    await wecs.cluster1.close();
    wecs.cluster1 = await startWec('cluster1');
    expect(wecs.cluster1.url).toBe(url);
    await wecs.cluster1.ready();
    const marker = await withWec(wecs.cluster1, (c) => c.get(CONFIG_MAP, 'marker', { namespace: 'default' }));
    expect(marker.data).toEqual({ k: 'v' });
    const after = await eventually(async () => {
      const mc = await getCluster('cluster1');
      return mc && clusterReady(mc) && mc;
    }, 'cluster1 ready after restart');
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.spec?.managedClusterClientConfigs).toEqual(before.spec?.managedClusterClientConfigs);
  });
});
