import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';
import { DynamicClient, isNotFound, kubeConfigFromString } from '../../src/kube/index.js';
import { MANAGED_CLUSTER, MANAGED_CLUSTER_SET, NAMESPACE } from '../../src/api/gvr.js';
import type { ManagedCluster } from '../../src/api/ocm.js';
import type { Condition } from '../../src/api/meta.js';
import { acceptCluster, createHubController, LEASE } from '../../src/agent/hub/index.js';
import { createRegistrationAgent } from '../../src/agent/runtime/registration-agent.js';
import { eventually } from './helpers/engine-env.js';

/**
 * Registration against an ITS with the hub controller: the agent registers, waits for
 * acceptance, joins, heartbeats; the hub notices when the heartbeat stops and the agent brings
 * the cluster back when it returns.
 */

const storage = { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 };
let dirs: string[] = [];
let itsSpace: Space;
let wecSpace: Space;
let its: DynamicClient;
let wec: DynamicClient;
const hubStop = new AbortController();
let hubRunning: Promise<void>;

const cond = (mc: ManagedCluster | undefined, type: string): Condition | undefined =>
  mc?.status?.conditions?.find((c) => c.type === type);
const getCluster = (name: string) => its.get<ManagedCluster>(MANAGED_CLUSTER, name).catch(() => undefined);

/** Runs a registration agent for `cluster1` until the returned stop is called. */
function runAgent(labels: Record<string, string>) {
  const hub = DynamicClient.fromKubeConfig(kubeConfigFromString(itsSpace.kubeconfig()));
  const spoke = DynamicClient.fromKubeConfig(kubeConfigFromString(wecSpace.kubeconfig()));
  const agent = createRegistrationAgent({
    clusterName: 'cluster1',
    labels,
    hub,
    spoke,
    leaseDurationSeconds: 1,
    claims: [{ name: 'region.example.com', value: 'eu-west' }],
  });
  const ac = new AbortController();
  const running = agent.start(ac.signal);
  const stop = async () => {
    live.delete(stop);
    ac.abort();
    await running;
    hub.rest.close();
    spoke.rest.close();
  };
  live.add(stop);
  return { agent, running, stop };
}

/** Agents still running (a failed test leaves them behind; afterEach stops them). */
const live = new Set<() => Promise<void>>();
afterEach(async () => {
  await Promise.all([...live].map((stop) => stop()));
});

beforeAll(async () => {
  dirs = [tempDir(), tempDir()];
  [itsSpace, wecSpace] = await Promise.all([
    Space.start({ dataDir: dirs[0], name: 'its1', storage }),
    Space.start({ dataDir: dirs[1], name: 'cluster1', storage }),
  ]);
  its = DynamicClient.fromKubeConfig(kubeConfigFromString(itsSpace.kubeconfig()));
  wec = DynamicClient.fromKubeConfig(kubeConfigFromString(wecSpace.kubeconfig()));
  const hub = createHubController({ its });
  hubRunning = hub.start(hubStop.signal);
  await Promise.race([hub.ready(), hubRunning.then(() => Promise.reject(new Error('hub stopped early')))]);
});

afterAll(async () => {
  hubStop.abort();
  await hubRunning;
  its?.rest.close();
  wec?.rest.close();
  await Promise.all([itsSpace?.close(), wecSpace?.close()]);
  dirs.forEach(removeDir);
});

describe('registration', () => {
  it('registers, joins after acceptance, heartbeats, goes Unknown when the agent stops and recovers', async () => {
    const first = runAgent({ 'location-group': 'edge', name: 'cluster1' });
    let joined = false;
    void first.agent.ready().then(() => (joined = true));

    // Registered with its labels, put into the default set by the hub, but not accepted.
    const registered = await eventually(async () => {
      const mc = await getCluster('cluster1');
      return mc?.metadata.labels?.['cluster.open-cluster-management.io/clusterset'] === 'default' && mc;
    }, 'the ManagedCluster in the default set');
    expect(registered.metadata.labels).toMatchObject({ 'location-group': 'edge', name: 'cluster1' });
    expect(registered.spec).toMatchObject({
      hubAcceptsClient: false,
      leaseDurationSeconds: 1,
      managedClusterClientConfigs: [{ url: wecSpace.url }],
    });
    expect(registered.spec?.managedClusterClientConfigs?.[0].caBundle).toBeTruthy();
    // The hub keeps the built-in sets.
    await eventually(async () => {
      const names = (await its.list(MANAGED_CLUSTER_SET)).items.map((x) => x.metadata?.name);
      return names.includes('default') && names.includes('global');
    }, 'the default and global ManagedClusterSets');

    // Give the agent a moment: without acceptance nothing joins and no namespace appears.
    await new Promise((r) => setTimeout(r, 1500));
    const waiting = await getCluster('cluster1');
    expect(cond(waiting, 'ManagedClusterJoined')).toBeUndefined();
    expect(cond(waiting, 'HubAcceptedManagedCluster')).toBeUndefined();
    expect(joined).toBe(false);
    await expect(its.get(NAMESPACE, 'cluster1')).rejects.toSatisfy(isNotFound);

    // Accepted: namespace, lease, and all three conditions True.
    await acceptCluster(its, 'cluster1');
    await first.agent.ready();
    const ns = await its.get(NAMESPACE, 'cluster1');
    expect(ns.metadata?.labels).toMatchObject({ 'open-cluster-management.io/cluster-name': 'cluster1' });
    const ready = await eventually(async () => {
      const mc = await getCluster('cluster1');
      return (
        ['HubAcceptedManagedCluster', 'ManagedClusterJoined', 'ManagedClusterConditionAvailable'].every(
          (t) => cond(mc, t)?.status === 'True',
        ) && mc
      );
    }, 'the cluster accepted, joined and available');
    expect(cond(ready, 'HubAcceptedManagedCluster')?.reason).toBe('HubClusterAdminAccepted');
    expect(cond(ready, 'ManagedClusterConditionAvailable')?.reason).toBe('ManagedClusterAvailable');
    expect(ready.status?.version?.kubernetes).toMatch(/^v1\./);
    const claims = Object.fromEntries((ready.status?.clusterClaims ?? []).map((c) => [c.name, c.value]));
    expect(claims['kubeversion.open-cluster-management.io']).toBe(ready.status?.version?.kubernetes);
    const kubeSystem = await wec.get(NAMESPACE, 'kube-system');
    expect(claims['id.k8s.io']).toBe(kubeSystem.metadata?.uid);
    expect(claims['region.example.com']).toBe('eu-west');

    // The lease is renewed about every second.
    const lease = await its.get(LEASE, 'managed-cluster-lease', { namespace: 'cluster1' });
    expect(lease.metadata?.labels).toMatchObject({ 'open-cluster-management.io/cluster-name': 'cluster1' });
    await eventually(
      async () => {
        const l = await its.get(LEASE, 'managed-cluster-lease', { namespace: 'cluster1' });
        return l.spec.renewTime !== lease.spec.renewTime;
      },
      'a lease renewal',
      5000,
    );

    // Steady state: heartbeats touch the lease only, the ManagedCluster is not rewritten.
    const steadyRv = (await getCluster('cluster1'))!.metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 2500));
    expect((await getCluster('cluster1'))!.metadata.resourceVersion).toBe(steadyRv);

    // A user relabels the cluster on the hub; the agent does not put its labels back.
    await its.patch(
      MANAGED_CLUSTER,
      'cluster1',
      { metadata: { labels: { 'location-group': 'cloud' } } },
      {
        type: 'merge',
      },
    );

    // The agent stops: after 5 lease durations the hub calls availability Unknown.
    await first.stop();
    const stale = await eventually(
      async () => {
        const mc = await getCluster('cluster1');
        return cond(mc, 'ManagedClusterConditionAvailable')?.status === 'Unknown' && mc;
      },
      'Available=Unknown after the lease stopped',
      15_000,
    );
    const unknown = cond(stale, 'ManagedClusterConditionAvailable')!;
    expect(unknown.reason).toBe('ManagedClusterLeaseUpdateStopped');
    expect(unknown.message).toMatch(/stopped updating its lease/);
    expect(cond(stale, 'ManagedClusterJoined')?.status).toBe('True');

    // The agent comes back (same cluster): Available again, the user's label kept.
    const second = runAgent({ 'location-group': 'edge', name: 'cluster1' });
    try {
      await second.agent.ready();
      const back = await eventually(async () => {
        const mc = await getCluster('cluster1');
        return cond(mc, 'ManagedClusterConditionAvailable')?.status === 'True' && mc;
      }, 'Available=True after the agent returned');
      expect(back.metadata.labels?.['location-group']).toBe('cloud');
      expect(back.metadata.uid).toBe(registered.metadata.uid);
      expect(back.spec?.managedClusterClientConfigs).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('re-creates a deleted ManagedCluster while the agent runs', async () => {
    const agent = runAgent({ name: 'cluster1' });
    try {
      await acceptCluster(its, 'cluster1');
      await agent.agent.ready();
      const before = (await getCluster('cluster1'))!;
      await its.delete(MANAGED_CLUSTER, 'cluster1');
      const after = await eventually(async () => {
        const mc = await getCluster('cluster1');
        return mc && mc.metadata.uid !== before.metadata.uid && mc;
      }, 'a new ManagedCluster');
      expect(after.spec?.hubAcceptsClient).toBe(false);
      expect(after.metadata.labels).toMatchObject({ name: 'cluster1' });

      // Accepted again, then denied: the hub reports the denial and keeps the namespace.
      await acceptCluster(its, 'cluster1');
      await eventually(
        async () => cond(await getCluster('cluster1'), 'ManagedClusterJoined')?.status === 'True',
        'joined again',
      );
      await its.patch(MANAGED_CLUSTER, 'cluster1', { spec: { hubAcceptsClient: false } }, { type: 'merge' });
      const denied = await eventually(async () => {
        const mc = await getCluster('cluster1');
        return cond(mc, 'HubAcceptedManagedCluster')?.status === 'False' && mc;
      }, 'HubAcceptedManagedCluster=False');
      expect(cond(denied, 'HubAcceptedManagedCluster')?.reason).toBe('HubClusterAdminDenied');
      expect((await its.get(NAMESPACE, 'cluster1')).metadata?.deletionTimestamp).toBeUndefined();
    } finally {
      await agent.stop();
    }
  });
});

describe('hub controller with autoAccept', () => {
  it('accepts, adopts a namespace made by hand, and calls a cluster whose agent never came Unknown', async () => {
    const dir = tempDir();
    const space = await Space.start({ dataDir: dir, name: 'its2', storage });
    const client = DynamicClient.fromKubeConfig(kubeConfigFromString(space.kubeconfig()));
    const stop = new AbortController();
    const hub = createHubController({ its: client, autoAccept: true });
    const running = hub.start(stop.signal);
    try {
      await hub.ready();
      await client.create(NAMESPACE, { metadata: { name: 'edge9' } });
      await client.create(MANAGED_CLUSTER, {
        apiVersion: 'cluster.open-cluster-management.io/v1',
        kind: 'ManagedCluster',
        metadata: { name: 'edge9' },
        spec: { leaseDurationSeconds: 1 },
      });
      const accepted = await eventually(async () => {
        const mc = await client.get<ManagedCluster>(MANAGED_CLUSTER, 'edge9');
        return cond(mc, 'HubAcceptedManagedCluster')?.status === 'True' && mc;
      }, 'edge9 accepted');
      expect(accepted.spec?.hubAcceptsClient).toBe(true);
      expect(accepted.metadata.labels).toMatchObject({
        'cluster.open-cluster-management.io/clusterset': 'default',
      });
      expect((await client.get(NAMESPACE, 'edge9')).metadata?.labels).toMatchObject({
        'open-cluster-management.io/cluster-name': 'edge9',
      });
      const lease = await client.get(LEASE, 'managed-cluster-lease', { namespace: 'edge9' });
      expect(lease.spec.renewTime).toBeTruthy();
      // No agent ever renews the lease the hub created.
      const stale = await eventually(
        async () => {
          const mc = await client.get<ManagedCluster>(MANAGED_CLUSTER, 'edge9');
          return cond(mc, 'ManagedClusterConditionAvailable')?.status === 'Unknown' && mc;
        },
        'edge9 Available=Unknown',
        15_000,
      );
      expect(cond(stale, 'ManagedClusterConditionAvailable')?.reason).toBe(
        'ManagedClusterLeaseUpdateStopped',
      );
      expect(cond(stale, 'ManagedClusterJoined')).toBeUndefined();
    } finally {
      stop.abort();
      await running;
      client.rest.close();
      await space.close();
      removeDir(dir);
    }
  });
});
