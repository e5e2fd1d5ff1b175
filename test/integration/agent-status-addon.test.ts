/**
 * The status add-on next to the work agent, against two in-process spaces: WorkStatus objects in
 * the hub's cluster namespace mirror the status of the objects KubeStellar works put on the WEC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Space } from '../../src/space/space.js';
import { DynamicClient, kubeConfigFromString } from '../../src/kube/index.js';
import { itsCrds, wecCrds } from '../../src/api/crds.js';
import { APPLIED_MANIFEST_WORK, MANIFEST_WORK, NAMESPACE, WORK_STATUS } from '../../src/api/gvr.js';
import type { KObject } from '../../src/api/meta.js';
import type { WorkStatus } from '../../src/api/control.js';
import type { ManifestWork, ManifestWorkSpec } from '../../src/api/ocm.js';
import { ensureCrds } from '../../src/engine/controllers/crds.js';
import { appliedWorkName, hubHash } from '../../src/agent/manifestwork/applied.js';
import { createWorkAgent, hubServerUrlOf } from '../../src/agent/runtime/work-agent.js';
import { createStatusAddon } from '../../src/agent/runtime/status-addon.js';
import { removeDir, tempDir } from '../helpers/space-process.js';
import { DEPLOYMENTS, eventually } from './helpers/engine-env.js';

const CLUSTER = 'cluster1';
const WDS_LABEL = 'transport.kubestellar.io/originWdsName';
const SINGLETON = 'managed-by.kubestellar.io/singletonstatus';
const log = pino({ level: process.env.AGENT_TEST_LOG ?? 'silent' });
const storage = { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 };

let dirs: string[] = [];
let spaces: Space[] = [];
let hub: DynamicClient;
let wec: DynamicClient;
let hash: string;
const stop = new AbortController();
let running: Promise<unknown>;

const clientOf = (s: Space) => DynamicClient.fromKubeConfig(kubeConfigFromString(s.kubeconfig()));

beforeAll(async () => {
  dirs = [tempDir(), tempDir()];
  spaces = await Promise.all([
    Space.start({ dataDir: dirs[0], name: 'its1', storage }),
    Space.start({ dataDir: dirs[1], name: CLUSTER, storage }),
  ]);
  [hub, wec] = spaces.map(clientOf);
  await Promise.all([
    ensureCrds(hub, itsCrds(), log, stop.signal),
    ensureCrds(wec, wecCrds(), log, stop.signal),
  ]);
  await hub.create(NAMESPACE, { metadata: { name: CLUSTER } });
  hash = hubHash(hubServerUrlOf(hub));
  const [agentHub, agentWec] = spaces.map(clientOf);
  const work = createWorkAgent({
    clusterName: CLUSTER,
    hub: agentHub,
    spoke: agentWec,
    log,
    statusSyncIntervalMs: 200,
  });
  const addon = createStatusAddon({ clusterName: CLUSTER, hub: agentHub, spoke: agentWec, log });
  running = Promise.all([work.start(stop.signal), addon.start(stop.signal)]);
  await Promise.all([work.ready(), addon.ready()]);
});

afterAll(async () => {
  stop.abort();
  await running;
  hub?.rest.close();
  wec?.rest.close();
  await Promise.all(spaces.map((s) => s.close()));
  dirs.forEach(removeDir);
});

const ns = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (name: string, namespace: string): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { k: 'v' },
});
const deploy = (name: string, namespace: string): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels: { app: name, [SINGLETON]: 'true' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

async function createWork(name: string, spec: ManifestWorkSpec, labels?: Record<string, string>) {
  return hub.create<ManifestWork>(MANIFEST_WORK, {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: { name, namespace: CLUSTER, labels },
    spec,
  });
}

const statuses = async () => (await hub.list<WorkStatus>(WORK_STATUS, { namespace: CLUSTER })).items;
const amwUid = async (work: string) =>
  (await wec.get(APPLIED_MANIFEST_WORK, appliedWorkName(hash, work))).metadata!.uid!;
const sourcesOf = (list: WorkStatus[]) =>
  list
    .map((w) => `${w.spec?.sourceRef.kind}/${w.spec?.sourceRef.namespace}/${w.spec?.sourceRef.name}`)
    .sort();

describe('status add-on', () => {
  it('creates a WorkStatus per reported object, except for kinds upstream never watches', async () => {
    const work = await createWork(
      'app',
      { workload: { manifests: [ns('app'), deploy('web', 'app'), cm('cfg', 'app')] } },
      { [WDS_LABEL]: 'wds1', 'transport.kubestellar.io/originOwnerReferenceBindingKey': 'b1' },
    );
    // A work without KubeStellar labels is not reported.
    await createWork('plain', { workload: { manifests: [ns('plain'), deploy('other', 'plain')] } });
    // Created first, then given the object's status through the status subresource.
    const list = await eventually(async () => {
      const l = await statuses();
      return l.length === 2 && l.some((w) => w.spec?.sourceRef.kind === 'Namespace' && w.status) && l;
    }, 'two WorkStatuses');
    expect(sourcesOf(list)).toEqual(['Deployment/app/web', 'Namespace//app']);

    const uid = await amwUid('app');
    const byKind = Object.fromEntries(list.map((w) => [w.spec!.sourceRef.kind, w]));
    const d = byKind.Deployment;
    expect(d.metadata.name).toBe(`${uid}-appsv1-deployment-app-web`);
    expect(byKind.Namespace.metadata.name).toBe(`${uid}-v1-namespace--app`);
    expect(d.spec!.sourceRef).toEqual({
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      kind: 'Deployment',
      name: 'web',
      namespace: 'app',
    });
    expect(d.metadata.labels).toEqual({
      [WDS_LABEL]: 'wds1',
      'transport.kubestellar.io/originOwnerReferenceBindingKey': 'b1',
      [SINGLETON]: 'true',
    });
    expect(d.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'ManifestWork',
        name: 'app',
        uid: work.metadata.uid,
        controller: true,
      }),
    ]);
    expect(d.statusDetails).toEqual({
      lastGeneration: 0,
      lastGenerationIsApplied: false,
      lastCurrencyUpdateTime: '1970-01-01T00:00:00Z',
    });
    expect(byKind.Namespace.status).toEqual((await wec.get(NAMESPACE, 'app')).status);
  });

  it('follows the status of the object on the WEC, and writes nothing when it does not change', async () => {
    const setStatus = async (status: Record<string, unknown>) =>
      eventually(async () => {
        const d = await wec.get(DEPLOYMENTS, 'web', { namespace: 'app' });
        await wec.updateStatus(DEPLOYMENTS, { ...d, status });
        return true;
      }, 'deployment status written');
    const deploymentStatus = async () =>
      (await statuses()).find(
        (w) => w.spec?.sourceRef.kind === 'Deployment' && w.spec.sourceRef.name === 'web',
      );

    await setStatus({ replicas: 1, readyReplicas: 1, observedGeneration: 1 });
    await eventually(async () => (await deploymentStatus())?.status?.readyReplicas === 1, 'status copied');
    await setStatus({
      replicas: 1,
      readyReplicas: 0,
      observedGeneration: 1,
      conditions: [{ type: 'Available', status: 'False' }],
    });
    const ws = await eventually(async () => {
      const w = await deploymentStatus();
      return w?.status?.readyReplicas === 0 && w;
    }, 'status updated');
    expect(ws.status).toEqual({
      replicas: 1,
      readyReplicas: 0,
      observedGeneration: 1,
      conditions: [{ type: 'Available', status: 'False' }],
    });

    const versions = async () =>
      (await statuses())
        .map((w) => `${w.metadata.name}@${w.metadata.resourceVersion}`)
        .sort()
        .join(',');
    await new Promise((r) => setTimeout(r, 300));
    const before = await versions();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await versions()).toBe(before);
  });

  it('deletes the WorkStatus of an object the work drops, and all of them with the work', async () => {
    const w = await hub.get<ManifestWork>(MANIFEST_WORK, 'app', { namespace: CLUSTER });
    await hub.update(MANIFEST_WORK, {
      ...w,
      spec: { workload: { manifests: [ns('app'), cm('cfg', 'app')] } },
    });
    await eventually(
      async () => sourcesOf(await statuses()).join() === 'Namespace//app',
      'deployment WorkStatus deleted',
    );

    await hub.delete(MANIFEST_WORK, 'app', { namespace: CLUSTER });
    await eventually(async () => (await statuses()).length === 0, 'all WorkStatuses deleted', 20_000);
  });
});
