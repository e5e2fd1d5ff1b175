/**
 * The work agent against two in-process spaces: an ITS (hub) holding ManifestWorks in namespace
 * `cluster1`, and a WEC the agent applies them to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Space } from '../../src/space/space.js';
import { DynamicClient, kubeConfigFromString } from '../../src/kube/index.js';
import { isNotFound } from '../../src/kube/errors.js';
import type { ResourceId } from '../../src/kube/dynamic.js';
import { itsCrds, wecCrds } from '../../src/api/crds.js';
import { APPLIED_MANIFEST_WORK, CONFIG_MAP, MANIFEST_WORK, NAMESPACE } from '../../src/api/gvr.js';
import type { KObject } from '../../src/api/meta.js';
import type { AppliedManifestWork, ManifestWork, ManifestWorkSpec } from '../../src/api/ocm.js';
import { ensureCrds } from '../../src/engine/controllers/crds.js';
import { appliedWorkName, hubHash } from '../../src/agent/manifestwork/applied.js';
import { MANIFEST_WORK_FINALIZER } from '../../src/agent/manifestwork/constants.js';
import { createWorkAgent, hubServerUrlOf } from '../../src/agent/runtime/work-agent.js';
import { removeDir, tempDir } from '../helpers/space-process.js';
import { DEPLOYMENTS, eventually } from './helpers/engine-env.js';

const CLUSTER = 'cluster1';
const log = pino({ level: process.env.AGENT_TEST_LOG ?? 'silent' });
const storage = { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 };

let dirs: string[] = [];
let itsSpace: Space;
let wecSpace: Space;
/** Clients of the test itself (the agent gets its own). */
let hub: DynamicClient;
let wec: DynamicClient;
let hash: string;

const clientOf = (s: Space) => DynamicClient.fromKubeConfig(kubeConfigFromString(s.kubeconfig()));

interface RunningAgent {
  stop(): Promise<void>;
}

async function startAgent(): Promise<RunningAgent> {
  const agentHub = clientOf(itsSpace);
  const agentWec = clientOf(wecSpace);
  const ac = new AbortController();
  const agent = createWorkAgent({
    clusterName: CLUSTER,
    hub: agentHub,
    spoke: agentWec,
    log,
    statusSyncIntervalMs: 200,
  });
  const running = agent.start(ac.signal);
  await Promise.race([agent.ready(), running.then(() => Promise.reject(new Error('agent stopped early')))]);
  return {
    stop: async () => {
      ac.abort();
      await running;
      agentHub.rest.close();
      agentWec.rest.close();
    },
  };
}

let agent: RunningAgent;

beforeAll(async () => {
  dirs = [tempDir(), tempDir()];
  [itsSpace, wecSpace] = await Promise.all([
    Space.start({ dataDir: dirs[0], name: 'its1', storage }),
    Space.start({ dataDir: dirs[1], name: CLUSTER, storage }),
  ]);
  hub = clientOf(itsSpace);
  wec = clientOf(wecSpace);
  const signal = new AbortController().signal;
  await Promise.all([ensureCrds(hub, itsCrds(), log, signal), ensureCrds(wec, wecCrds(), log, signal)]);
  await hub.create(NAMESPACE, { metadata: { name: CLUSTER } });
  hash = hubHash(hubServerUrlOf(hub));
  agent = await startAgent();
});

afterAll(async () => {
  await agent?.stop();
  hub?.rest.close();
  wec?.rest.close();
  await Promise.all([itsSpace?.close(), wecSpace?.close()]);
  dirs.forEach(removeDir);
});

// ---- fixtures and helpers ----

const ns = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (name: string, namespace: string, data: Record<string, string>): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});
const deploy = (name: string, namespace: string, replicas = 1): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

async function createWork(name: string, spec: ManifestWorkSpec): Promise<ManifestWork> {
  return hub.create<ManifestWork>(MANIFEST_WORK, {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: { name, namespace: CLUSTER },
    spec,
  });
}

/** Replaces a work's spec (re-reading on conflicts with the agent's status writes). */
async function updateWork(name: string, spec: ManifestWorkSpec): Promise<void> {
  await eventually(async () => {
    const w = await hub.get<ManifestWork>(MANIFEST_WORK, name, { namespace: CLUSTER });
    await hub.update(MANIFEST_WORK, { ...w, spec });
    return true;
  }, `update of work ${name}`);
}

const getWork = (name: string) => hub.get<ManifestWork>(MANIFEST_WORK, name, { namespace: CLUSTER });
const condition = (w: ManifestWork, type: string) => w.status?.conditions?.find((c) => c.type === type);

/** Waits until the work's current generation is Applied (status True) and returns it. */
async function applied(name: string, ms = 15_000): Promise<ManifestWork> {
  return eventually(
    async () => {
      const w = await getWork(name);
      const c = condition(w, 'Applied');
      return c?.status === 'True' && c.observedGeneration === w.metadata.generation && w;
    },
    `work ${name} applied`,
    ms,
  );
}

async function tryGet(res: ResourceId, name: string, namespace?: string): Promise<KObject | undefined> {
  try {
    return await wec.get(res, name, namespace ? { namespace } : {});
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

const gone = async (res: ResourceId, name: string, namespace?: string) =>
  !(await tryGet(res, name, namespace));

const workGone = async (name: string) => {
  try {
    await getWork(name);
    return false;
  } catch (e) {
    return isNotFound(e);
  }
};

const amwOf = (work: string) =>
  tryGet(APPLIED_MANIFEST_WORK, appliedWorkName(hash, work)) as Promise<AppliedManifestWork | undefined>;
const ownedBy = (o: KObject | undefined, work: string) =>
  (o?.metadata?.ownerReferences ?? []).some(
    (r) => r.kind === 'AppliedManifestWork' && r.name === appliedWorkName(hash, work),
  );

// ---- tests ----

describe('work agent', () => {
  it('applies a Namespace, a ConfigMap and a Deployment and reports their status', async () => {
    await createWork('w1', {
      workload: { manifests: [cm('cfg', 'demo', { k: 'v1' }), deploy('web', 'demo'), ns('demo')] },
    });
    const w = await applied('w1');
    expect(w.metadata.finalizers).toContain(MANIFEST_WORK_FINALIZER);
    expect(condition(w, 'Available')).toMatchObject({
      status: 'True',
      reason: 'ResourcesAvailable',
      observedGeneration: 1,
    });
    expect(condition(w, 'Degraded')).toMatchObject({ status: 'False', observedGeneration: 1 });
    const manifests = w.status!.resourceStatus!.manifests!;
    expect(
      manifests.map((m) => `${m.resourceMeta.ordinal}:${m.resourceMeta.kind}/${m.resourceMeta.resource}`),
    ).toEqual(['0:ConfigMap/configmaps', '1:Deployment/deployments', '2:Namespace/namespaces']);
    for (const m of manifests)
      expect(m.conditions.map((c) => `${c.type}=${c.status}`)).toEqual([
        'Applied=True',
        'Available=True',
        'StatusFeedbackSynced=True',
      ]);

    const [c, d, n] = await Promise.all([
      tryGet(CONFIG_MAP, 'cfg', 'demo'),
      tryGet(DEPLOYMENTS, 'web', 'demo'),
      tryGet(NAMESPACE, 'demo'),
    ]);
    expect(c?.data).toEqual({ k: 'v1' });
    for (const o of [c, d, n]) expect(ownedBy(o, 'w1')).toBe(true);
    const amw = await amwOf('w1');
    expect(amw?.spec).toMatchObject({ hubHash: hash, manifestWorkName: 'w1' });
    expect(amw?.status?.appliedResources?.map((r) => `${r.resource}/${r.name}`)).toEqual([
      'configmaps/cfg',
      'namespaces/demo',
      'deployments/web',
    ]);
    expect(amw?.status?.appliedResources?.every((r) => !!r.uid)).toBe(true);
  });

  it('writes nothing on resync when nothing changed', async () => {
    const w = await applied('w1');
    const snapshot = async () =>
      [
        (await getWork('w1')).metadata.resourceVersion,
        (await amwOf('w1'))?.metadata?.resourceVersion,
        (await tryGet(CONFIG_MAP, 'cfg', 'demo'))?.metadata?.resourceVersion,
        (await tryGet(DEPLOYMENTS, 'web', 'demo'))?.metadata?.resourceVersion,
        (await tryGet(NAMESPACE, 'demo'))?.metadata?.resourceVersion,
      ].join(',');
    // Let any write still in flight from the first pass land, then watch several status syncs.
    await new Promise((r) => setTimeout(r, 400));
    const before = await snapshot();
    await new Promise((r) => setTimeout(r, 1200));
    expect(await snapshot()).toBe(before);
    expect(before.split(',')[0]).not.toBe('');
    expect(w.metadata.generation).toBe(1);
  });

  it('propagates an update and deletes a manifest the work dropped', async () => {
    await updateWork('w1', { workload: { manifests: [cm('cfg', 'demo', { k: 'v2' }), ns('demo')] } });
    const w = await applied('w1');
    expect(w.metadata.generation).toBe(2);
    await eventually(
      async () => (await tryGet(CONFIG_MAP, 'cfg', 'demo'))?.data?.k === 'v2',
      'configmap updated',
    );
    await eventually(() => gone(DEPLOYMENTS, 'web', 'demo'), 'dropped deployment deleted');
    await eventually(
      async () => (await amwOf('w1'))?.status?.appliedResources?.length === 2,
      'appliedResources without the deployment',
    );
    expect(w.status!.resourceStatus!.manifests!.map((m) => m.resourceMeta.kind)).toEqual([
      'ConfigMap',
      'Namespace',
    ]);
  });

  it('re-creates an applied object deleted on the WEC', async () => {
    await wec.delete(CONFIG_MAP, 'cfg', { namespace: 'demo' });
    await eventually(
      async () => (await tryGet(CONFIG_MAP, 'cfg', 'demo'))?.data?.k === 'v2',
      'configmap re-created',
    );
  });

  it('reports status feedback and conditions from the status written on the WEC object', async () => {
    await createWork('fb', {
      workload: { manifests: [ns('fb'), deploy('api', 'fb', 2)] },
      manifestConfigs: [
        {
          resourceIdentifier: { group: 'apps', resource: 'deployments', namespace: 'fb', name: 'api' },
          feedbackRules: [
            { type: 'WellKnownStatus' },
            {
              type: 'JSONPaths',
              jsonPaths: [{ name: 'phase', path: '.status.conditions[?(@.type=="Available")].status' }],
            },
          ],
        },
      ],
    });
    await applied('fb');
    const setStatus = async (status: Record<string, unknown>) => {
      await eventually(async () => {
        const d = await wec.get(DEPLOYMENTS, 'api', { namespace: 'fb' });
        await wec.updateStatus(DEPLOYMENTS, { ...d, status });
        return true;
      }, 'deployment status written');
    };
    const feedback = async () => {
      const w = await getWork('fb');
      const m = w.status?.resourceStatus?.manifests?.find((x) => x.resourceMeta.kind === 'Deployment');
      return {
        w,
        m,
        values: Object.fromEntries((m?.statusFeedback?.values ?? []).map((v) => [v.name, v.fieldValue])),
      };
    };

    await setStatus({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [{ type: 'Available', status: 'True' }],
    });
    const first = await eventually(async () => {
      const f = await feedback();
      return f.values.ReadyReplicas?.integer === 2 && f;
    }, 'feedback with 2 ready replicas');
    expect(first.values).toEqual({
      ReadyReplicas: { type: 'Integer', integer: 2 },
      Replicas: { type: 'Integer', integer: 2 },
      AvailableReplicas: { type: 'Integer', integer: 2 },
      phase: { type: 'String', string: 'True' },
    });
    expect(first.m?.conditions.find((c) => c.type === 'StatusFeedbackSynced')).toMatchObject({
      status: 'True',
      reason: 'StatusFeedbackSynced',
    });
    expect(condition(first.w, 'Degraded')?.status).toBe('False');

    // The status changes on the WEC: feedback and the Degraded condition follow.
    await setStatus({
      replicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'False' },
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' },
      ],
    });
    const second = await eventually(async () => {
      const f = await feedback();
      return f.values.ReadyReplicas?.integer === 1 && f;
    }, 'feedback with 1 ready replica');
    expect(second.values.phase).toEqual({ type: 'String', string: 'False' });
    expect(condition(second.w, 'Degraded')).toMatchObject({ status: 'True', reason: 'ResourcesDegraded' });
    expect(condition(second.w, 'Degraded')?.message).toContain('ProgressDeadlineExceeded');
  });

  it('CreateOnly never overwrites an existing object but owns it', async () => {
    await wec.create(NAMESPACE, { metadata: { name: 'co' } });
    await wec.create(CONFIG_MAP, cm('pre', 'co', { k: 'wec' }));
    const spec = (value: string): ManifestWorkSpec => ({
      workload: { manifests: [cm('pre', 'co', { k: value })] },
      manifestConfigs: [
        {
          resourceIdentifier: { resource: 'configmaps', namespace: 'co', name: 'pre' },
          updateStrategy: { type: 'CreateOnly' },
        },
      ],
    });
    await createWork('co', spec('hub'));
    await applied('co');
    await eventually(
      async () => ownedBy(await tryGet(CONFIG_MAP, 'pre', 'co'), 'co'),
      'owner reference added',
    );
    expect((await tryGet(CONFIG_MAP, 'pre', 'co'))?.data).toEqual({ k: 'wec' });
    await updateWork('co', spec('hub2'));
    await applied('co');
    expect((await tryGet(CONFIG_MAP, 'pre', 'co'))?.data).toEqual({ k: 'wec' });
  });

  it('ReadOnly only reads: feedback from an object it neither writes nor owns', async () => {
    await createWork('ro', {
      workload: {
        manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pre', namespace: 'co' } }],
      },
      manifestConfigs: [
        {
          resourceIdentifier: { resource: 'configmaps', namespace: 'co', name: 'pre' },
          updateStrategy: { type: 'ReadOnly' },
          feedbackRules: [{ type: 'JSONPaths', jsonPaths: [{ name: 'k', path: '.data.k' }] }],
        },
      ],
    });
    const w = await applied('ro');
    expect(w.status!.resourceStatus!.manifests![0].statusFeedback?.values).toEqual([
      { name: 'k', fieldValue: { type: 'String', string: 'wec' } },
    ]);
    const live = await tryGet(CONFIG_MAP, 'pre', 'co');
    expect(live?.data).toEqual({ k: 'wec' });
    expect(ownedBy(live, 'ro')).toBe(false);
  });

  it('ServerSideApply applies as work-agent and reports conflicts until forced', async () => {
    const spec = (value: string, force: boolean): ManifestWorkSpec => ({
      workload: { manifests: [ns('ssa'), cm('s', 'ssa', { k: value })] },
      manifestConfigs: [
        {
          resourceIdentifier: { resource: 'configmaps', namespace: 'ssa', name: 's' },
          updateStrategy: { type: 'ServerSideApply', serverSideApply: { force } },
        },
      ],
    });
    await createWork('ssa', spec('one', false));
    await applied('ssa');
    const live = await wec.get(CONFIG_MAP, 's', { namespace: 'ssa' });
    expect(live.data).toEqual({ k: 'one' });
    expect(
      live.metadata?.managedFields?.some((f) => f.manager === 'work-agent' && f.operation === 'Apply'),
    ).toBe(true);
    expect(ownedBy(live, 'ssa')).toBe(true);

    // Another manager takes the field over; a different value from the hub then conflicts.
    await wec.apply(
      CONFIG_MAP,
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 's', namespace: 'ssa' },
        data: { k: 'theirs' },
      },
      { fieldManager: 'someone-else', force: true },
    );
    await updateWork('ssa', spec('two', false));
    const failed = await eventually(async () => {
      const w = await getWork('ssa');
      const c = condition(w, 'Applied');
      return c?.status === 'False' && c.observedGeneration === 2 && w;
    }, 'apply conflict reported');
    const m = failed.status!.resourceStatus!.manifests!.find((x) => x.resourceMeta.kind === 'ConfigMap')!;
    expect(m.conditions.find((c) => c.type === 'Applied')).toMatchObject({
      status: 'False',
      reason: 'AppliedManifestFailed',
    });
    expect(m.conditions.find((c) => c.type === 'Applied')?.message.toLowerCase()).toContain('conflict');
    expect((await wec.get(CONFIG_MAP, 's', { namespace: 'ssa' })).data).toEqual({ k: 'theirs' });

    await updateWork('ssa', spec('two', true));
    await applied('ssa');
    await eventually(async () => (await tryGet(CONFIG_MAP, 's', 'ssa'))?.data?.k === 'two', 'forced apply');
  });

  it('waits for a namespace the work does not create, and applies once it exists', async () => {
    await createWork('late', { workload: { manifests: [cm('m', 'late', { k: 'v' })] } });
    const waiting = await eventually(async () => {
      const w = await getWork('late');
      const c = w.status?.resourceStatus?.manifests?.[0]?.conditions.find((x) => x.type === 'Applied');
      return c?.status === 'False' && c;
    }, 'manifest waiting for its namespace');
    expect(waiting).toMatchObject({
      reason: 'AppliedManifestFailed',
      message: expect.stringContaining('namespaces "late" not found'),
    });
    await wec.create(NAMESPACE, { metadata: { name: 'late' } });
    await applied('late');
    expect((await tryGet(CONFIG_MAP, 'm', 'late'))?.data).toEqual({ k: 'v' });
  });

  it('applies a custom resource once the CRD from the same work is established', async () => {
    const crd: KObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Cluster',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    const widget: KObject = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'gear' },
      spec: { teeth: 12 },
    };
    // The CR comes first in the work: the agent must still get there.
    await createWork('crd', { workload: { manifests: [widget, crd] } });
    const w = await applied('crd', 20_000);
    expect(w.status!.resourceStatus!.manifests![0].resourceMeta).toMatchObject({
      kind: 'Widget',
      resource: 'widgets',
    });
    const WIDGETS = { group: 'example.com', version: 'v1', resource: 'widgets', namespaced: false };
    expect((await wec.get(WIDGETS, 'gear')).spec).toEqual({ teeth: 12 });
  });

  it('Orphan leaves the objects on the WEC when the work is deleted', async () => {
    await createWork('orph', {
      workload: { manifests: [ns('orph'), cm('keep', 'orph', { k: 'v' })] },
      deleteOption: { propagationPolicy: 'Orphan' },
    });
    await applied('orph');
    expect(ownedBy(await tryGet(CONFIG_MAP, 'keep', 'orph'), 'orph')).toBe(false);
    await hub.delete(MANIFEST_WORK, 'orph', { namespace: CLUSTER });
    await eventually(() => workGone('orph'), 'orphaning work gone');
    expect(await amwOf('orph')).toBeUndefined();
    expect((await tryGet(CONFIG_MAP, 'keep', 'orph'))?.data).toEqual({ k: 'v' });
    expect(await tryGet(NAMESPACE, 'orph')).toBeDefined();
  });

  it('SelectivelyOrphan leaves only the objects its rules name', async () => {
    await createWork('sel', {
      workload: { manifests: [ns('sel'), cm('keep', 'sel', { k: 'v' }), cm('drop', 'sel', { k: 'v' })] },
      deleteOption: {
        propagationPolicy: 'SelectivelyOrphan',
        selectivelyOrphans: {
          orphaningRules: [
            { resource: 'namespaces', name: 'sel' },
            { resource: 'configmaps', namespace: 'sel', name: 'keep' },
          ],
        },
      },
    });
    await applied('sel');
    expect(ownedBy(await tryGet(CONFIG_MAP, 'drop', 'sel'), 'sel')).toBe(true);
    expect(ownedBy(await tryGet(CONFIG_MAP, 'keep', 'sel'), 'sel')).toBe(false);
    await hub.delete(MANIFEST_WORK, 'sel', { namespace: CLUSTER });
    await eventually(() => workGone('sel'), 'selectively orphaning work gone');
    expect(await tryGet(CONFIG_MAP, 'drop', 'sel')).toBeUndefined();
    expect(await tryGet(CONFIG_MAP, 'keep', 'sel')).toBeDefined();
    expect(await tryGet(NAMESPACE, 'sel')).toBeDefined();
  });

  it('deleting a work removes its objects, its AppliedManifestWork and then its finalizer', async () => {
    await hub.delete(MANIFEST_WORK, 'w1', { namespace: CLUSTER });
    await eventually(() => workGone('w1'), 'work w1 gone', 20_000);
    expect(await amwOf('w1')).toBeUndefined();
    expect(await tryGet(CONFIG_MAP, 'cfg', 'demo')).toBeUndefined();
    await eventually(() => gone(NAMESPACE, 'demo'), 'namespace demo gone');
  });

  it('converges after a restart: updates, deletions and works that vanished meanwhile', async () => {
    await createWork('r1', { workload: { manifests: [ns('r1'), cm('a', 'r1', { v: '1' })] } });
    await createWork('r2', { workload: { manifests: [ns('r2'), cm('b', 'r2', { v: '1' })] } });
    await createWork('r3', { workload: { manifests: [cm('c', 'r1', { v: '1' })] } });
    await Promise.all([applied('r1'), applied('r2'), applied('r3')]);
    await agent.stop();

    await updateWork('r1', { workload: { manifests: [ns('r1'), cm('a', 'r1', { v: '2' })] } });
    await hub.delete(MANIFEST_WORK, 'r2', { namespace: CLUSTER });
    expect((await getWork('r2')).metadata.deletionTimestamp).toBeTruthy();
    // r3 vanishes entirely (finalizer stripped by hand): only its AppliedManifestWork remains.
    const r3 = await getWork('r3');
    await hub.update(MANIFEST_WORK, { ...r3, metadata: { ...r3.metadata, finalizers: [] } });
    await hub.delete(MANIFEST_WORK, 'r3', { namespace: CLUSTER });
    await eventually(() => workGone('r3'), 'r3 gone');
    expect((await tryGet(CONFIG_MAP, 'a', 'r1'))?.data).toEqual({ v: '1' });
    expect(await amwOf('r3')).toBeDefined();

    agent = await startAgent();
    await eventually(async () => (await tryGet(CONFIG_MAP, 'a', 'r1'))?.data?.v === '2', 'r1 update applied');
    await eventually(() => workGone('r2'), 'r2 cleaned up and released', 20_000);
    await eventually(() => gone(CONFIG_MAP, 'b', 'r2'), 'r2 objects deleted');
    await eventually(async () => !(await amwOf('r3')), 'r3 AppliedManifestWork removed');
    expect(await tryGet(CONFIG_MAP, 'c', 'r1')).toBeUndefined();
  });

  it('keeps the WEC as it is while the hub is unreachable, and converges after reconnecting', async () => {
    await createWork('h1', { workload: { manifests: [ns('h1'), cm('x', 'h1', { v: '1' })] } });
    await applied('h1');
    const port = itsSpace.port;
    await itsSpace.close();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await tryGet(CONFIG_MAP, 'x', 'h1'))?.data).toEqual({ v: '1' });
    expect(await amwOf('h1')).toBeDefined();
    expect(await tryGet(CONFIG_MAP, 'a', 'r1')).toBeDefined();

    itsSpace = await Space.start({ dataDir: dirs[0], name: 'its1', port, storage });
    hub.rest.close();
    hub = clientOf(itsSpace);
    await updateWork('h1', { workload: { manifests: [ns('h1'), cm('x', 'h1', { v: '2' })] } });
    await eventually(
      async () => (await tryGet(CONFIG_MAP, 'x', 'h1'))?.data?.v === '2',
      'update after reconnect',
      20_000,
    );
    await applied('h1');
  });
});
