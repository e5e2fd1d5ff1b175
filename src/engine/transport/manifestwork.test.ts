import { describe, expect, it } from 'vitest';
import type { Binding, CustomTransform } from '../../api/control.js';
import type { KObject } from '../../api/meta.js';
import type { ManifestWork } from '../../api/ocm.js';
import { buildBinding, type WorkloadEntry } from '../binding/binding.js';
import { emptyModulation, type Modulation } from '../binding/match.js';
import { objectKey } from '../binding/objectid.js';
import { cleanForDownsync } from './clean.js';
import { digestCustomTransforms } from './customtransform.js';
import {
  buildManifestWorks,
  fitWorkName,
  statusFeedbackRule,
  jsonSize,
  prepareObjects,
  shard,
  wrapObjects,
  type BoundRef,
} from './manifestwork.js';
import { bindingWorksSelector, planWorkSync, transportBindingStatus } from './plan.js';
import { returnedFromManifestWorks } from '../status/rules.js';
import { CONTENT_HASH_ANNOTATION } from '../../api/constants.js';
import { resolveConfig } from '../../agent/manifestwork/identity.js';
import {
  evaluateFeedback,
  statusFeedbackRule as agentStatusFeedbackRule,
} from '../../agent/manifestwork/feedback.js';

const deploy = (name: string, labels: Record<string, string> = { label1: 'test1' }): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace: 'nginx',
    uid: `uid-${name}`,
    resourceVersion: '5',
    labels,
    managedFields: [{ manager: 'x' }],
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: {
        containers: [
          {
            name,
            image: 'public.ecr.aws/nginx/nginx:latest',
            ports: [{ name: 'http', protocol: 'TCP', containerPort: 80 }],
          },
        ],
      },
    },
  },
  status: { replicas: 1 },
});

function world(objs: KObject[]) {
  const byKey = new Map<string, KObject>();
  const refOf = (o: KObject) => {
    const [group, version] = o.apiVersion!.includes('/') ? o.apiVersion!.split('/') : ['', o.apiVersion!];
    const resource = `${o.kind!.toLowerCase()}s`;
    return { group, version, resource, namespace: o.metadata!.namespace ?? '', name: o.metadata!.name! };
  };
  for (const o of objs) byKey.set(objectKey(refOf(o)), o);
  const get = (r: BoundRef) => byKey.get(objectKey(r));
  const entries = (
    createOnly: (o: KObject) => boolean = () => false,
    more: (o: KObject) => Partial<Modulation> = () => ({}),
  ): WorkloadEntry[] =>
    objs.map((o) => ({
      id: { ...refOf(o), kind: o.kind! },
      uid: o.metadata!.uid!,
      resourceVersion: o.metadata!.resourceVersion!,
      modulation: { ...emptyModulation(), createOnly: createOnly(o), ...more(o) },
    }));
  return { get, entries, refOf };
}

const binding = (name: string, dests: string[], entries: WorkloadEntry[], generation = 1): Binding => {
  const b = buildBinding({ name, uid: `buid-${name}` }, dests, entries);
  b.metadata.uid = `buid-${name}`;
  b.metadata.generation = generation;
  return b;
};

const names = (ws: ManifestWork[], ns: string) =>
  ws.filter((w) => w.metadata.namespace === ns).map((w) => w.metadata.name);

describe('wrapping (§3.6)', () => {
  const ten = Array.from({ length: 10 }, (_, i) => deploy(String(i + 1)));

  it('E2E-09: max 2 objects per work gives 5 shards named <binding>-<wds>-<i>', () => {
    const w = world(ten);
    const b = binding('multipledep', ['cluster1'], w.entries());
    const r = buildManifestWorks(b, w.get, { wdsName: 'wds1', maxNumWrapped: 2 });
    expect(r.errors).toEqual([]);
    expect(names(r.works, 'cluster1')).toEqual(['0', '1', '2', '3', '4'].map((i) => `multipledep-wds1-${i}`));
    expect(r.works.every((x) => x.spec!.workload!.manifests!.length === 2)).toBe(true);
    // Binding order: namespaceScope sorted by namespace/name, so "10" comes right after "1".
    expect(r.works[0].spec!.workload!.manifests!.map((m) => m.metadata!.name)).toEqual(['1', '10']);
    expect(r.works[0].metadata.labels).toEqual({
      'transport.kubestellar.io/originOwnerReferenceBindingKey': 'multipledep',
      'transport.kubestellar.io/originWdsName': 'wds1',
    });
    expect(
      r.works[0].metadata.annotations!['transport.kubestellar.io/originOwnerReferenceBindingGeneration'],
    ).toBe('1');
  });

  it('E2E-10: one object per work (default) is named <binding uid>-<wds>-<object uid>', () => {
    const w = world(ten);
    const b = binding('multipledep', ['cluster1', 'cluster2'], w.entries());
    const r = buildManifestWorks(b, w.get, { wdsName: 'wds1', maxSizeWrapped: 1000 });
    expect(r.works).toHaveLength(20);
    expect(names(r.works, 'cluster2')).toContain('buid-multipledep-wds1-uid-7');
    expect(jsonSize(r.works[0].spec!.workload!.manifests![0])).toBeLessThan(1000);
  });

  it('shards by size: a batch stays strictly under the limit', () => {
    const items = [300, 300, 300, 100, 999].map((n, i) => ({ obj: { k: 'x'.repeat(n - 8) } as KObject, i }));
    expect(items.map((x) => jsonSize(x.obj))).toEqual([300, 300, 300, 100, 999]);
    const { batches, tooLarge } = shard(items, 100, 1000);
    expect(batches.map((b) => b.map((x) => x.i))).toEqual([[0, 1, 2], [3], [4]]);
    expect(tooLarge).toEqual([]);
    const exact = shard([{ obj: { k: 'x'.repeat(992) } as KObject }], 100, 1000);
    expect(exact.batches).toHaveLength(1); // no empty batch before an object of exactly maxSize
    expect(shard([{ obj: { k: 'x'.repeat(993) } as KObject }], 100, 1000).tooLarge).toHaveLength(1);
  });

  it('reports an object too big for any work as a Binding error', () => {
    const big = deploy('big');
    big.metadata!.annotations = { blob: 'x'.repeat(2000) };
    const w = world([big]);
    const r = buildManifestWorks(binding('b', ['c1'], w.entries()), w.get, {
      wdsName: 'wds1',
      maxSizeWrapped: 1000,
    });
    expect(r.works).toEqual([]);
    expect(r.errors).toEqual([
      expect.stringMatching(
        /^apps\/v1\/deployments\(nginx\/big\) is \d+ bytes of JSON, more than the ManifestWork limit of 1000 bytes$/,
      ),
    ]);
  });

  it('E2E-03: createOnly objects get a CreateOnly manifestConfig', () => {
    const ns: KObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'nginx', uid: 'uid-ns', resourceVersion: '1' },
    };
    const w = world([ns, deploy('nginx')]);
    const b = binding(
      'nginx',
      ['cluster1'],
      w.entries((o) => o.kind === 'Deployment'),
    );
    const r = buildManifestWorks(b, w.get, { wdsName: 'wds1', maxNumWrapped: 10 });
    expect(r.works).toHaveLength(1);
    expect(r.works[0].spec!.workload!.manifests!.map((m) => m.kind)).toEqual(['Namespace', 'Deployment']);
    expect(r.works[0].spec!.manifestConfigs).toEqual([
      {
        resourceIdentifier: { group: 'apps', name: 'nginx', namespace: 'nginx', resource: 'deployments' },
        updateStrategy: { type: 'CreateOnly' },
      },
    ]);
    const r1 = buildManifestWorks(b, w.get, { wdsName: 'wds1' });
    expect(
      r1.works.find((x) => x.spec!.workload!.manifests![0].kind === 'Namespace')!.spec!.manifestConfigs,
    ).toBeUndefined();
  });

  it('asks for `.status` feedback only where status is wanted, merged with CreateOnly', () => {
    const ns: KObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'nginx', uid: 'uid-ns', resourceVersion: '1' },
    };
    const objs = [ns, ...['both', 'multi', 'collected', 'co', 'plain'].map((n) => deploy(n))];
    const w = world(objs);
    const name = (o: KObject) => o.metadata!.name!;
    const b = binding(
      'fb',
      ['cluster1'],
      w.entries(
        (o) => ['both', 'co'].includes(name(o)),
        (o) => ({
          wantSingletonReportedState: ['nginx', 'both'].includes(name(o)),
          wantMultiWECReportedState: name(o) === 'multi',
          statusCollectors: name(o) === 'collected' ? ['sc'] : [],
        }),
      ),
    );
    const r = buildManifestWorks(b, w.get, { wdsName: 'wds1', maxNumWrapped: 10 });
    expect(r.works).toHaveLength(1);
    const id = (n: string) => ({ group: 'apps', name: n, namespace: 'nginx', resource: 'deployments' });
    const rule = { type: 'JSONPaths', jsonPaths: [{ name: 'status', path: '.status' }] };
    // Manifest order (namespaceScope sorted by name); the Namespace is exempt from status return
    // (§4.3.3) and "plain" wants nothing, so neither has an entry; one entry per object.
    expect(r.works[0].spec!.manifestConfigs).toEqual([
      { resourceIdentifier: id('both'), feedbackRules: [rule], updateStrategy: { type: 'CreateOnly' } },
      { resourceIdentifier: id('co'), updateStrategy: { type: 'CreateOnly' } },
      { resourceIdentifier: id('collected'), feedbackRules: [rule] },
      { resourceIdentifier: id('multi'), feedbackRules: [rule] },
    ]);
    // Byte-identical on a rebuild, and the hash covers the rules.
    const again = buildManifestWorks(b, w.get, { wdsName: 'wds1', maxNumWrapped: 10 });
    expect(JSON.stringify(again.works)).toBe(JSON.stringify(r.works));
    const none = buildManifestWorks(
      binding(
        'fb',
        ['cluster1'],
        w.entries((o) => ['both', 'co'].includes(name(o))),
      ),
      w.get,
      { wdsName: 'wds1', maxNumWrapped: 10 },
    );
    expect(none.works[0].metadata.annotations![CONTENT_HASH_ANNOTATION]).not.toBe(
      r.works[0].metadata.annotations![CONTENT_HASH_ANNOTATION],
    );
  });

  it("the agent applies the engine's rule and the status controller reads what it reports", () => {
    expect(statusFeedbackRule()).toEqual(agentStatusFeedbackRule());
    const live = deploy('x');
    live.status = { replicas: 2, readyReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] };
    const w = world([deploy('x')]);
    const b = binding(
      'rt',
      ['cluster1'],
      w.entries(
        () => true,
        () => ({ wantSingletonReportedState: true }),
      ),
    );
    const [work] = buildManifestWorks(b, w.get, { wdsName: 'wds1' }).works;
    const key = { group: 'apps', resource: 'deployments', namespace: 'nginx', name: 'x' };
    // The agent's merge of manifestConfigs sees both options of the single entry.
    const cfg = resolveConfig(work.spec!.manifestConfigs, key);
    expect(cfg.strategy.type).toBe('CreateOnly');
    expect(cfg.feedbackRules).toEqual([agentStatusFeedbackRule()]);
    const gvk = { group: 'apps', version: 'v1', kind: 'Deployment' };
    const { values, errors } = evaluateFeedback(live, cfg.feedbackRules, gvk);
    expect(errors).toEqual([]);
    expect(values.map((v) => [v.name, v.fieldValue.type])).toEqual([['status', 'JsonRaw']]);
    work.status = {
      resourceStatus: {
        manifests: [
          { resourceMeta: { ordinal: 0, ...key, ...gvk }, statusFeedback: { values }, conditions: [] },
        ],
      },
    };
    expect(returnedFromManifestWorks([work], { ...key, ...gvk })).toEqual([
      { wec: 'cluster1', status: live.status },
    ]);
  });

  it('is deterministic: shuffled inputs and key orders give byte-identical works', () => {
    const objs = [deploy('a'), deploy('b'), deploy('c')];
    const w1 = world(objs);
    const reversedKeys = (v: any): any =>
      Array.isArray(v)
        ? v.map(reversedKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversedKeys(x)]),
            )
          : v;
    const shuffled = objs.map(reversedKeys).reverse() as KObject[];
    expect(JSON.stringify(shuffled[2])).not.toBe(JSON.stringify(objs[0]));
    const w2 = world(shuffled);
    const b1 = binding('p', ['c2', 'c1'], w1.entries());
    const b2 = binding('p', ['c1', 'c2'], w2.entries());
    b2.spec!.workload!.namespaceScope!.reverse();
    const opts = { wdsName: 'wds1', maxNumWrapped: 2 };
    expect(JSON.stringify(buildManifestWorks(b2, w2.get, opts))).toBe(
      JSON.stringify(buildManifestWorks(b1, w1.get, opts)),
    );
  });

  it('lists unreadable objects instead of wrapping a partial set silently', () => {
    const w = world([deploy('a')]);
    const b = binding('p', ['c1'], [...w.entries(), ...world([deploy('gone')]).entries()]);
    const r = buildManifestWorks(b, w.get, { wdsName: 'wds1' });
    expect(r.missing.map((m) => m.name)).toEqual(['gone']);
  });

  it('customises per destination and collects its errors', () => {
    const w = world([deploy('a')]);
    const b = binding('p', ['c1', 'c2'], w.entries());
    const { objects } = prepareObjects(b, w.get);
    const r = wrapObjects(b, objects, {
      wdsName: 'wds1',
      customize: (obj, dest) => ({
        obj: { ...obj, metadata: { ...obj.metadata, annotations: { where: dest } } },
        errors: dest === 'c2' ? ['c2/Deployment.apps(nginx/a).x: map has no entry for key "y"'] : [],
      }),
    });
    expect(r.works.map((x) => x.spec!.workload!.manifests![0].metadata!.annotations!.where)).toEqual([
      'c1',
      'c2',
    ]);
    expect(r.errors).toHaveLength(1);
  });

  it('keeps work names within 188 characters', () => {
    const long = 'x'.repeat(250);
    expect(fitWorkName(long)).toHaveLength(188);
    expect(fitWorkName(long)).not.toBe(fitWorkName(`${long}y`));
    expect(fitWorkName('short')).toBe('short');
  });
});

describe('UNIT-01: transport pipeline on random objects', () => {
  it('delivers exactly the bound objects, cleaned, with the transform only on ClusterRoles', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const kinds = [
      { apiVersion: 'v1', kind: 'ConfigMap', ns: true },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', ns: false },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ns: true },
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', ns: true },
    ];
    const objs: KObject[] = [];
    for (let i = 0; i < 100; i++) {
      const k = kinds[Math.floor(rnd() * kinds.length)];
      const labels: Record<string, string> = { n: String(i) };
      const r = rnd();
      if (r < 0.25) labels['test.kubestellar.io/delete-me'] = 'x';
      else if (r < 0.5) labels['test.kubestellar.io/dont-delete-me'] = 'y';
      objs.push({
        apiVersion: k.apiVersion,
        kind: k.kind,
        metadata: {
          name: `o${i}`,
          ...(k.ns ? { namespace: `ns${1 + Math.floor(rnd() * 3)}` } : {}),
          uid: `u${i}`,
          resourceVersion: `${i + 10}`,
          labels,
        },
      });
    }
    const w = world(objs);
    const chosen = new Set(objs.filter(() => rnd() < 0.7));
    const createOnly = new Set(objs.filter(() => rnd() < 0.5));
    const entries = w.entries((o) => createOnly.has(o)).filter((e) => chosen.has(w.get({ ...e.id })!));
    const transforms = digestCustomTransforms([
      {
        apiVersion: 'control.kubestellar.io/v1alpha1',
        kind: 'CustomTransform',
        metadata: { name: 'ct' },
        spec: {
          apiGroup: 'rbac.authorization.k8s.io',
          resource: 'clusterroles',
          remove: ['$.metadata.labels["test.kubestellar.io/delete-me"]'],
        },
      } as CustomTransform,
    ]);
    const b = binding('p', [], entries); // wrapping needs no destinations
    const { objects, missing } = prepareObjects(b, w.get, transforms);
    expect(missing).toEqual([]);
    expect(objects.map((p) => objectKey(p.ref)).sort()).toEqual(entries.map((e) => objectKey(e.id)).sort());
    for (const p of objects) {
      const live = w.get(p.ref)!;
      const want = cleanForDownsync(live);
      if (live.kind === 'ClusterRole') delete want.metadata!.labels!['test.kubestellar.io/delete-me'];
      expect(p.obj).toEqual(want);
      expect(p.createOnly).toBe(createOnly.has(live));
    }
    const removed = objects.filter(
      (p) =>
        p.ref.resource === 'clusterroles' &&
        'test.kubestellar.io/delete-me' in w.get(p.ref)!.metadata!.labels!,
    );
    expect(removed.length).toBeGreaterThan(0);
  });
});

describe('planning the writes (§3.2, §3.8, §3.9)', () => {
  const w = world([deploy('a'), deploy('b')]);
  const desiredFor = (b: Binding) => buildManifestWorks(b, w.get, { wdsName: 'wds1' }).works;
  const stored = (ws: ManifestWork[]) =>
    ws.map((x, i) => ({
      ...structuredClone(x),
      metadata: {
        ...structuredClone(x.metadata),
        resourceVersion: `${100 + i}`,
        finalizers: ['cluster.open-cluster-management.io/manifest-work-cleanup'],
      },
    }));

  it('creates what is missing, deletes what is extra, leaves equal content alone', () => {
    const b1 = binding('p', ['c1', 'c2'], w.entries());
    const existing = stored(desiredFor(b1));
    expect(planWorkSync(existing, desiredFor(b1))).toMatchObject({
      create: [],
      update: [],
      delete: [],
      unchanged: 4,
    });
    // New generation, one destination less, same objects: the c1 works need no rewrite ([IMPROVE] §3.8).
    const b2 = binding('p', ['c1'], w.entries(), 2);
    const plan = planWorkSync(existing, desiredFor(b2));
    expect(plan.unchanged).toBe(2);
    expect(plan.delete.map((d) => d.namespace)).toEqual(['c2', 'c2']);
  });

  it('updates changed content keeping resourceVersion and finalizers', () => {
    const b1 = binding('p', ['c1'], w.entries());
    const existing = stored(desiredFor(b1));
    const changed = world([deploy('a', { label1: 'other' }), deploy('b')]);
    const desired = buildManifestWorks(binding('p', ['c1'], changed.entries(), 2), changed.get, {
      wdsName: 'wds1',
    }).works;
    const plan = planWorkSync(existing, desired);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0].metadata.resourceVersion).toBe(existing[0].metadata.resourceVersion);
    expect(plan.update[0].metadata.finalizers).toEqual([
      'cluster.open-cluster-management.io/manifest-work-cleanup',
    ]);
    expect(plan.update[0].spec!.workload!.manifests![0].metadata!.labels).toEqual({ label1: 'other' });
    expect(plan.unchanged).toBe(1);
  });

  it('[IMPROVE] keeps everything on errors and deletes every work of a deleted Binding', () => {
    const existing = stored(desiredFor(binding('p', ['c1', 'c2'], w.entries())));
    expect(planWorkSync(existing, undefined)).toEqual({
      create: [],
      update: [],
      delete: [],
      pending: [],
      unchanged: 0,
    });
    expect(planWorkSync(existing, []).delete).toHaveLength(4);
  });

  it('waits for a desired work that is still being deleted', () => {
    const b1 = binding('p', ['c1'], w.entries());
    const existing = stored(desiredFor(b1));
    existing[0].metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    const plan = planWorkSync(existing, desiredFor(b1));
    expect(plan.pending).toEqual([{ namespace: 'c1', name: existing[0].metadata.name }]);
    expect(plan.create).toEqual([]);
  });

  it('Binding status: write only on a new generation or new errors, keep conditions', () => {
    const b = binding('p', [], [], 3);
    const cond = {
      type: 'StatusCollectorsAvailable',
      status: 'True',
      reason: 'ReconcileSuccess',
      message: 'm',
      lastTransitionTime: 't',
    };
    b.status = { observedGeneration: 2, conditions: [cond] };
    expect(transportBindingStatus(b, [])).toEqual({ observedGeneration: 3, conditions: [cond] });
    b.status = { observedGeneration: 3, conditions: [cond] };
    expect(transportBindingStatus(b, [])).toBeUndefined();
    expect(transportBindingStatus(b, ['e'])).toEqual({
      observedGeneration: 3,
      errors: ['e'],
      conditions: [cond],
    });
    expect(bindingWorksSelector('p', 'wds1')).toBe(
      'transport.kubestellar.io/originOwnerReferenceBindingKey=p,transport.kubestellar.io/originWdsName=wds1',
    );
  });
});
