import { describe, it, expect } from 'vitest';
import { BINDING, BINDING_POLICY, CONFIG_MAP, MANAGED_CLUSTER, NAMESPACE } from '../../src/api/gvr.js';
import type { Binding, BindingPolicy } from '../../src/api/control.js';
import type { KObject } from '../../src/api/meta.js';
import type { ManifestWork } from '../../src/api/ocm.js';
import { ORIGIN_BINDING_LABEL } from '../../src/api/constants.js';
import { isAlreadyExists } from '../../src/kube/errors.js';
import { createPolicy, eventually, startEngineEnv, type EngineEnv } from './helpers/engine-env.js';

/**
 * An engine stopped in the middle of a burst of changes, and a new one started on the same
 * spaces while the burst goes on, must converge to exactly the Bindings and ManifestWorks the
 * final state calls for: nothing missing, no work left from a removed object, destination,
 * policy or earlier Binding, and no manifest with stale content. The expected state comes from a
 * model of the test's own writes (independent of the engine's resolver).
 */

const CLUSTERS = ['c1', 'c2', 'c3'];
const TIERS = ['gold', 'silver'];
const APPS = ['a', 'b', 'c'];
const NAMESPACES = ['b0', 'b1'];
const APP = 'test.kubestellar.io/burst-app';
const POLICIES = ['p0', 'p1', 'p2', 'p3'];
const CMS = Array.from({ length: 24 }, (_, i) => `cm${i}`);
const OPS = 200;
const LEASE = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200 };

/** Deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Model {
  cms: Map<string, { ns: string; app: string; v: number }>;
  policies: Map<string, { tier: string; app: string }>;
  clusters: Map<string, string>;
}

let env: EngineEnv;
/** Objects per ManifestWork in the running scenario. */
let maxNum = 1;

const policySpec = (p: { tier: string; app: string }) => ({
  clusterSelectors: [{ matchLabels: { tier: p.tier } }],
  downsync: [{ resources: ['configmaps'], objectSelectors: [{ matchLabels: { [APP]: p.app } }] }],
});

/** Performs one random change against the WDS/ITS and records it in the model. */
async function randomChange(m: Model, rnd: () => number): Promise<void> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const r = rnd();
  const { wds, its } = env;
  if (r < 0.5) {
    const name = pick(CMS);
    const cur = m.cms.get(name);
    if (!cur) {
      const cm = { ns: pick(NAMESPACES), app: pick(APPS), v: 0 };
      await wds.create(
        CONFIG_MAP,
        { metadata: { name, namespace: cm.ns, labels: { [APP]: cm.app } }, data: { v: '0' } },
        { namespace: cm.ns },
      );
      m.cms.set(name, cm);
    } else if (r < 0.15) {
      await wds.delete(CONFIG_MAP, name, { namespace: cur.ns });
      m.cms.delete(name);
    } else if (r < 0.35) {
      cur.v++;
      await wds.patch(CONFIG_MAP, name, { data: { v: String(cur.v) } }, { type: 'merge', namespace: cur.ns });
    } else {
      cur.app = pick(APPS);
      await wds.patch(
        CONFIG_MAP,
        name,
        { metadata: { labels: { [APP]: cur.app } } },
        { type: 'merge', namespace: cur.ns },
      );
    }
  } else if (r < 0.85) {
    const name = pick(POLICIES);
    const cur = m.policies.get(name);
    if (!cur) {
      const p = { tier: pick(TIERS), app: pick(APPS) };
      try {
        await createPolicy(wds, name, policySpec(p));
        m.policies.set(name, p);
      } catch (e) {
        // The deleted policy still waits for its finalizer (engine down or busy): try later.
        if (!isAlreadyExists(e)) throw e;
      }
    } else if (r < 0.6) {
      await wds.delete(BINDING_POLICY, name);
      m.policies.delete(name);
    } else {
      const p = rnd() < 0.5 ? { ...cur, tier: pick(TIERS) } : { ...cur, app: pick(APPS) };
      await wds.patch(BINDING_POLICY, name, { spec: policySpec(p) }, { type: 'merge' });
      m.policies.set(name, p);
    }
  } else {
    const name = pick(CLUSTERS);
    const tier = pick([...TIERS, 'none']);
    await its.patch(MANAGED_CLUSTER, name, { metadata: { labels: { tier } } }, { type: 'merge' });
    m.clusters.set(name, tier);
  }
}

/** What the model calls for: Binding contents and one work line per (policy, cluster, object). */
function expected(m: Model) {
  const bindings = new Map<string, { destinations: string[]; objects: string[] }>();
  const works: string[] = [];
  for (const [name, p] of m.policies) {
    const destinations = CLUSTERS.filter((c) => m.clusters.get(c) === p.tier);
    const objects = [...m.cms].filter(([, cm]) => cm.app === p.app).map(([n, cm]) => `${cm.ns}/${n}`);
    if (destinations.length || objects.length) bindings.set(name, { destinations, objects: objects.sort() });
    for (const d of destinations)
      for (const [n, cm] of m.cms)
        if (cm.app === p.app) works.push(`${d} ${name} ${cm.ns}/${n} app=${cm.app} v=${cm.v}`);
  }
  return { bindings, works: works.sort() };
}

/** What the spaces hold, in the same shape, plus any anomaly of work naming or content. */
async function actual() {
  const all = (await env.wds.list<Binding>(BINDING)).items;
  const bindings = new Map<string, { destinations: string[]; objects: string[] }>();
  const uids = new Map<string, string>();
  for (const b of all) {
    uids.set(b.metadata.name!, b.metadata.uid!);
    bindings.set(b.metadata.name!, {
      destinations: (b.spec?.destinations ?? []).map((d) => d.clusterId).sort(),
      objects: (b.spec?.workload?.namespaceScope ?? []).map((e) => `${e.namespace}/${e.name}`).sort(),
    });
  }
  const works: string[] = [];
  const anomalies: string[] = [];
  for (const c of CLUSTERS) {
    const shards = new Map<string, number[]>();
    for (const w of (await env.works(c)) as ManifestWork[]) {
      const binding = w.metadata.labels?.[ORIGIN_BINDING_LABEL] ?? '';
      const name = w.metadata.name!;
      const manifests: KObject[] = w.spec?.workload?.manifests ?? [];
      if (!manifests.length || manifests.length > maxNum)
        anomalies.push(`${c}/${name}: ${manifests.length} manifests`);
      if (maxNum === 1) {
        // Named after the current Binding's uid, not an earlier Binding's of the same name.
        if (!name.startsWith(`${uids.get(binding)}-wds1-`))
          anomalies.push(`${c}/${name}: not named after the current Binding ${binding}`);
      } else {
        const index = name.startsWith(`${binding}-wds1-`) ? Number(name.slice(binding.length + 6)) : NaN;
        if (!Number.isInteger(index)) anomalies.push(`${c}/${name}: not a shard name of ${binding}`);
        shards.set(binding, [...(shards.get(binding) ?? []), index]);
      }
      for (const o of manifests)
        works.push(
          `${c} ${binding} ${o.metadata?.namespace}/${o.metadata?.name} app=${o.metadata?.labels?.[APP]} v=${o.data?.v}`,
        );
    }
    // Shards are numbered 0..n-1 and only the last may be partly filled.
    for (const [binding, idx] of shards) {
      const sorted = idx.sort((a, b) => a - b);
      if (sorted.some((v, i) => v !== i)) anomalies.push(`${c}: shards of ${binding} are ${sorted}`);
      const objects = works.filter((w) => w.startsWith(`${c} ${binding} `)).length;
      if (sorted.length !== Math.ceil(objects / maxNum))
        anomalies.push(`${c}: ${sorted.length} shards of ${binding} for ${objects} objects`);
    }
  }
  const leftovers = (await env.wds.list<BindingPolicy>(BINDING_POLICY)).items
    .filter((p) => p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name!);
  return { bindings, works: works.sort(), anomalies, leftovers };
}

/** Waits until the spaces match the model; on timeout, shows the difference. */
async function expectConverged(m: Model, what: string, ms = 45_000): Promise<void> {
  const want = expected(m);
  let last: Awaited<ReturnType<typeof actual>> | undefined;
  const same = (a: Awaited<ReturnType<typeof actual>>) =>
    JSON.stringify([...a.bindings].sort()) === JSON.stringify([...want.bindings].sort()) &&
    JSON.stringify(a.works) === JSON.stringify(want.works) &&
    !a.anomalies.length &&
    !a.leftovers.length;
  try {
    await eventually(
      async () => {
        last = await actual();
        return same(last);
      },
      what,
      ms,
    );
  } catch (e) {
    const missing = want.works.filter((w) => !last?.works.includes(w));
    const extra = last?.works.filter((w) => !want.works.includes(w)) ?? [];
    throw new Error(
      `${(e as Error).message}\nmissing works: ${JSON.stringify(missing)}\nextra works: ${JSON.stringify(extra)}` +
        `\nanomalies: ${JSON.stringify(last?.anomalies)}\nleftover policies: ${JSON.stringify(last?.leftovers)}` +
        `\nbindings want ${JSON.stringify([...want.bindings].sort())}\nbindings got ${JSON.stringify([...(last?.bindings ?? [])].sort())}`,
    );
  }
}

/** Runs the whole scenario on fresh spaces with `objectsPerWork` objects per ManifestWork at most. */
async function scenario(objectsPerWork: number): Promise<void> {
  maxNum = objectsPerWork;
  env = await startEngineEnv([], 'wds1', { ...LEASE, maxNumWrapped: objectsPerWork });
  try {
    const rnd = prng(Number(process.env.BURST_SEED ?? 20240611));
    const m: Model = { cms: new Map(), policies: new Map(), clusters: new Map() };
    for (const ns of NAMESPACES) await env.wds.create(NAMESPACE, { metadata: { name: ns } });
    for (const [i, c] of CLUSTERS.entries()) {
      const tier = TIERS[i % TIERS.length];
      await env.its.create(NAMESPACE, { metadata: { name: c } });
      await env.its.create(MANAGED_CLUSTER, {
        apiVersion: 'cluster.open-cluster-management.io/v1',
        kind: 'ManagedCluster',
        metadata: { name: c, labels: { name: c, tier } },
        spec: { hubAcceptsClient: true },
      });
      m.clusters.set(c, tier);
    }
    // A settled start with works in place: every policy, half of the objects.
    for (const [i, name] of POLICIES.entries()) {
      const p = { tier: TIERS[i % TIERS.length], app: APPS[i % APPS.length] };
      await createPolicy(env.wds, name, policySpec(p));
      m.policies.set(name, p);
    }
    for (const [i, name] of CMS.slice(0, CMS.length / 2).entries()) {
      const cm = { ns: NAMESPACES[i % NAMESPACES.length], app: APPS[i % APPS.length], v: 0 };
      await env.wds.create(
        CONFIG_MAP,
        { metadata: { name, namespace: cm.ns, labels: { [APP]: cm.app } }, data: { v: '0' } },
        { namespace: cm.ns },
      );
      m.cms.set(name, cm);
    }
    await expectConverged(m, 'initial state');
    expect(expected(m).works.length).toBeGreaterThan(20);

    // The burst: the engine is stopped a third of the way in and a new one started at two thirds,
    // both while the changes keep coming.
    let stopping: Promise<void> | undefined;
    let starting: Promise<void> | undefined;
    for (let i = 0; i < OPS; i++) {
      if (i === Math.floor(OPS / 3)) stopping = env.stopEngine();
      if (i === Math.floor((2 * OPS) / 3)) {
        await stopping;
        starting = env.startEngine();
      }
      await randomChange(m, rnd);
    }
    await starting;
    await expectConverged(m, 'converged after the restart');
  } finally {
    await env.close();
  }
}

describe('engine restart in the middle of a burst', () => {
  it('converges to exactly the expected Bindings and works (one object per work)', () => scenario(1));
  it('converges with sharded works too (three objects per work): no stale or surplus shard', () =>
    scenario(3));
});
