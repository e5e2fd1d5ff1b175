import { performance } from 'node:perf_hooks';
import type { Binding, BindingPolicy, DownsyncPolicyClause } from '../src/api/control.js';
import type { KObject, LabelSelector } from '../src/api/meta.js';
import type { ManifestWork } from '../src/api/ocm.js';
import {
  buildBinding,
  objectKey,
  Resolver,
  type ObjectRecord,
  type WorkloadEntry,
} from '../src/engine/binding/index.js';
import { emptyModulation } from '../src/engine/binding/match.js';
import { buildManifestWorks, planWorkSync, type BoundRef } from '../src/engine/transport/index.js';

/**
 * Engine benchmarks (issue: engine): full policy resolution of 100 policies x 10,000 objects x
 * 1,000 clusters (target < 100 ms), re-resolution after one object change (target < 1 ms),
 * ManifestWork build throughput, and a no-op resync of 100,000 (object, cluster) pairs that must
 * plan no writes (target < 5 s). Pure in-memory engine APIs; no space, no I/O.
 */

const NAMESPACES = 100;
const OBJECTS = 10_000;
const CLUSTERS = 1_000;
const POLICIES = 100;

/** Deterministic PRNG so every run measures the same world. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const median = (xs: number[]): number => percentile(xs, 50);
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const KINDS = [
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap' },
  { group: '', version: 'v1', resource: 'services', kind: 'Service' },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret' },
  { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy' },
];
const ENVS = ['prod', 'staging', 'dev'];
const TIERS = ['frontend', 'backend', 'db'];
const REGIONS = Array.from({ length: 10 }, (_, i) => `region-${i}`);
const LOCATION_GROUPS = ['edge', 'core', 'factory'];

interface World {
  namespaces: ObjectRecord[];
  objects: ObjectRecord[];
  clusters: Array<[string, Record<string, string>]>;
  policies: BindingPolicy[];
}

const nsName = (i: number) => `team-${String(i).padStart(3, '0')}`;
const appOf = (i: number) => `app-${i % 500}`;

/**
 * 100 team namespaces (env label), 10,000 objects of five kinds spread over them (app/tier/env
 * labels, 500 apps), 1,000 clusters (name, location-group, region, tier), and 100 policies of
 * the shapes users write: by namespace, by object label, by resource + namespace selector, by
 * group + label expression, and by name.
 */
export function makeWorld(): World {
  const rnd = mulberry32(42);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  let rv = 1000;
  const namespaces: ObjectRecord[] = Array.from({ length: NAMESPACES }, (_, i) => ({
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespace: '',
    name: nsName(i),
    uid: `ns-uid-${i}`,
    resourceVersion: String(++rv),
    labels: { env: ENVS[i % ENVS.length], team: nsName(i) },
  }));
  const objects: ObjectRecord[] = Array.from({ length: OBJECTS }, (_, i) => {
    const k = KINDS[i % KINDS.length];
    const ns = Math.floor(i / (OBJECTS / NAMESPACES));
    return {
      ...k,
      namespace: nsName(ns),
      name: `${appOf(i)}-${k.kind.toLowerCase()}-${i}`,
      uid: `obj-uid-${i}`,
      resourceVersion: String(++rv),
      labels: { app: appOf(i), tier: pick(TIERS), env: ENVS[ns % ENVS.length] },
    };
  });
  const clusters: Array<[string, Record<string, string>]> = Array.from({ length: CLUSTERS }, (_, i) => {
    const name = `cluster-${String(i).padStart(4, '0')}`;
    return [
      name,
      {
        name,
        'location-group': pick(LOCATION_GROUPS),
        region: REGIONS[i % REGIONS.length],
        tier: pick(TIERS),
      },
    ];
  });

  const clusterSelectors = (i: number): LabelSelector[] => {
    switch (i % 5) {
      case 0:
        return [{ matchLabels: { 'location-group': pick(LOCATION_GROUPS) } }];
      case 1:
        return [{ matchLabels: { region: pick(REGIONS) } }];
      case 2:
        return [
          { matchLabels: { 'location-group': 'edge', region: pick(REGIONS) } },
          { matchLabels: { name: pick(clusters)[0] } },
        ];
      case 3:
        return [
          { matchExpressions: [{ key: 'region', operator: 'In', values: [pick(REGIONS), pick(REGIONS)] }] },
        ];
      default:
        return [{ matchLabels: { name: pick(clusters)[0] } }];
    }
  };
  const downsync = (i: number): DownsyncPolicyClause[] => {
    switch (i % 5) {
      case 0:
        return [{ namespaces: [nsName(Math.floor(rnd() * NAMESPACES))] }];
      case 1:
        return [{ objectSelectors: [{ matchLabels: { app: appOf(Math.floor(rnd() * 500)) } }] }];
      case 2:
        return [
          {
            resources: ['configmaps'],
            namespaceSelectors: [{ matchLabels: { env: pick(ENVS) } }],
            objectSelectors: [{ matchLabels: { tier: pick(TIERS) } }],
          },
        ];
      case 3:
        return [
          {
            apiGroup: 'apps',
            resources: ['deployments'],
            objectSelectors: [
              { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'backend'] }] },
            ],
            wantSingletonReportedState: i % 10 === 3,
          },
          { apiGroup: '', resources: ['namespaces'], objectNames: [nsName(i % NAMESPACES)] },
        ];
      default: {
        const o = pick(objects);
        return [{ namespaces: [o.namespace], objectNames: [o.name], createOnly: true }];
      }
    }
  };
  const policies: BindingPolicy[] = Array.from({ length: POLICIES }, (_, i) => ({
    apiVersion: 'control.kubestellar.io/v1alpha1',
    kind: 'BindingPolicy',
    metadata: { name: `policy-${i}`, uid: `policy-uid-${i}`, generation: 1 },
    spec: { clusterSelectors: clusterSelectors(i), downsync: downsync(i) },
  }));
  return { namespaces, objects, clusters, policies };
}

/** Feeds the whole world into a fresh Resolver and computes every policy's Binding. */
export function fullResolution(w: World, policiesFirst: boolean) {
  const t0 = performance.now();
  const r = new Resolver();
  for (const [name, labels] of w.clusters) r.upsertCluster(name, labels);
  const feedPolicies = () => w.policies.forEach((p) => r.upsertPolicy(p));
  if (policiesFirst) feedPolicies();
  for (const ns of w.namespaces) r.upsertObject(ns);
  for (const o of w.objects) r.upsertObject(o);
  if (!policiesFirst) feedPolicies();
  const t1 = performance.now();
  const bindings = r.takeChangedPolicies().map((n) => r.desiredBinding(n)!);
  const t2 = performance.now();
  return { r, bindings, resolveMs: t1 - t0, bindingsMs: t2 - t1, totalMs: t2 - t0 };
}

/** A realistic Deployment, as a WDS informer would hold it (status and managedFields included). */
function liveObject(rec: ObjectRecord): KObject {
  return {
    apiVersion: rec.group ? `${rec.group}/${rec.version}` : rec.version,
    kind: rec.kind,
    metadata: {
      name: rec.name,
      namespace: rec.namespace || undefined,
      uid: rec.uid,
      resourceVersion: rec.resourceVersion,
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: rec.labels,
      annotations: { 'deployment.kubernetes.io/revision': '3', owner: 'platform-team' },
      managedFields: [
        { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' },
      ],
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: rec.labels?.app ?? rec.name } },
      template: {
        metadata: { labels: { app: rec.labels?.app ?? rec.name } },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'registry.example.com/team/app:1.2.3',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'REGION', value: 'any' },
              ],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            },
          ],
        },
      },
    },
    status: { replicas: 3, readyReplicas: 3, observedGeneration: 3 },
  };
}

/** A Binding of `objects` to `clusters` plus a getter for their live copies. */
function syntheticBinding(name: string, objects: ObjectRecord[], clusters: string[]) {
  const live = new Map(objects.map((o) => [objectKey(o), liveObject(o)]));
  const entries: WorkloadEntry[] = objects.map((o) => ({
    id: {
      group: o.group,
      version: o.version,
      resource: o.resource,
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
    },
    uid: o.uid,
    resourceVersion: o.resourceVersion,
    modulation: emptyModulation(),
  }));
  const binding: Binding = buildBinding({ name, uid: `${name}-uid` }, clusters, entries);
  binding.metadata.uid = `${name}-uid`;
  binding.metadata.generation = 1;
  return { binding, get: (ref: BoundRef) => live.get(objectKey(ref)) };
}

/** The works as the ITS would return them: server-set fields added, content untouched. */
const asStored = (works: ManifestWork[]): ManifestWork[] =>
  works.map((w, i) => ({
    ...w,
    metadata: {
      ...w.metadata,
      uid: `work-uid-${i}`,
      resourceVersion: String(50_000 + i),
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
  }));

export async function benchEngine(): Promise<Record<string, unknown>> {
  const world = makeWorld();
  const deployments = world.objects.filter((o) => o.resource === 'deployments');
  const clusterNames = world.clusters.map(([n]) => n);

  // ---- full resolution ----
  fullResolution(world, false); // warm-up (JIT)
  gc();
  const fullRuns: ReturnType<typeof fullResolution>[] = [];
  for (let i = 0; i < 5; i++) {
    fullRuns.push(fullResolution(world, false));
    gc();
  }
  const policiesFirstMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    policiesFirstMs.push(fullResolution(world, true).totalMs);
    gc();
  }
  const { r, bindings } = fullRuns[fullRuns.length - 1];
  const boundPairs = bindings.reduce(
    (n, b) =>
      n +
      ((b.spec?.workload?.clusterScope?.length ?? 0) + (b.spec?.workload?.namespaceScope?.length ?? 0)) *
        (b.spec?.destinations?.length ?? 0),
    0,
  );
  const workloadEntries = bindings.reduce(
    (n, b) =>
      n + (b.spec?.workload?.clusterScope?.length ?? 0) + (b.spec?.workload?.namespaceScope?.length ?? 0),
    0,
  );
  const clauseEvaluations = r.stats.clauseEvaluations;

  // ---- one object change: 80% new resourceVersion, 20% relabelled (moves between policies) ----
  const rnd = mulberry32(7);
  let rv = 10_000_000;
  const changeMs: number[] = [];
  let changedPolicyCount = 0;
  for (let i = 0; i < 2_000; i++) {
    const o = world.objects[Math.floor(rnd() * world.objects.length)];
    const relabel = rnd() < 0.2;
    const next: ObjectRecord = {
      ...o,
      resourceVersion: String(++rv),
      labels: relabel ? { ...o.labels, app: `app-${Math.floor(rnd() * 500)}`, tier: TIERS[i % 3] } : o.labels,
    };
    const t0 = performance.now();
    r.upsertObject(next);
    const changed = r.takeChangedPolicies();
    changeMs.push(performance.now() - t0);
    changedPolicyCount += changed.length;
  }

  // ---- ManifestWork build throughput: 100 Deployments x 100 clusters = 10,000 works per run ----
  const tp = syntheticBinding('throughput', deployments.slice(0, 100), clusterNames.slice(0, 100));
  buildManifestWorks(tp.binding, tp.get, { wdsName: 'wds1' }); // warm-up
  const perSec: number[] = [];
  let builtPerRun = 0;
  for (let i = 0; i < 3; i++) {
    gc();
    const t0 = performance.now();
    const res = buildManifestWorks(tp.binding, tp.get, { wdsName: 'wds1' });
    const ms = performance.now() - t0;
    builtPerRun = res.works.length;
    perSec.push((res.works.length / ms) * 1000);
  }

  // ---- no-op resync: 10 Bindings x 10 Deployments x 1,000 clusters = 100,000 pairs ----
  const resyncBindings = Array.from({ length: 10 }, (_, i) =>
    syntheticBinding(`resync-${i}`, deployments.slice(i * 10, i * 10 + 10), clusterNames),
  );
  const stored = resyncBindings.map((b) =>
    asStored(buildManifestWorks(b.binding, b.get, { wdsName: 'wds1' }).works),
  );
  gc();
  const t0 = performance.now();
  let writes = 0;
  let unchanged = 0;
  let buildMs = 0;
  resyncBindings.forEach((b, i) => {
    const tb = performance.now();
    const desired = buildManifestWorks(b.binding, b.get, { wdsName: 'wds1' });
    buildMs += performance.now() - tb;
    const plan = planWorkSync(stored[i], desired.works);
    writes += plan.create.length + plan.update.length + plan.delete.length;
    unchanged += plan.unchanged;
  });
  const resyncMs = performance.now() - t0;
  if (writes !== 0) throw new Error(`no-op resync planned ${writes} writes`);
  if (unchanged !== 100_000) throw new Error(`no-op resync compared ${unchanged} works, expected 100000`);

  return {
    world: {
      policies: POLICIES,
      objects: OBJECTS,
      namespaces: NAMESPACES,
      clusters: CLUSTERS,
      workloadEntries,
      boundPairs,
    },
    fullResolutionClauseEvaluations: clauseEvaluations,
    fullResolutionMs: round(median(fullRuns.map((x) => x.totalMs)), 1),
    fullResolutionResolveMs: round(median(fullRuns.map((x) => x.resolveMs)), 1),
    fullResolutionBindingsMs: round(median(fullRuns.map((x) => x.bindingsMs)), 1),
    fullResolutionPoliciesFirstMs: round(median(policiesFirstMs), 1),
    oneObjectChangeMedianMs: round(median(changeMs), 4),
    oneObjectChangeP99Ms: round(percentile(changeMs, 99), 4),
    oneObjectChangeMaxMs: round(Math.max(...changeMs), 3),
    oneObjectChangeAvgPolicies: round(changedPolicyCount / changeMs.length, 2),
    manifestWorkBuildPerSec: Math.round(median(perSec)),
    manifestWorkBuildWorksPerRun: builtPerRun,
    noopResync100kPairsMs: round(resyncMs, 1),
    noopResyncBuildMs: round(buildMs, 1),
    noopResyncPlanMs: round(resyncMs - buildMs, 1),
    noopResyncWrites: writes,
  };
}
