import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { BINDING, BINDING_POLICY, NAMESPACE, WORK_STATUS } from '../../src/api/gvr.js';
import type { Binding } from '../../src/api/control.js';
import type { KObject } from '../../src/api/meta.js';
import { ORIGIN_BINDING_LABEL, SINGLETON_STATUS_LABEL } from '../../src/api/constants.js';
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
 * Singleton status (kubestellar-semantics.md §4.3, §4.7, §6.2): E2E-14 (status appears, and is
 * cleared when the policy selects no cluster) and E2E-16 (status requested while the status
 * controller is down is cleared when it comes back, thanks to the marker label and the startup
 * re-check). The test plays the WEC's status agent: it writes the WorkStatus itself.
 */

const NAME = 'app.kubernetes.io/name';
const LEASE = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200 };

let env: EngineEnv;
beforeAll(async () => {
  env = await startEngineEnv(['cluster1', 'cluster2'], 'wds1', LEASE);
  await env.wds.create(NAMESPACE, { metadata: { name: 'nginx' } });
});
afterAll(async () => env?.close());

const getDeployment = (name: string) => env.wds.get<KObject>(DEPLOYMENTS, name, { namespace: 'nginx' });

/** Deployments of `name` carried to each cluster, by the policy's Binding. */
const carried = async (cluster: string, binding: string) =>
  (await env.works(cluster))
    .filter((w) => w.metadata.labels?.[ORIGIN_BINDING_LABEL] === binding)
    .flatMap((w) => w.spec?.workload?.manifests ?? [])
    .filter((m: KObject) => m.kind === 'Deployment').length;

const expectCarried = (binding: string, want: [number, number], what: string) =>
  eventually(
    async () =>
      (await carried('cluster1', binding)) === want[0] && (await carried('cluster2', binding)) === want[1],
    what,
  );

/** Writes the WorkStatus the status agent of `wec` would write for Deployment nginx/`name`. */
async function reportStatus(wec: string, name: string, status: Record<string, unknown>): Promise<string> {
  const ws = await env.its.create<KObject>(
    WORK_STATUS,
    {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'WorkStatus',
      metadata: {
        name: `3b1c0f6e-appsv1-deployment-nginx-${name}`,
        namespace: wec,
        labels: { 'transport.kubestellar.io/originWdsName': 'wds1', [ORIGIN_BINDING_LABEL]: name },
      },
      spec: {
        sourceRef: {
          group: 'apps',
          version: 'v1',
          resource: 'deployments',
          kind: 'Deployment',
          namespace: 'nginx',
          name,
        },
      },
    },
    { namespace: wec },
  );
  await env.its.patch(
    WORK_STATUS,
    ws.metadata!.name!,
    { status },
    { type: 'merge', namespace: wec, subresource: 'status' },
  );
  return ws.metadata!.name!;
}

const WEC_STATUS = {
  replicas: 1,
  readyReplicas: 1,
  availableReplicas: 1,
  conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }],
};

/** Creates Deployment + singleton policy for cluster1, reports cluster1's status, waits for it in the WDS. */
async function singletonWithStatus(name: string): Promise<string> {
  await createDeployment(env.wds, 'nginx', name, { [NAME]: name });
  await createPolicy(env.wds, name, {
    clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
    downsync: [{ objectSelectors: [{ matchLabels: { [NAME]: name } }], wantSingletonReportedState: true }],
  });
  await expectCarried(name, [1, 0], 'Deployment in cluster1 only');
  const ws = await reportStatus('cluster1', name, WEC_STATUS);
  const dep = await eventually(async () => {
    const d = await getDeployment(name);
    return d.status?.availableReplicas === 1 && d;
  }, 'returned status in the WDS');
  expect(dep.status).toEqual(WEC_STATUS);
  expect(dep.metadata?.labels?.[SINGLETON_STATUS_LABEL]).toBe('true');
  return ws;
}

const nowhere = { clusterSelectors: [{ matchLabels: { name: 'CelestialNexus' } }] };

describe('engine: singleton status', () => {
  it('E2E-14: status appears, and is cleared when the policy selects no cluster', async () => {
    const ws = await singletonWithStatus('nginx-singleton');
    await patchPolicy(env.wds, 'nginx-singleton', nowhere);
    await expectCarried('nginx-singleton', [0, 0], 'Deployment removed from the clusters');
    // Cleared by the change of the request alone (the WorkStatus is still there).
    const cleared = await eventually(async () => {
      const d = await getDeployment('nginx-singleton');
      return !d.metadata?.labels?.[SINGLETON_STATUS_LABEL] && d;
    }, 'status cleared');
    expect(cleared.status?.conditions).toBeUndefined();
    expect(cleared.status?.availableReplicas).toBeUndefined();
    await env.its.delete(WORK_STATUS, ws, { namespace: 'cluster1' });
    await env.wds.delete(BINDING_POLICY, 'nginx-singleton');
  });

  it('E2E-16: status left behind while the status controller was down is cleared when it returns', async () => {
    const name = 'nginx-downtime';
    const ws = await singletonWithStatus(name);
    expect((await getDeployment(name)).status?.conditions?.length).toBeGreaterThan(0);

    // Run without the status controller (the reference's `--controllers=binding`; transport is a
    // separate process there and keeps running, so it runs here too).
    await env.stopEngine();
    await env.startEngine({ ...LEASE, controllers: ['binding', 'transport'] });
    await patchPolicy(env.wds, name, nowhere);
    await expectCarried(name, [0, 0], 'Deployment removed from the clusters');
    // The agent deletes its WorkStatus with the WEC object.
    await env.its.delete(WORK_STATUS, ws, { namespace: 'cluster1' });
    await eventually(async () => {
      const b = await env.wds.get<Binding>(BINDING, name);
      return !b.spec?.destinations?.length && b.status?.observedGeneration === b.metadata.generation;
    }, 'Binding without destinations, processed by the transport');
    // Nobody clears the status meanwhile (bounded wait for a negative result).
    await new Promise((r) => setTimeout(r, 500));
    const kept = await getDeployment(name);
    expect(kept.status).toEqual(WEC_STATUS);
    expect(kept.metadata?.labels?.[SINGLETON_STATUS_LABEL]).toBe('true');

    // A normal restart finds the marked object at startup and clears it.
    await env.stopEngine();
    await env.startEngine({ ...LEASE });
    const cleared = await eventually(async () => {
      const d = await getDeployment(name);
      return !d.metadata?.labels?.[SINGLETON_STATUS_LABEL] && d;
    }, 'status cleared after restart');
    expect(cleared.status?.conditions).toBeUndefined();
    expect(cleared.status?.availableReplicas).toBeUndefined();
    await env.wds.delete(BINDING_POLICY, name);
  });

  it('E2E-16 variant: the policy deleted during the downtime; only the marker label leads back to the object', async () => {
    const name = 'nginx-orphan';
    const ws = await singletonWithStatus(name);
    await env.stopEngine();
    await env.startEngine({ ...LEASE, controllers: ['binding', 'transport'] });
    await env.wds.delete(BINDING_POLICY, name);
    await expectCarried(name, [0, 0], 'Deployment removed from the clusters');
    await env.its.delete(WORK_STATUS, ws, { namespace: 'cluster1' });
    await eventually(() => env.gone({ ...BINDING_POLICY, namespaced: false }, name), 'policy finalized');
    expect((await getDeployment(name)).metadata?.labels?.[SINGLETON_STATUS_LABEL]).toBe('true');

    // No policy mentions the object any more: the restarted status controller finds it by its label.
    await env.stopEngine();
    await env.startEngine({ ...LEASE });
    const cleared = await eventually(async () => {
      const d = await getDeployment(name);
      return !d.metadata?.labels?.[SINGLETON_STATUS_LABEL] && d;
    }, 'status cleared after restart');
    expect(cleared.status?.conditions).toBeUndefined();
  });
});
