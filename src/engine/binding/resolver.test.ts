import { describe, expect, it } from 'vitest';
import type { BindingPolicy, DownsyncPolicyClause } from '../../api/control.js';
import type { LabelSelector } from '../../api/meta.js';
import { buildBinding, isEmptyBindingSpec } from './binding.js';
import { objectKey } from './objectid.js';
import { Resolver, type ObjectRecord } from './resolver.js';

// ---------------------------------------------------------------------------------------------
// A naive oracle written straight from the spec (§1.1.2, §2.2, §2.3, §4.3), sharing no code with
// the resolver, compared after every random operation (in the spirit of upstream's INT-03).
// ---------------------------------------------------------------------------------------------

type L = Record<string, string>;

function oracleSelector(sel: LabelSelector, labels: L | undefined): boolean {
  const l = labels ?? {};
  for (const e of sel.matchExpressions ?? []) {
    const vals = e.values ?? [];
    if ((e.operator === 'In' || e.operator === 'NotIn') && vals.length === 0) return false; // invalid
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && vals.length) return false;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) return false;
  }
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = k(l, e.key);
    const vals = e.values ?? [];
    if (e.operator === 'In' && !(has && vals.includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(l[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const k = (l: L, key: string) => Object.prototype.hasOwnProperty.call(l, key);
const isEmptySel = (s: LabelSelector) =>
  !Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length;
const listOk = (list: string[] | undefined, v: string) =>
  !list?.length || list.includes('*') || list.includes(v);
const EXCLUDED = new Set(['/events', 'control.kubestellar.io/bindingpolicies']);

interface World {
  objects: Map<string, ObjectRecord>;
  clusters: Map<string, L>;
  policies: Map<string, BindingPolicy>;
}

function oracleClause(c: DownsyncPolicyClause, o: ObjectRecord, w: World): boolean {
  if (EXCLUDED.has(`${o.group}/${o.resource}`)) return false;
  if (c.apiGroup !== undefined && c.apiGroup !== null && c.apiGroup !== o.group) return false;
  if (
    !listOk(c.resources, o.resource) ||
    !listOk(c.namespaces, o.namespace) ||
    !listOk(c.objectNames, o.name)
  )
    return false;
  if (c.namespaceSelectors?.length && !c.namespaceSelectors.some(isEmptySel)) {
    const ns = o.namespace
      ? w.objects.get(objectKey({ group: '', resource: 'namespaces', namespace: '', name: o.namespace }))
      : undefined;
    if (!ns || ns.deleting) return false;
    if (!c.namespaceSelectors.some((s) => oracleSelector(s, ns.labels ?? {}))) return false;
  }
  if (c.objectSelectors?.length && !c.objectSelectors.some((s) => oracleSelector(s, o.labels))) return false;
  return true;
}

function oracleResolution(p: BindingPolicy, w: World) {
  const dests = [...w.clusters]
    .filter(([, l]) => (p.spec?.clusterSelectors ?? []).some((s) => oracleSelector(s, l)))
    .map(([n]) => n);
  const workload = new Map<
    string,
    { rv: string; uid: string; createOnly: boolean; collectors: string[]; s: boolean; m: boolean }
  >();
  for (const [key, o] of w.objects) {
    if (o.deleting) continue;
    const hits = (p.spec?.downsync ?? []).filter((c) => oracleClause(c, o, w));
    if (!hits.length) continue;
    workload.set(key, {
      rv: o.resourceVersion,
      uid: o.uid,
      createOnly: hits.some((c) => !!c.createOnly),
      collectors: [...new Set(hits.flatMap((c) => c.statusCollectors ?? []))].sort(),
      s: hits.some((c) => !!c.wantSingletonReportedState),
      m: hits.some((c) => !!c.wantMultiWECReportedState),
    });
  }
  return { dests: dests.sort(), workload };
}

type OracleResolution = ReturnType<typeof oracleResolution>;

function oracleRequest(key: string, resolutions: Iterable<OracleResolution>) {
  const qs = new Set<string>();
  const qm = new Set<string>();
  let s = false;
  let m = false;
  for (const r of resolutions) {
    const e = r.workload.get(key);
    if (!e) continue;
    if (e.s) {
      s = true;
      r.dests.forEach((d) => qs.add(d));
    }
    if (e.m) {
      m = true;
      r.dests.forEach((d) => qm.add(d));
    }
  }
  return { singleton: s, singletonWECs: [...qs].sort(), multi: m, multiWECs: [...qm].sort() };
}

function resolverView(r: Resolver, name: string) {
  const res = r.resolution(name)!;
  const workload = new Map(
    [...res.workload].map(([key, e]) => [
      key,
      {
        rv: e.resourceVersion,
        uid: e.uid,
        createOnly: e.modulation.createOnly,
        collectors: e.modulation.statusCollectors,
        s: e.modulation.wantSingletonReportedState,
        m: e.modulation.wantMultiWECReportedState,
      },
    ]),
  );
  return { dests: [...res.destinations].sort(), workload };
}

// ---- seeded random world ----

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = [
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'networkpolicies',
    kind: 'NetworkPolicy',
    namespaced: true,
  },
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
];

function randomWorld(seed: number) {
  const rnd = mulberry32(seed);
  const chance = (p: number) => rnd() < p;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  let rv = 0;
  let uid = 0;

  const randLabels = (): L => {
    const l: L = { [pick(['l10', 'l11'])]: pick(['v10', 'v11']) };
    if (chance(0.6)) l[pick(['l20', 'l21'])] = pick(['v20', 'v21']);
    return l;
  };
  const selectorFrom = (labels: L): LabelSelector => {
    if (chance(0.08)) return {};
    if (chance(0.04)) return { matchExpressions: [{ key: 'l10', operator: 'In', values: [] }] }; // invalid
    const entries = Object.entries(labels).filter(() => chance(0.7));
    if (chance(0.3)) {
      const [key, value] = entries[0] ?? ['l10', 'v10'];
      const op = pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
      return {
        matchExpressions: [
          op === 'In' || op === 'NotIn'
            ? { key, operator: op, values: [chance(0.8) ? value : `${value}not`, 'zz'] }
            : { key, operator: op },
        ],
      };
    }
    const ml: L = {};
    for (const [key, v] of entries) ml[key] = chance(0.15) ? `${v}not` : v;
    if (chance(0.15)) ml.foo = 'bar';
    return { matchLabels: ml };
  };
  const withDecoy = (v: string) => (chance(0.3) ? [v, pick(['foo', 'bar'])] : [v]);

  return {
    chance,
    pick,
    newObject(name?: string): ObjectRecord {
      const kind = pick(KINDS);
      return {
        group: kind.group,
        version: kind.version,
        resource: kind.resource,
        kind: kind.kind,
        namespace: kind.namespaced ? pick(['ns1', 'ns2', 'ns3', 'ns4']) : '',
        name: name ?? `o${Math.floor(rnd() * 18)}`,
        uid: `u${++uid}`,
        resourceVersion: `${++rv}`,
        labels: randLabels(),
      };
    },
    namespace(name: string): ObjectRecord {
      return {
        group: '',
        version: 'v1',
        resource: 'namespaces',
        kind: 'Namespace',
        namespace: '',
        name,
        uid: `u${++uid}`,
        resourceVersion: `${++rv}`,
        labels: randLabels(),
      };
    },
    bump(o: ObjectRecord, relabel: boolean): ObjectRecord {
      return { ...o, resourceVersion: `${++rv}`, labels: relabel ? randLabels() : o.labels };
    },
    clause(o: ObjectRecord, nsLabels: L | undefined): DownsyncPolicyClause {
      const c: DownsyncPolicyClause = {};
      if (chance(0.25)) c.apiGroup = chance(0.9) ? o.group : 'foo';
      if (chance(0.5)) c.resources = chance(0.1) ? ['*'] : withDecoy(o.resource);
      if (o.namespace && chance(0.4)) c.namespaces = chance(0.1) ? ['*'] : withDecoy(o.namespace);
      if (!o.namespace && chance(0.1)) c.namespaces = [pick(['*', '', 'ns1'])];
      if (chance(0.3)) c.namespaceSelectors = [selectorFrom(nsLabels ?? randLabels())];
      if (chance(0.5))
        c.objectSelectors = chance(0.2)
          ? [selectorFrom(o.labels ?? {}), selectorFrom(randLabels())]
          : [selectorFrom(o.labels ?? {})];
      if (chance(0.4)) c.objectNames = chance(0.1) ? ['*'] : withDecoy(o.name);
      if (!Object.keys(c).length) c.objectNames = [o.name];
      if (chance(0.2)) c.createOnly = true;
      if (chance(0.3)) c.statusCollectors = ['a', 'b', 'c'].filter(() => chance(0.5));
      if (chance(0.2)) c.wantSingletonReportedState = true;
      if (chance(0.1)) c.wantMultiWECReportedState = true;
      return c;
    },
    clusterSelectors(): LabelSelector[] {
      const n = Math.floor(rnd() * 3);
      return Array.from({ length: n }, () =>
        chance(0.1)
          ? {}
          : chance(0.05)
            ? { matchExpressions: [{ key: 'region', operator: 'NotIn' }] }
            : { matchLabels: { [pick(['region', 'tier'])]: pick(['east', 'west', 'a', 'b']) } },
      );
    },
    clusterLabels(): L {
      return { region: pick(['east', 'west']), tier: pick(['a', 'b']) };
    },
    nextUid: () => `pu${++uid}`,
  };
}

interface OracleRun {
  /** Names the random steps create, replace and delete policies under. */
  policies: readonly string[];
  steps: number;
  /** Create every policy before the initial objects reach the resolver (else objects first). */
  policiesFirst?: boolean;
}

describe('Resolver against a brute-force oracle (randomised, seeded)', () => {
  const few: OracleRun = { policies: ['p1', 'p2', 'p3'], steps: 200 };
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('seed %i', (seed) => runOracle(seed, few));
  // More policies at once make the index file clauses under every kind of bucket and choose
  // between alternatives by their current sizes; policies first make objects arrive into
  // dimensions that are already built.
  const many: OracleRun = { policies: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'], steps: 150 };
  it.each([11, 12, 13])('seed %i, six policies', (seed) => runOracle(seed, many));
  it.each([21, 22, 23])('seed %i, six policies created before the objects', (seed) =>
    runOracle(seed, { ...many, policiesFirst: true }),
  );
});

function runOracle(seed: number, run: OracleRun): void {
  const g = randomWorld(seed);
  const w: World = { objects: new Map(), clusters: new Map(), policies: new Map() };
  const r = new Resolver();
  const put = (o: ObjectRecord) => {
    w.objects.set(objectKey(o), o);
    r.upsertObject(o);
  };
  // Policies first: the initial objects are known to the oracle (policies are made from them)
  // and reach the resolver after the policies.
  const putInitial = run.policiesFirst ? (o: ObjectRecord) => w.objects.set(objectKey(o), o) : put;
  for (const ns of ['ns1', 'ns2', 'ns3']) putInitial(g.namespace(ns));
  for (let i = 0; i < 18; i++) putInitial(g.newObject(`o${i}`));
  for (const c of ['c1', 'c2', 'c3', 'c4']) {
    const l = g.clusterLabels();
    w.clusters.set(c, l);
    r.upsertCluster(c, l);
  }
  const makePolicy = (name: string, uid: string): BindingPolicy => {
    const objs = [...w.objects.values()];
    const clauses = Array.from({ length: 1 + Math.floor((objs.length * 2) / 3 / 3) }, () => {
      const o = g.pick(objs);
      const ns = w.objects.get(
        objectKey({ group: '', resource: 'namespaces', namespace: '', name: o.namespace }),
      );
      return g.clause(o, ns?.labels);
    });
    return {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name, uid, generation: 1 },
      spec: g.chance(0.2)
        ? { downsync: clauses }
        : { clusterSelectors: g.clusterSelectors(), downsync: clauses },
    };
  };
  if (run.policiesFirst) {
    for (const name of run.policies) {
      const p = makePolicy(name, g.nextUid());
      w.policies.set(name, p);
      r.upsertPolicy(p);
    }
    for (const o of w.objects.values()) r.upsertObject(o);
  }
  const oracle = () => new Map([...w.policies].map(([n, p]) => [n, oracleResolution(p, w)]));
  const snapshot = (res: Map<string, OracleResolution>) =>
    new Map(
      [...res].map(([n, o]) => [
        n,
        JSON.stringify([w.policies.get(n)!.metadata.uid, o.dests, [...o.workload].sort()]),
      ]),
    );
  const requests = (res: Map<string, OracleResolution>) =>
    new Map([...w.objects.keys()].map((key) => [key, JSON.stringify(oracleRequest(key, res.values()))]));

  let res = oracle();
  let before = snapshot(res);
  let reqBefore = requests(res);
  let selected = 0;
  r.takeChangedPolicies();
  r.takeChangedRequests();
  for (let step = 0; step < run.steps; step++) {
    const x = g.pick([0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 3, 4, 5, 5, 5, 6, 7, 7, 8]);
    const objs = [...w.objects.values()].filter((o) => o.resource !== 'namespaces');
    switch (x) {
      case 0: {
        // create, or update labels/rv of an existing object
        const o = g.chance(0.5) && objs.length ? g.bump(g.pick(objs), g.chance(0.7)) : g.newObject();
        put(o);
        break;
      }
      case 1: {
        if (!objs.length) break;
        const o = g.pick(objs);
        w.objects.delete(objectKey(o));
        r.removeObject(o);
        break;
      }
      case 2: {
        if (!objs.length) break;
        put({ ...g.bump(g.pick(objs), false), deleting: true });
        break;
      }
      case 3: {
        const ns = g.pick(['ns1', 'ns2', 'ns3', 'ns4']);
        const old = w.objects.get(objectKey({ group: '', resource: 'namespaces', namespace: '', name: ns }));
        put(old ? g.bump(old, true) : g.namespace(ns));
        break;
      }
      case 4: {
        const ns = g.pick(['ns1', 'ns2', 'ns3', 'ns4']);
        const ref = { group: '', resource: 'namespaces', namespace: '', name: ns };
        w.objects.delete(objectKey(ref));
        r.removeObject(ref);
        break;
      }
      case 5: {
        const name = g.pick(run.policies);
        const old = w.policies.get(name);
        const p = makePolicy(name, old && g.chance(0.8) ? old.metadata.uid! : g.nextUid());
        w.policies.set(name, p);
        r.upsertPolicy(p);
        break;
      }
      case 6: {
        const name = g.pick(run.policies);
        w.policies.delete(name);
        if (g.chance(0.5)) r.removePolicy(name);
        else
          r.upsertPolicy({
            apiVersion: 'x',
            kind: 'BindingPolicy',
            metadata: { name, deletionTimestamp: 'now' },
          });
        break;
      }
      case 7: {
        const c = g.pick(['c1', 'c2', 'c3', 'c4', 'c5']);
        const l = g.clusterLabels();
        w.clusters.set(c, l);
        r.upsertCluster(c, l);
        break;
      }
      case 8: {
        const c = g.pick(['c1', 'c2', 'c3', 'c4', 'c5']);
        w.clusters.delete(c);
        r.removeCluster(c);
        break;
      }
    }

    const names = r.policyNames().join();
    if (names !== [...w.policies.keys()].sort().join())
      expect(names).toBe([...w.policies.keys()].sort().join());
    res = oracle();
    for (const [name, want] of res) {
      const got = resolverView(r, name);
      selected += want.workload.size;
      // Compare as text first: vitest's deep equality is too slow to call thousands of times.
      const gotText = JSON.stringify([got.dests, [...got.workload].sort()]);
      const wantText = JSON.stringify([want.dests, [...want.workload].sort()]);
      if (gotText !== wantText) expect(gotText, `step ${step} policy ${name}`).toBe(wantText);
      // The Binding (built with sort keys cached per object) is the one its resolution gives.
      const res = r.resolution(name)!;
      const binding = JSON.stringify(r.desiredBinding(name));
      const fromResolution = JSON.stringify(buildBinding(res, res.destinations, res.workload.values()));
      if (binding !== fromResolution) expect(binding, `step ${step} Binding ${name}`).toBe(fromResolution);
    }
    // Every Binding whose content changed is reported (deleted policies included).
    const after = snapshot(res);
    const changed = new Set(r.takeChangedPolicies());
    for (const name of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(name) !== after.get(name) && !changed.has(name))
        expect.fail(`step ${step}: ${name} not reported`);
    }
    before = after;
    // Every object whose reported-state request changed is reported.
    const reqAfter = requests(res);
    const changedReq = new Set(r.takeChangedRequests());
    for (const [key, req] of reqAfter) {
      const got = JSON.stringify(r.reportedStateRequest(key));
      if (got !== req) expect(got, `step ${step} request ${key}`).toBe(req);
      if (reqBefore.get(key) !== undefined && reqBefore.get(key) !== req && !changedReq.has(key))
        expect.fail(`step ${step}: change of the request of ${key} not reported`);
    }
    reqBefore = reqAfter;
  }
  // The random world must actually select things for the comparison to mean anything.
  expect(selected).toBeGreaterThan(500);
}

// ---------------------------------------------------------------------------------------------
// Directed cases.
// ---------------------------------------------------------------------------------------------

const rec = (over: Partial<ObjectRecord> & { name: string }): ObjectRecord => ({
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  namespace: 'nginx',
  uid: `uid-${over.name}`,
  resourceVersion: '1',
  labels: { 'app.kubernetes.io/name': 'nginx' },
  ...over,
});
const nsRec = (name: string, labels: L, rv = '1'): ObjectRecord => ({
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  namespace: '',
  name,
  uid: `uid-ns-${name}`,
  resourceVersion: rv,
  labels,
});
const bp = (name: string, spec: BindingPolicy['spec'], uid = `uid-${name}`): BindingPolicy => ({
  apiVersion: 'control.kubestellar.io/v1alpha1',
  kind: 'BindingPolicy',
  metadata: { name, uid, generation: 1 },
  spec,
});
const nginxSel = [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }];

describe('Resolver (directed)', () => {
  it('§6.0 fixture: policy nginx delivers Namespace nginx and Deployment nginx to both WECs', () => {
    const r = new Resolver();
    r.upsertCluster('cluster1', { 'location-group': 'edge', name: 'cluster1' });
    r.upsertCluster('cluster2', { 'location-group': 'edge', name: 'cluster2' });
    r.upsertObject(nsRec('nginx', { 'app.kubernetes.io/name': 'nginx' }));
    r.upsertObject(
      rec({
        name: 'nginx',
        labels: { 'app.kubernetes.io/name': 'nginx', 'test.kubestellar.io/test-label': 'here' },
      }),
    );
    r.upsertPolicy(
      bp('nginx', {
        clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }],
        downsync: [{ objectSelectors: nginxSel }],
      }),
    );
    const b = r.desiredBinding('nginx')!;
    expect(b.spec!.destinations).toEqual([{ clusterId: 'cluster1' }, { clusterId: 'cluster2' }]);
    expect(b.spec!.workload!.clusterScope!.map((e) => e.name)).toEqual(['nginx']);
    expect(b.spec!.workload!.namespaceScope!.map((e) => `${e.namespace}/${e.name}`)).toEqual(['nginx/nginx']);
  });

  it('A1: no clusterSelectors still gives a Binding with objects; nothing selected gives an empty spec', () => {
    const r = new Resolver();
    r.upsertObject(rec({ name: 'a' }));
    r.upsertPolicy(bp('p', { downsync: [{ objectNames: ['a'] }] }));
    r.upsertPolicy(bp('q', { downsync: [{ objectNames: ['zzz'] }] }));
    expect(r.desiredBinding('p')!.spec!.destinations).toBeUndefined();
    expect(r.desiredBinding('p')!.spec!.workload!.namespaceScope).toHaveLength(1);
    expect(isEmptyBindingSpec(r.desiredBinding('q')!.spec)).toBe(true);
    expect(r.desiredBinding('nope')).toBeUndefined();
  });

  it('A6: a ManagedCluster label flip adds and removes the destination', () => {
    const r = new Resolver();
    r.upsertPolicy(
      bp('p', {
        clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
        downsync: [{ resources: ['*'] }],
      }),
    );
    r.takeChangedPolicies();
    r.upsertCluster('c', { name: 'cluster2' });
    expect(r.takeChangedPolicies()).toEqual([]);
    r.upsertCluster('c', { name: 'cluster1' });
    expect(r.takeChangedPolicies()).toEqual(['p']);
    expect([...r.resolution('p')!.destinations]).toEqual(['c']);
    r.upsertCluster('c', { name: 'cluster1', extra: 'x' });
    expect(r.takeChangedPolicies()).toEqual([]);
    r.removeCluster('c');
    expect(r.takeChangedPolicies()).toEqual(['p']);
    expect(r.resolution('p')!.destinations.size).toBe(0);
  });

  it('E2E-04/E2E-05: policy and object label changes move objects in and out', () => {
    const r = new Resolver();
    r.upsertObject(rec({ name: 'nginx' }));
    r.upsertPolicy(bp('p', { downsync: [{ objectSelectors: nginxSel }] }));
    expect(r.resolution('p')!.workload.size).toBe(1);
    r.upsertPolicy(
      bp('p', {
        downsync: [{ objectSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'invalid' } }] }],
      }),
    );
    expect(r.resolution('p')!.workload.size).toBe(0);
    r.upsertPolicy(bp('p', { downsync: [{ objectSelectors: nginxSel }] }));
    r.upsertObject(
      rec({ name: 'nginx', resourceVersion: '2', labels: { 'app.kubernetes.io/name': 'not-me' } }),
    );
    expect(r.resolution('p')!.workload.size).toBe(0);
    r.upsertObject(rec({ name: 'nginx', resourceVersion: '3' }));
    expect([...r.resolution('p')!.workload.values()][0].resourceVersion).toBe('3');
  });

  it('ignores policy updates that leave the spec alone', () => {
    const r = new Resolver();
    r.upsertObject(rec({ name: 'a' }));
    const p = bp('p', { downsync: [{ resources: ['deployments'] }] });
    r.upsertPolicy(p);
    r.takeChangedPolicies();
    const before = r.stats.clauseEvaluations;
    r.upsertPolicy({ ...p, metadata: { ...p.metadata, labels: { x: 'y' }, generation: 1 } });
    expect(r.takeChangedPolicies()).toEqual([]);
    expect(r.stats.clauseEvaluations).toBe(before);
    r.upsertPolicy({ ...p, metadata: { ...p.metadata, uid: 'new' } });
    expect(r.takeChangedPolicies()).toEqual(['p']);
    expect(r.desiredBinding('p')!.metadata.ownerReferences![0].uid).toBe('new');
  });

  it('[IMPROVE] a fingerprint keeps KubeStellar-only writes from changing the Binding', () => {
    const r = new Resolver();
    r.upsertObject(rec({ name: 'a', fingerprint: 'f1' }));
    r.upsertPolicy(bp('p', { downsync: [{ resources: ['deployments'] }] }));
    r.takeChangedPolicies();
    r.upsertObject(rec({ name: 'a', resourceVersion: '2', fingerprint: 'f1' }));
    expect(r.takeChangedPolicies()).toEqual([]);
    expect([...r.resolution('p')!.workload.values()][0].resourceVersion).toBe('1');
    r.upsertObject(rec({ name: 'a', resourceVersion: '3', fingerprint: 'f2' }));
    expect(r.takeChangedPolicies()).toEqual(['p']);
    expect([...r.resolution('p')!.workload.values()][0].resourceVersion).toBe('3');
    r.upsertObject(rec({ name: 'a', resourceVersion: '4' })); // no fingerprint: every rv counts
    expect(r.takeChangedPolicies()).toEqual(['p']);
  });

  it('[IMPROVE] Namespace label changes re-evaluate the objects inside', () => {
    const r = new Resolver();
    r.upsertObject(rec({ name: 'a', namespace: 'team' }));
    r.upsertPolicy(bp('p', { downsync: [{ namespaceSelectors: [{ matchLabels: { env: 'prod' } }] }] }));
    expect(r.resolution('p')!.workload.size).toBe(0); // Namespace unknown
    r.upsertObject(nsRec('team', { env: 'dev' }));
    expect(r.resolution('p')!.workload.size).toBe(0);
    r.upsertObject(nsRec('team', { env: 'prod' }, '2'));
    expect([...r.resolution('p')!.workload.keys()]).toEqual(['apps/deployments/team/a']);
    r.setNamespaceLabels('team', undefined);
    expect(r.resolution('p')!.workload.size).toBe(0);
  });

  it('[IMPROVE] objects being deleted count as absent (or not, when configured)', () => {
    for (const deletingIsAbsent of [true, false]) {
      const r = new Resolver({ deletingIsAbsent });
      r.upsertPolicy(bp('p', { downsync: [{ resources: ['deployments'] }] }));
      r.upsertObject(rec({ name: 'a' }));
      r.upsertObject(rec({ name: 'a', resourceVersion: '2', deleting: true }));
      expect(r.resolution('p')!.workload.size).toBe(deletingIsAbsent ? 0 : 1);
    }
  });

  it('never resolves excluded resources (A5)', () => {
    const r = new Resolver();
    r.upsertPolicy(bp('p', { downsync: [{ resources: ['*'] }] }));
    r.upsertObject(rec({ name: 'e', group: '', resource: 'events', kind: 'Event' }));
    r.upsertObject(rec({ name: 'l', group: 'coordination.k8s.io', resource: 'leases', kind: 'Lease' }));
    r.upsertObject(rec({ name: 'ok' }));
    expect([...r.resolution('p')!.workload.keys()]).toEqual(['apps/deployments/nginx/ok']);
  });

  it('E2E-15: the singleton request counts only the WECs of policies asking for it', () => {
    const r = new Resolver();
    r.upsertCluster('cluster1', { name: 'cluster1', 'location-group': 'edge' });
    r.upsertCluster('cluster2', { name: 'cluster2', 'location-group': 'edge' });
    r.upsertObject(rec({ name: 'nginx' }));
    r.upsertPolicy(
      bp('nginx', {
        clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }],
        downsync: [{ objectSelectors: nginxSel }],
      }),
    );
    r.upsertPolicy(
      bp('nginx-singleton', {
        clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
        downsync: [{ objectSelectors: nginxSel, wantSingletonReportedState: true }],
      }),
    );
    const key = 'apps/deployments/nginx/nginx';
    expect(r.reportedStateRequest(key)).toEqual({
      singleton: true,
      singletonWECs: ['cluster1'],
      multi: false,
      multiWECs: [],
    });
    expect(r.takeChangedRequests()).toEqual([key]);
    expect(r.policyErrors('nginx-singleton')).toEqual([]);
    // Patch the singleton policy to select no cluster: the request changes, status must clear.
    r.upsertPolicy(
      bp('nginx-singleton', {
        clusterSelectors: [{ matchLabels: { name: 'CelestialNexus' } }],
        downsync: [{ objectSelectors: nginxSel, wantSingletonReportedState: true }],
      }),
    );
    expect(r.takeChangedRequests()).toEqual([key]);
    expect(r.reportedStateRequest(key).singletonWECs).toEqual([]);
    const errs = r.policyErrors('nginx');
    expect(errs).toHaveLength(1);
    expect(errs[0]).toContain('"NumWECs":0');
    // [IMPROVE] a cluster change alone also re-checks flagged objects.
    r.upsertCluster('cluster3', { name: 'CelestialNexus' });
    expect(r.takeChangedRequests()).toEqual([key]);
    r.removePolicy('nginx-singleton');
    expect(r.takeChangedRequests()).toEqual([key]);
    expect(r.reportedStateRequest(key).singleton).toBe(false);
  });

  it('[IMPROVE] reports createOnly conflicts and unconvertible selectors in policy errors', () => {
    const r = new Resolver();
    r.upsertObject(rec({ name: 'a' }));
    r.upsertPolicy(bp('p1', { downsync: [{ objectNames: ['a'], createOnly: true }] }));
    r.upsertPolicy(
      bp('p2', {
        downsync: [
          { objectNames: ['a'] },
          { objectSelectors: [{ matchExpressions: [{ key: 'x', operator: 'In' }] }] },
        ],
      }),
    );
    expect(r.policyErrors('p1')).toEqual([expect.stringContaining('apps/deployments(nginx/a) in [p1 p2]')]);
    expect(r.policyErrors('p2')).toEqual([
      expect.stringContaining('spec.downsync[1].objectSelectors[0]'),
      expect.stringContaining('disagree on createOnly'),
    ]);
  });

  it('an object change costs the clauses that could match it, not every policy', () => {
    const r = new Resolver();
    for (let i = 0; i < 2000; i++) {
      r.upsertPolicy(
        bp(`p${i}`, {
          downsync: [{ apiGroup: 'example.com', resources: [`things${i}`] }, { namespaces: [`ns${i}`] }],
        }),
      );
    }
    r.upsertPolicy(bp('wide', { downsync: [{ objectSelectors: nginxSel }] }));
    const before = r.stats.clauseEvaluations;
    r.upsertObject(rec({ name: 'x', group: 'example.com', resource: 'things7', namespace: 'ns9' }));
    expect(r.stats.clauseEvaluations - before).toBe(3); // p7 clause 0, p9 clause 1, wide
    expect(r.policiesOf('example.com/things7/ns9/x')).toEqual(['p7', 'p9', 'wide']);
  });

  it('orders Binding entries by the current version and resourceVersion of each object', () => {
    const r = new Resolver();
    const a = rec({ name: 'a', group: 'g.io', version: 'v2', resource: 'r1', kind: 'R1' });
    const b = rec({ name: 'b', group: 'g.io', version: 'v1', resource: 'r2', kind: 'R2' });
    r.upsertObject(a);
    r.upsertObject(b);
    r.upsertPolicy(bp('p', { downsync: [{ apiGroup: 'g.io' }] }));
    r.upsertPolicy(bp('q', { downsync: [{ apiGroup: 'g.io' }], clusterSelectors: [{}] }));
    const names = (policy: string) =>
      r
        .desiredBinding(policy)!
        .spec!.workload!.namespaceScope!.map((e) => `${e.name}@${e.version}/${e.resourceVersion}`);
    expect(names('p')).toEqual(['b@v1/1', 'a@v2/1']); // g.io/v1, Resource=r2 < g.io/v2, Resource=r1
    r.upsertObject({ ...a, version: 'v1', resourceVersion: '5' });
    expect(names('p')).toEqual(['a@v1/5', 'b@v1/1']);
    expect(names('q')).toEqual(['a@v1/5', 'b@v1/1']);
    // Both policies hold the same (unmodulated) entry content for the object.
    expect(r.resolution('p')!.workload.get('g.io/r1/nginx/a')).toEqual(
      r.resolution('q')!.workload.get('g.io/r1/nginx/a'),
    );
  });

  it('keeps each policy its own modulation of a shared object', () => {
    const r = new Resolver();
    r.upsertObject(rec({ name: 'a' }));
    r.upsertPolicy(bp('plain', { downsync: [{ resources: ['deployments'] }] }));
    r.upsertPolicy(bp('co', { downsync: [{ resources: ['deployments'], createOnly: true }] }));
    const key = 'apps/deployments/nginx/a';
    expect(r.resolution('plain')!.workload.get(key)!.modulation.createOnly).toBe(false);
    expect(r.resolution('co')!.workload.get(key)!.modulation.createOnly).toBe(true);
    r.takeChangedPolicies();
    // The plain policy turns createOnly on: its entry changes, the other one does not.
    r.upsertPolicy(bp('plain', { downsync: [{ resources: ['deployments'], createOnly: true }] }));
    expect(r.takeChangedPolicies()).toEqual(['plain']);
    expect(r.resolution('plain')!.workload.get(key)!.modulation.createOnly).toBe(true);
    r.upsertPolicy(bp('plain', { downsync: [{ resources: ['deployments'] }] }));
    expect(r.resolution('plain')!.workload.get(key)!.modulation.createOnly).toBe(false);
    // A new uid under the same key (deleted and re-created unseen) reaches every entry.
    r.takeChangedPolicies();
    r.upsertObject(rec({ name: 'a', uid: 'new-uid' }));
    expect(r.takeChangedPolicies()).toEqual(['co', 'plain']);
    expect(r.resolution('plain')!.workload.get(key)!.uid).toBe('new-uid');
    expect(r.resolution('co')!.workload.get(key)!.uid).toBe('new-uid');
  });
});
