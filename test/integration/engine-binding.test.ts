import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { DynamicClient } from '../../src/kube/index.js';
import { BINDING, BINDING_POLICY, NAMESPACE } from '../../src/api/gvr.js';
import type { Binding, BindingPolicy } from '../../src/api/control.js';
import type { KObject } from '../../src/api/meta.js';
import {
  DEPLOYMENTS,
  eventually,
  manifestsIn,
  startEngineEnv,
  type EngineEnv,
} from './helpers/engine-env.js';

/** The engine against two in-process spaces: BindingPolicy -> Binding -> ManifestWorks, end to end. */

let env: EngineEnv;
let wds: DynamicClient;
const works = (ns: string) => env.works(ns);
const gone = (res: typeof BINDING, name: string) => env.gone(res, name);

beforeAll(async () => {
  env = await startEngineEnv(['cluster1', 'cluster2']);
  wds = env.wds;
});

afterAll(async () => env?.close());

describe('engine: binding and transport', () => {
  it('propagates selected objects to the selected clusters and follows changes', async () => {
    await wds.create(BINDING_POLICY, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'nginx-bpolicy' },
      spec: {
        clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }],
        downsync: [{ objectSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }] }],
      },
    });
    const labels = { 'app.kubernetes.io/name': 'nginx' };
    await wds.create(NAMESPACE, { metadata: { name: 'nginx', labels } });
    await wds.create(
      DEPLOYMENTS,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'nginx-deployment', namespace: 'nginx', labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'nginx' } },
          template: {
            metadata: { labels: { app: 'nginx' } },
            spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
          },
        },
      },
      { namespace: 'nginx' },
    );

    // The Binding: both clusters, the Namespace and the Deployment.
    const binding = await eventually(async () => {
      const b = await wds.get<Binding>(BINDING, 'nginx-bpolicy');
      return b.spec?.destinations?.length === 2 && b.spec.workload?.namespaceScope?.length === 1 && b;
    }, 'binding with both destinations');
    expect(binding.spec!.destinations!.map((d) => d.clusterId)).toEqual(['cluster1', 'cluster2']);
    expect(binding.spec!.workload!.clusterScope!.map((e) => `${e.resource}/${e.name}`)).toEqual([
      'namespaces/nginx',
    ]);
    expect(binding.spec!.workload!.namespaceScope![0]).toMatchObject({
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      namespace: 'nginx',
      name: 'nginx-deployment',
    });
    const policy = await wds.get<BindingPolicy>(BINDING_POLICY, 'nginx-bpolicy');
    expect(policy.metadata.finalizers).toContain('bindingpolicy.kubestellar.io/kscontroller');
    expect(binding.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'BindingPolicy',
      uid: policy.metadata.uid,
    });

    // One work per object in each cluster namespace, objects cleaned of server-set fields.
    for (const ns of ['cluster1', 'cluster2']) {
      const ws = await eventually(async () => {
        const l = await works(ns);
        return l.length === 2 && l;
      }, `works in ${ns}`);
      expect(manifestsIn(ws)).toEqual(['Deployment/nginx-deployment', 'Namespace/nginx']);
      const dep = ws
        .flatMap((w) => w.spec!.workload!.manifests!)
        .find((m: KObject) => m.kind === 'Deployment')!;
      expect(dep.metadata?.uid).toBeUndefined();
      expect(dep.metadata?.resourceVersion).toBeUndefined();
      expect(dep.status).toBeUndefined();
      expect(dep.spec.template.spec.containers[0].image).toBe('nginx:1.25');
      expect(ws[0].metadata.labels?.['transport.kubestellar.io/originOwnerReferenceBindingKey']).toBe(
        'nginx-bpolicy',
      );
    }

    // Policy status: observed generation and a Synced condition once the transport caught up.
    const status = await eventually(async () => {
      const p = await wds.get<BindingPolicy>(BINDING_POLICY, 'nginx-bpolicy');
      const synced = p.status?.conditions?.find((c) => c.type === 'Synced');
      return synced?.status === 'True' && p.status;
    }, 'policy Synced=True');
    expect(status.observedGeneration).toBe(policy.metadata.generation);
    expect(status.errors ?? []).toEqual([]);

    // Narrow the cluster selector: the works in cluster2 go away, cluster1 keeps its own.
    await wds.patch(
      BINDING_POLICY,
      'nginx-bpolicy',
      { spec: { clusterSelectors: [{ matchLabels: { name: 'cluster1' } }] } },
      { type: 'merge' },
    );
    await eventually(async () => (await works('cluster2')).length === 0, 'works in cluster2 deleted');
    expect(manifestsIn(await works('cluster1'))).toEqual(['Deployment/nginx-deployment', 'Namespace/nginx']);

    // Delete the Deployment: it leaves the Binding and the works.
    await wds.delete(DEPLOYMENTS, 'nginx-deployment', { namespace: 'nginx' });
    await eventually(
      async () => JSON.stringify(manifestsIn(await works('cluster1'))) === '["Namespace/nginx"]',
      'deployment removed from the works',
    );
    const after = await wds.get<Binding>(BINDING, 'nginx-bpolicy');
    expect(after.spec?.workload?.namespaceScope ?? []).toEqual([]);
    expect(after.spec?.destinations?.map((d) => d.clusterId)).toEqual(['cluster1']);

    // The engine holds its Lease in the WDS.
    const lease = await wds.get<KObject>(
      { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true },
      'kstellar-engine-wds1',
      { namespace: 'kstellar-system' },
    );
    expect(lease.spec?.holderIdentity).toBeTruthy();

    // Delete the policy: Binding and works are gone.
    await wds.delete(BINDING_POLICY, 'nginx-bpolicy');
    await eventually(() => gone(BINDING, 'nginx-bpolicy'), 'binding deleted');
    await eventually(() => gone(BINDING_POLICY, 'nginx-bpolicy'), 'policy finalized');
    await eventually(async () => (await works('cluster1')).length === 0, 'works in cluster1 deleted');
  });
});
