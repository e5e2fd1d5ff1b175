import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Kubectl } from './helpers/kubectl.js';
import {
  EDGE,
  NAME_LABEL,
  WECS,
  byName,
  ctx,
  deployment,
  everyWec,
  expectNames,
  namespace,
  policy,
  startKubestellarEnv,
  type Ctx,
  type KubestellarEnv,
} from './helpers/kubestellar-env.js';

/**
 * The agent side of delivery with real WECs, read with the real kubectl: a CRD and its custom
 * resources in one policy, a WEC whose agent is away while the WDS changes, and how the ITS
 * shows that WEC (Available Unknown, then True again). cluster2 renews its lease every second,
 * so the hub notices a silent agent after 5 s.
 */

let env: KubestellarEnv;
let k: Kubectl;
let wds: Ctx;
let its: Ctx;
const wec: Record<string, Ctx> = {};

beforeAll(async () => {
  env = await startKubestellarEnv({
    wecs: [{ name: 'cluster1' }, { name: 'cluster2', leaseDurationSeconds: 1 }],
  });
  k = env.kubectl;
  wds = ctx(k, 'wds1');
  its = ctx(k, 'its1');
  for (const w of WECS) wec[w] = ctx(k, w);
});
afterAll(async () => env?.close());

describe('KubeStellar with embedded WECs', () => {
  it('delivers a CRD and its custom resources in one policy; the resources follow once the CRD is established', async () => {
    const ns = 'ecrd';
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.e2e.kstellar.io', labels: { [NAME_LABEL]: ns } },
      spec: {
        group: 'e2e.kstellar.io',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    };
    const widget = (name: string, size: number) => ({
      apiVersion: 'e2e.kstellar.io/v1',
      kind: 'Widget',
      metadata: { name, namespace: ns, labels: { [NAME_LABEL]: ns } },
      spec: { size },
    });
    await wds.apply(crd);
    await wds.ok('wait', '--for', 'condition=established', '--timeout=30s', 'crd/widgets.e2e.kstellar.io');
    await wds.apply(namespace(ns), widget('w1', 1), widget('w2', 2));
    // The policy comes last, so the CRD, the namespace and the resources all start travelling at once.
    await wds.apply(policy(ns, EDGE, [{ objectSelectors: byName(ns) }]));

    await expectNames(k, 'widgets.e2e.kstellar.io', ns, everyWec(['w1', 'w2']), 'both Widgets in both WECs');
    for (const w of WECS) {
      const established = await wec[w].ok(
        'get',
        'crd',
        'widgets.e2e.kstellar.io',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Established")].status}',
      );
      expect(established).toBe('True');
      const sizes = (await wec[w].json<{ items: any[] }>('-n', ns, 'get', 'widgets')).items.map(
        (i) => i.spec.size,
      );
      expect(sizes.sort()).toEqual([1, 2]);
    }
    // The CRs keep following their WDS copies.
    await wds.patch(['-n', ns, 'widget', 'w2'], { spec: { size: 5 } });
    await eventually(
      async () => {
        for (const w of WECS)
          if ((await wec[w].json('-n', ns, 'get', 'widget', 'w2')).spec.size !== 5) return false;
        return true;
      },
      30_000,
      'w2 updated in both WECs',
    );
  });

  it('a WEC whose agent was away converges on restart, and the ITS shows it Unknown meanwhile', async () => {
    const ns = 'estop';
    const labels = { [NAME_LABEL]: ns };
    await wds.apply(
      namespace(ns),
      deployment(ns, 'a', labels),
      deployment(ns, 'b', labels),
      policy(ns, EDGE, [{ objectSelectors: byName(ns) }]),
    );
    await expectNames(k, 'deployments', ns, everyWec(['a', 'b']), 'a and b in both WECs');
    const clusters = () => its.ok('get', 'managedclusters');
    await eventually(
      async () => /^cluster2\s+true\s+https:\S+\s+True\s+True\s/m.test(await clusters()),
      30_000,
      'cluster2 joined and Available',
    );

    await env.wecs.cluster2.stopAgent();
    await wds.patch(['-n', ns, 'deployment', 'a'], { spec: { replicas: 3 } });
    await wds.ok('-n', ns, 'delete', 'deployment', 'b');
    await wds.apply(deployment(ns, 'c', labels));
    const replicasOf = async (c: Ctx, name: string) =>
      (await c.json('-n', ns, 'get', 'deployment', name)).spec.replicas;

    // cluster1 follows at once; cluster2 keeps serving what it had.
    await expectNames(k, 'deployments', ns, { cluster1: ['a', 'c'] }, 'cluster1 converged');
    await eventually(async () => (await replicasOf(wec.cluster1, 'a')) === 3, 30_000, 'a scaled in cluster1');
    expect(await wec.cluster2.names('deployments', ns)).toEqual(['a', 'b']);
    expect(await replicasOf(wec.cluster2, 'a')).toBe(1);

    // The hub notices the silent lease (5 × 1 s) and says so in the ManagedCluster.
    await eventually(
      async () => /^cluster2\s+true\s+https:\S+\s+True\s+Unknown\s/m.test(await clusters()),
      30_000,
      'kubectl get managedclusters shows cluster2 Available Unknown',
    );
    const reason = await its.ok(
      'get',
      'managedcluster',
      'cluster2',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="ManagedClusterConditionAvailable")].reason}',
    );
    expect(reason).toBe('ManagedClusterLeaseUpdateStopped');
    expect(await clusters()).toMatch(/^cluster1\s+true\s+https:\S+\s+True\s+True\s/m);
    // Still disconnected: nothing changed on cluster2 meanwhile.
    expect(await wec.cluster2.names('deployments', ns)).toEqual(['a', 'b']);

    env.wecs.cluster2.startAgent();
    await env.wecs.cluster2.ready();
    await eventually(
      async () => /^cluster2\s+true\s+https:\S+\s+True\s+True\s/m.test(await clusters()),
      30_000,
      'cluster2 Available True again',
    );
    await expectNames(k, 'deployments', ns, everyWec(['a', 'c']), 'cluster2 converged: b deleted, c created');
    await eventually(async () => (await replicasOf(wec.cluster2, 'a')) === 3, 30_000, 'a scaled in cluster2');
    // The deletion finished on the ITS too: no work is left waiting for the agent's finalizer.
    const works = await its.json<{ items: any[] }>('-n', 'cluster2', 'get', 'manifestworks');
    expect(works.items.filter((w) => w.metadata.deletionTimestamp)).toEqual([]);
  });
});
