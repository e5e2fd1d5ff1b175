import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';
import { DynamicClient, kubeConfigFromString, isNotFound } from '../../src/kube/index.js';
import {
  BINDING,
  BINDING_POLICY,
  CONFIG_MAP,
  MANAGED_CLUSTER,
  MANIFEST_WORK,
  NAMESPACE,
} from '../../src/api/gvr.js';
import type { Binding } from '../../src/api/control.js';
import type { ManifestWork } from '../../src/api/ocm.js';
import { createEngine } from '../../src/engine/engine.js';
import { eventually } from './helpers/engine-env.js';

/** Engine restarts: no churn of what is up to date, and changes made while it was down are caught up. */

let dirs: string[] = [];
let wdsSpace: Space;
let itsSpace: Space;
let wds: DynamicClient;
let its: DynamicClient;

/** Runs an engine until the returned stop function is called. */
async function runEngine(): Promise<() => Promise<void>> {
  const ac = new AbortController();
  // Short lease timings: a restarted engine must not wait long for the previous one's lease.
  const engine = createEngine({
    wdsKubeconfig: wdsSpace.kubeconfig(),
    itsKubeconfig: itsSpace.kubeconfig(),
    wdsName: 'wds1',
    leaseDurationMs: 2000,
    renewDeadlineMs: 1500,
    retryPeriodMs: 200,
  });
  const running = engine.start(ac.signal);
  running.catch(() => undefined);
  await Promise.race([engine.ready(), running.then(() => Promise.reject(new Error('engine stopped early')))]);
  return async () => {
    ac.abort();
    await running;
  };
}

const works = async () =>
  (await its.list<ManifestWork>(MANIFEST_WORK, { namespace: 'cluster1' })).items.filter(
    (w) => w.metadata.labels?.['transport.kubestellar.io/originWdsName'] === 'wds1',
  );
const rvs = (ws: ManifestWork[]) => new Map(ws.map((w) => [w.metadata.name, w.metadata.resourceVersion]));

beforeAll(async () => {
  dirs = [tempDir(), tempDir()];
  const storage = { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 };
  [wdsSpace, itsSpace] = await Promise.all([
    Space.start({ dataDir: dirs[0], name: 'wds1', storage }),
    Space.start({ dataDir: dirs[1], name: 'its1', storage }),
  ]);
  wds = DynamicClient.fromKubeConfig(kubeConfigFromString(wdsSpace.kubeconfig()));
  its = DynamicClient.fromKubeConfig(kubeConfigFromString(itsSpace.kubeconfig()));
});

afterAll(async () => {
  wds?.rest.close();
  its?.rest.close();
  await Promise.all([wdsSpace?.close(), itsSpace?.close()]);
  dirs.forEach(removeDir);
});

describe('engine restart', () => {
  it('keeps up-to-date works and catches up with changes made while down', async () => {
    let stop = await runEngine();
    await its.create(NAMESPACE, { metadata: { name: 'cluster1' } });
    await its.create(MANAGED_CLUSTER, {
      apiVersion: 'cluster.open-cluster-management.io/v1',
      kind: 'ManagedCluster',
      metadata: { name: 'cluster1', labels: { name: 'cluster1' } },
      spec: { hubAcceptsClient: true },
    });
    const labels = { app: 'demo' };
    await wds.create(BINDING_POLICY, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'demo' },
      spec: {
        clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
        downsync: [{ objectSelectors: [{ matchLabels: labels }] }],
      },
    });
    await wds.create(NAMESPACE, { metadata: { name: 'demo', labels } });
    for (const name of ['cm1', 'cm2'])
      await wds.create(
        CONFIG_MAP,
        { metadata: { name, namespace: 'demo', labels }, data: { name } },
        { namespace: 'demo' },
      );
    const before = await eventually(async () => {
      const l = await works();
      return l.length === 3 && l;
    }, 'three works');
    const generation = (await wds.get<Binding>(BINDING, 'demo')).metadata.generation!;
    await stop();

    // While the engine is down, cm2 goes away.
    await wds.delete(CONFIG_MAP, 'cm2', { namespace: 'demo' });
    stop = await runEngine();
    const after = await eventually(async () => {
      const l = await works();
      return l.length === 2 && l;
    }, 'cm2 work deleted after restart');
    // The surviving works were not rewritten, and the Binding was rewritten once (no transient partial resolution).
    const old = rvs(before);
    for (const [name, rv] of rvs(after)) expect(rv).toBe(old.get(name));
    await new Promise((r) => setTimeout(r, 300));
    expect((await wds.get<Binding>(BINDING, 'demo')).metadata.generation).toBe(generation + 1);
    await stop();

    // While the engine is down, the policy goes away: its Binding and works follow after restart.
    await wds.delete(BINDING_POLICY, 'demo');
    stop = await runEngine();
    await eventually(async () => (await works()).length === 0, 'works deleted after restart');
    await eventually(async () => {
      try {
        await wds.get(BINDING, 'demo');
        return false;
      } catch (e) {
        return isNotFound(e);
      }
    }, 'binding deleted after restart');
    await eventually(async () => {
      try {
        await wds.get(BINDING_POLICY, 'demo');
        return false;
      } catch (e) {
        return isNotFound(e);
      }
    }, 'policy finalized after restart');
    await stop();
  });
});
