import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { BINDING, BINDING_POLICY, NAMESPACE } from '../../src/api/gvr.js';
import type { Binding } from '../../src/api/control.js';
import type { KObject } from '../../src/api/meta.js';
import type { ManifestWork } from '../../src/api/ocm.js';
import { ORIGIN_BINDING_LABEL } from '../../src/api/constants.js';
import {
  DEPLOYMENTS,
  createDeployment,
  createPolicy,
  eventually,
  patchPolicy,
  startEngineEnv,
  type EngineEnv,
} from './helpers/engine-env.js';

/**
 * E2E-09 / E2E-10 (kubestellar-semantics.md §3.6, §6.1): ManifestWorks sharded by object count and
 * by JSON size. The e2e fixture is reproduced: Namespace `nginx` labelled like policy `nginx`'s
 * selector, so every cluster carries one baseline work (the Namespace) besides the tested ones.
 * One env; the engine is restarted with other wrapping limits between the two scenarios, as the
 * reference restarts its transport.
 */

const NAME = 'app.kubernetes.io/name';
const TEN = Array.from({ length: 10 }, (_, i) => String(i + 1));

let env: EngineEnv;
beforeAll(async () => {
  env = await startEngineEnv(['cluster1', 'cluster2'], 'wds1', {
    maxNumWrapped: 2,
    leaseDurationMs: 2000,
    renewDeadlineMs: 1500,
    retryPeriodMs: 200,
  });
  await env.wds.create(NAMESPACE, { metadata: { name: 'nginx', labels: { [NAME]: 'nginx' } } });
  await createPolicy(env.wds, 'nginx', {
    clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }],
    downsync: [{ objectSelectors: [{ matchLabels: { [NAME]: 'nginx' } }] }],
  });
});
afterAll(async () => env?.close());

const ofBinding = (ws: ManifestWork[], b: string) =>
  ws.filter((w) => w.metadata.labels?.[ORIGIN_BINDING_LABEL] === b);
const deploymentsIn = (ws: ManifestWork[]) =>
  ws
    .flatMap((w) => w.spec?.workload?.manifests ?? [])
    .filter((m: KObject) => m.kind === 'Deployment')
    .map((m: KObject) => m.metadata!.name!)
    .sort();

/** Waits until the clusters hold these numbers of works (baseline included) and Deployments. */
async function expectState(want: Record<string, { works: number; deployments: number }>, what: string) {
  let seen = '';
  try {
    return await eventually(
      async () => {
        const out: Record<string, ManifestWork[]> = {};
        const got: string[] = [];
        for (const c of Object.keys(want)) {
          out[c] = await env.works(c);
          got.push(`${c}: ${out[c].length} works, ${deploymentsIn(out[c]).length} deployments`);
        }
        seen = got.join('; ');
        return (
          Object.entries(want).every(
            ([c, n]) => out[c].length === n.works && deploymentsIn(out[c]).length === n.deployments,
          ) && out
        );
      },
      what,
      20_000,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message} (last seen ${seen})`);
  }
}

const tenDeployments = async () => {
  for (const name of TEN) await createDeployment(env.wds, 'nginx', name, { label1: 'test1' });
};
const deleteTen = async () => {
  for (const name of TEN) await env.wds.delete(DEPLOYMENTS, name, { namespace: 'nginx' });
};
const bindingGone = (name: string) =>
  eventually(() => env.gone({ ...BINDING, namespaced: false }, name), `Binding ${name} deleted`);

describe('engine: ManifestWork sharding', () => {
  it('E2E-09: shards by object count (maxNumWrapped=2), follows a selector patch, and goes with the policy', async () => {
    const base = await expectState(
      { cluster1: { works: 1, deployments: 0 }, cluster2: { works: 1, deployments: 0 } },
      'baseline works',
    );
    // With more than one object per work, works are named after the Binding and the shard index.
    expect(base.cluster1.map((w) => w.metadata.name)).toEqual(['nginx-wds1-0']);

    await tenDeployments();
    await createPolicy(env.wds, 'multipledep', {
      clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
      downsync: [{ objectSelectors: [{ matchLabels: { label1: 'test1' } }] }],
    });
    let st = await expectState(
      { cluster1: { works: 6, deployments: 10 }, cluster2: { works: 1, deployments: 0 } },
      '5 shards in cluster1',
    );
    let shards = ofBinding(st.cluster1, 'multipledep');
    expect(shards.map((w) => w.metadata.name).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `multipledep-wds1-${i}`),
    );
    for (const w of shards) expect(w.spec?.workload?.manifests).toHaveLength(2);
    expect(deploymentsIn(shards)).toEqual([...TEN].sort());

    await patchPolicy(env.wds, 'multipledep', { clusterSelectors: [{ matchLabels: { name: 'cluster2' } }] });
    st = await expectState(
      { cluster1: { works: 1, deployments: 0 }, cluster2: { works: 6, deployments: 10 } },
      'shards moved to cluster2',
    );
    shards = ofBinding(st.cluster2, 'multipledep');
    expect(shards.map((w) => w.metadata.name).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `multipledep-wds1-${i}`),
    );
    expect(ofBinding(st.cluster1, 'multipledep')).toEqual([]);

    // One object fewer: still five shards, the last one holding one object; none stale.
    await env.wds.delete(DEPLOYMENTS, '10', { namespace: 'nginx' });
    st = await expectState(
      { cluster1: { works: 1, deployments: 0 }, cluster2: { works: 6, deployments: 9 } },
      'one shard fewer',
    );
    expect(
      ofBinding(st.cluster2, 'multipledep')
        .map((w) => w.spec!.workload!.manifests!.length)
        .sort(),
    ).toEqual([1, 2, 2, 2, 2]);
    await createDeployment(env.wds, 'nginx', '10', { label1: 'test1' });

    await env.wds.delete(BINDING_POLICY, 'multipledep');
    await expectState(
      { cluster1: { works: 1, deployments: 0 }, cluster2: { works: 1, deployments: 0 } },
      'shards deleted with the policy',
    );
    await bindingGone('multipledep');
    await deleteTen();
  });

  it('E2E-10: shards by JSON size (maxSizeWrapped=1000); an object over the limit blocks only new writes', async () => {
    await env.stopEngine();
    await env.startEngine({
      maxNumWrapped: 100,
      maxSizeWrapped: 1000,
      leaseDurationMs: 2000,
      renewDeadlineMs: 1500,
      retryPeriodMs: 200,
    });
    await tenDeployments();
    await createPolicy(env.wds, 'multipledep', {
      clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
      downsync: [{ objectSelectors: [{ matchLabels: { label1: 'test1' } }] }],
    });
    let st = await expectState(
      { cluster1: { works: 11, deployments: 10 }, cluster2: { works: 1, deployments: 0 } },
      'one Deployment per work in cluster1',
    );
    const shards = ofBinding(st.cluster1, 'multipledep');
    expect(shards.map((w) => w.metadata.name).sort()).toEqual(
      TEN.map((_, i) => `multipledep-wds1-${i}`).sort(),
    );
    for (const w of shards) {
      expect(w.spec?.workload?.manifests).toHaveLength(1);
      // Each object alone fits, two would not: that is what split them.
      const size = Buffer.byteLength(JSON.stringify(w.spec!.workload!.manifests![0]));
      expect(size).toBeLessThanOrEqual(1000);
      expect(size * 2).toBeGreaterThanOrEqual(1000);
    }
    // The baseline work is still one shard of the Namespace alone.
    expect(ofBinding(st.cluster1, 'nginx').map((w) => w.metadata.name)).toEqual(['nginx-wds1-0']);

    await patchPolicy(env.wds, 'multipledep', { clusterSelectors: [{ matchLabels: { name: 'cluster2' } }] });
    st = await expectState(
      { cluster1: { works: 1, deployments: 0 }, cluster2: { works: 11, deployments: 10 } },
      'shards moved to cluster2',
    );

    // An object bigger than the limit: the Binding reports it and the delivered works stay as they were.
    await createDeployment(
      env.wds,
      'nginx',
      'big',
      { label1: 'test1' },
      { annotations: { filler: 'x'.repeat(1200) } },
    );
    const failed = await eventually(async () => {
      const b = await env.wds.get<Binding>(BINDING, 'multipledep');
      return (b.status?.errors?.length ?? 0) > 0 && b;
    }, 'size error in the Binding status');
    expect(failed.status!.errors!.join('\n')).toMatch(
      /deployments\(nginx\/big\).*more than the ManifestWork limit of 1000 bytes/,
    );
    st = await expectState(
      { cluster1: { works: 1, deployments: 0 }, cluster2: { works: 11, deployments: 10 } },
      'previous works kept',
    );
    await env.wds.delete(DEPLOYMENTS, 'big', { namespace: 'nginx' });
    await eventually(async () => {
      const b = await env.wds.get<Binding>(BINDING, 'multipledep');
      return (b.status?.errors?.length ?? 0) === 0 && b.status?.observedGeneration === b.metadata.generation;
    }, 'size error cleared');

    await env.wds.delete(BINDING_POLICY, 'multipledep');
    await expectState(
      { cluster1: { works: 1, deployments: 0 }, cluster2: { works: 1, deployments: 0 } },
      'shards deleted with the policy',
    );
    await bindingGone('multipledep');
  });
});
