import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { BINDING, BINDING_POLICY, MANAGED_CLUSTER, NAMESPACE, WORK_STATUS } from '../../src/api/gvr.js';
import type { Binding, BindingPolicy } from '../../src/api/control.js';
import type { KObject } from '../../src/api/meta.js';
import { isNotFound } from '../../src/kube/errors.js';
import { DEPLOYMENTS, eventually, manifestOf, startEngineEnv, type EngineEnv } from './helpers/engine-env.js';

/**
 * Acceptance scenarios of kubestellar-semantics.md §6.1, §6.3 and §6.9 against the engine and two
 * in-process spaces (no WEC agents: assertions are on Bindings, ManifestWorks and policy status).
 * Each test uses its own WDS namespace and label so the tests do not see each other's objects.
 */

const SERVICES = { group: '', version: 'v1', resource: 'services', namespaced: true };
const JOBS = { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const EVENTS = { group: '', version: 'v1', resource: 'events', namespaced: true };
const NAME = 'app.kubernetes.io/name';

let env: EngineEnv;
beforeAll(async () => {
  env = await startEngineEnv(['cluster1', 'cluster2']);
});
afterAll(async () => env?.close());

const policy = (name: string, spec: Record<string, unknown>) =>
  env.wds.create(BINDING_POLICY, {
    apiVersion: 'control.kubestellar.io/v1alpha1',
    kind: 'BindingPolicy',
    metadata: { name },
    spec,
  });
const patchPolicy = (name: string, spec: Record<string, unknown>) =>
  env.wds.patch(BINDING_POLICY, name, { spec }, { type: 'merge' });
const edge = [{ matchLabels: { 'location-group': 'edge' } }];
const bySel = (app: string) => [{ matchLabels: { [NAME]: app } }];

const deployment = (ns: string, name: string, labels: Record<string, string>, replicas = 1) =>
  env.wds.create(
    DEPLOYMENTS,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'nginx' }] } },
      },
    },
    { namespace: ns },
  );

/** Manifests of kind/namespace in a cluster's works (what the WEC would hold). */
const carried = async (cluster: string, kind: string, ns: string): Promise<KObject[]> =>
  (await env.works(cluster))
    .flatMap((w) => w.spec?.workload?.manifests ?? [])
    .filter((m: KObject) => m.kind === kind && m.metadata?.namespace === ns);
const count = async (cluster: string, kind: string, ns: string) => (await carried(cluster, kind, ns)).length;

/** Waits until each cluster carries the given number of `kind` objects of namespace `ns`. */
const expectCounts = (kind: string, ns: string, want: Record<string, number>, what: string) =>
  eventually(async () => {
    for (const [c, n] of Object.entries(want)) if ((await count(c, kind, ns)) !== n) return false;
    return true;
  }, what);

const bindingOf = (name: string) => env.wds.get<Binding>(BINDING, name);
const bindingGone = async (name: string) => {
  try {
    await bindingOf(name);
    return false;
  } catch (e) {
    return isNotFound(e);
  }
};

describe('engine scenarios', () => {
  it('E2E-02/05/07: updates, label changes and deletion of a WDS object follow into the works', async () => {
    const ns = 'upd';
    await env.wds.create(NAMESPACE, { metadata: { name: ns } });
    await policy('upd', { clusterSelectors: edge, downsync: [{ objectSelectors: bySel('upd') }] });
    await deployment(ns, 'nginx', { [NAME]: 'upd' });
    await expectCounts('Deployment', ns, { cluster1: 1, cluster2: 1 }, 'deployment in both clusters');

    await env.wds.patch(DEPLOYMENTS, 'nginx', { spec: { replicas: 2 } }, { type: 'merge', namespace: ns });
    await eventually(async () => {
      for (const c of ['cluster1', 'cluster2'])
        if ((await carried(c, 'Deployment', ns))[0]?.spec?.replicas !== 2) return false;
      return true;
    }, 'replicas 2 in both works');

    // Policy status: Synced once the transport caught up with this generation.
    const status = await eventually(async () => {
      const p = await env.wds.get<BindingPolicy>(BINDING_POLICY, 'upd');
      const synced = p.status?.conditions?.find((c) => c.type === 'Synced');
      return synced?.status === 'True' && p.status?.observedGeneration === p.metadata.generation && p.status;
    }, 'policy Synced');
    expect(status.errors ?? []).toEqual([]);

    const relabel = (v: string) =>
      env.wds.patch(
        DEPLOYMENTS,
        'nginx',
        { metadata: { labels: { [NAME]: v } } },
        { type: 'merge', namespace: ns },
      );
    await relabel('not-me');
    await expectCounts('Deployment', ns, { cluster1: 0, cluster2: 0 }, 'relabelled deployment gone');
    // The Binding keeps its destinations and lists no objects.
    const empty = await eventually(async () => {
      const x = await bindingOf('upd');
      return !x.spec?.workload?.namespaceScope?.length && x;
    }, 'binding without the object');
    expect(empty.spec?.destinations?.map((d) => d.clusterId)).toEqual(['cluster1', 'cluster2']);
    await relabel('upd');
    await expectCounts('Deployment', ns, { cluster1: 1, cluster2: 1 }, 'deployment back');

    await env.wds.delete(DEPLOYMENTS, 'nginx', { namespace: ns });
    await expectCounts('Deployment', ns, { cluster1: 0, cluster2: 0 }, 'deleted deployment gone');
    await env.wds.delete(BINDING_POLICY, 'upd');
  });

  it('E2E-03/A4: createOnly is recorded in the Binding and the work; clauses merge per object', async () => {
    const ns = 'co';
    await env.wds.create(NAMESPACE, { metadata: { name: ns, labels: { [NAME]: 'co' } } });
    await deployment(ns, 'nginx', { [NAME]: 'co' });
    await policy('co', {
      clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
      downsync: [
        { resources: ['namespaces'], objectSelectors: bySel('co') },
        { resources: ['deployments'], objectSelectors: bySel('co'), createOnly: true },
        // Same Deployment again without createOnly: createOnly wins (OR across clauses).
        { resources: ['deployments'], objectNames: ['nginx'], namespaces: [ns] },
      ],
    });
    const b = await eventually(async () => {
      const x = await bindingOf('co');
      return (
        x.spec?.workload?.namespaceScope?.length === 1 && x.spec.workload.clusterScope?.length === 1 && x
      );
    }, 'binding with namespace and deployment');
    expect(b.spec!.workload!.clusterScope![0]).toMatchObject({ resource: 'namespaces', name: ns });
    expect(b.spec!.workload!.clusterScope![0].createOnly ?? false).toBe(false);
    expect(b.spec!.workload!.namespaceScope![0]).toMatchObject({ name: 'nginx', createOnly: true });

    const work = await eventually(async () => {
      return (await env.works('cluster1')).find(
        (w) => manifestOf([w], 'Deployment', 'nginx')?.metadata?.namespace === ns,
      );
    }, 'work of the createOnly deployment');
    expect(work.spec?.manifestConfigs).toEqual([
      {
        resourceIdentifier: { group: 'apps', name: 'nginx', namespace: ns, resource: 'deployments' },
        updateStrategy: { type: 'CreateOnly' },
      },
    ]);
    const nsWork = (await env.works('cluster1')).find((w) => manifestOf([w], 'Namespace', ns));
    expect(nsWork?.spec?.manifestConfigs ?? []).toEqual([]);
    expect(await env.works('cluster2')).toEqual([]);

    // More objects join without disturbing the existing createOnly one.
    await deployment(ns, 'nginy', { [NAME]: 'co' });
    await expectCounts('Deployment', ns, { cluster1: 2 }, 'second deployment');
    expect((await env.works('cluster1')).some((w) => w.metadata.uid === work.metadata.uid)).toBe(true);
    await env.wds.delete(BINDING_POLICY, 'co');
    await expectCounts('Deployment', ns, { cluster1: 0 }, 'createOnly works removed with the policy');
  });

  it('E2E-04/A6: policy selector and cluster label changes add and remove objects and clusters', async () => {
    const ns = 'sel';
    await env.wds.create(NAMESPACE, { metadata: { name: ns } });
    await deployment(ns, 'nginx', { [NAME]: 'sel' });
    await policy('sel', {
      clusterSelectors: [{ matchLabels: { region: 'east' } }],
      downsync: [{ objectSelectors: bySel('sel') }],
    });
    // No cluster has the label yet: the Binding exists with no destinations and no works (A1).
    const b = await eventually(async () => {
      const x = await bindingOf('sel');
      return x.spec?.workload?.namespaceScope?.length === 1 && x;
    }, 'binding without destinations');
    expect(b.spec?.destinations ?? []).toEqual([]);
    expect(await count('cluster1', 'Deployment', ns)).toBe(0);

    const region = (cluster: string, v: string | null) =>
      env.its.patch(MANAGED_CLUSTER, cluster, { metadata: { labels: { region: v } } }, { type: 'merge' });
    await region('cluster2', 'east');
    await expectCounts('Deployment', ns, { cluster1: 0, cluster2: 1 }, 'cluster2 gained');
    await region('cluster1', 'east');
    await expectCounts('Deployment', ns, { cluster1: 1, cluster2: 1 }, 'cluster1 gained');
    expect((await bindingOf('sel')).spec?.destinations?.map((d) => d.clusterId)).toEqual([
      'cluster1',
      'cluster2',
    ]);
    await region('cluster2', null);
    await expectCounts('Deployment', ns, { cluster1: 1, cluster2: 0 }, 'cluster2 lost');

    await patchPolicy('sel', { downsync: [{ objectSelectors: bySel('invalid') }] });
    await expectCounts('Deployment', ns, { cluster1: 0 }, 'object unselected');
    await patchPolicy('sel', { downsync: [{ objectSelectors: bySel('sel') }] });
    await expectCounts('Deployment', ns, { cluster1: 1 }, 'object selected again');
    await region('cluster1', null);
    await expectCounts('Deployment', ns, { cluster1: 0 }, 'cluster1 lost');
    await env.wds.delete(BINDING_POLICY, 'sel');
  });

  it('E2E-06/08: overlapping policies give the union of destinations; removing one keeps the other', async () => {
    const ns = 'ovl';
    await env.wds.create(NAMESPACE, { metadata: { name: ns } });
    await deployment(ns, 'nginx', { [NAME]: 'ovl' });
    await policy('ovl-1', {
      clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
      downsync: [{ objectSelectors: bySel('ovl') }],
    });
    await policy('ovl-2', {
      clusterSelectors: [{ matchLabels: { name: 'cluster2' } }],
      downsync: [{ objectSelectors: bySel('ovl') }],
    });
    await policy('ovl-3', { clusterSelectors: edge, downsync: [{ objectSelectors: bySel('ovl') }] });
    // Every policy writes its own works; per cluster, the object arrives through each carrier.
    await expectCounts('Deployment', ns, { cluster1: 2, cluster2: 2 }, 'union of destinations');

    await env.wds.delete(BINDING_POLICY, 'ovl-3');
    await expectCounts('Deployment', ns, { cluster1: 1, cluster2: 1 }, 'other carriers keep the object');
    await eventually(() => bindingGone('ovl-3'), 'binding of the deleted policy');
    await env.wds.delete(BINDING_POLICY, 'ovl-1');
    await expectCounts('Deployment', ns, { cluster1: 0, cluster2: 1 }, 'cluster2 keeps it');
    const works2 = await env.works('cluster2');
    expect(
      works2.every(
        (w) => w.metadata.labels?.['transport.kubestellar.io/originOwnerReferenceBindingKey'] === 'ovl-2',
      ),
    ).toBe(true);
    await env.wds.delete(BINDING_POLICY, 'ovl-2');
    await expectCounts('Deployment', ns, { cluster1: 0, cluster2: 0 }, 'all policies deleted');
  });

  it('E2E-17/18: Services and Jobs are cleaned of server-assigned fields in works', async () => {
    const ns = 'cln';
    await env.wds.create(NAMESPACE, { metadata: { name: ns } });
    await env.wds.create(
      SERVICES,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'hello-service', namespace: ns, labels: { [NAME]: 'cln' } },
        spec: {
          type: 'NodePort',
          clusterIP: '10.96.0.77',
          clusterIPs: ['10.96.0.77'],
          ports: [{ port: 80, targetPort: 80, protocol: 'TCP', nodePort: 30080 }],
          selector: { [NAME]: 'hello-service' },
        },
      },
      { namespace: ns },
    );
    const uidLabels = { 'controller-uid': 'abc', 'batch.kubernetes.io/controller-uid': 'abc' };
    await env.wds.create(
      JOBS,
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'pi', namespace: ns, labels: { [NAME]: 'cln', ...uidLabels } },
        spec: {
          manualSelector: true,
          selector: { matchLabels: uidLabels },
          template: {
            metadata: { labels: { ...uidLabels, app: 'pi' } },
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e', '1'] }],
            },
          },
        },
      },
      { namespace: ns },
    );
    await policy('cln', {
      clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
      downsync: [{ objectSelectors: bySel('cln') }],
    });
    await expectCounts('Service', ns, { cluster1: 1 }, 'service carried');
    await expectCounts('Job', ns, { cluster1: 1 }, 'job carried');

    const [svc] = await carried('cluster1', 'Service', ns);
    expect(svc.spec.clusterIP).toBeUndefined();
    expect(svc.spec.clusterIPs).toBeUndefined();
    expect(svc.spec.ports[0].nodePort).toBeUndefined();
    expect(svc.spec.ports[0].port).toBe(80);
    expect(svc.spec.type).toBe('NodePort');

    const [job] = await carried('cluster1', 'Job', ns);
    expect(job.spec.selector).toBeUndefined();
    expect(job.metadata?.labels).toEqual({ [NAME]: 'cln' });
    expect(job.spec.template.metadata.labels).toEqual({ app: 'pi' });
    expect(job.spec.template.spec.containers[0].image).toBe('perl');
    await env.wds.delete(BINDING_POLICY, 'cln');
  });

  it('A5: excluded kinds never enter a Binding, even with resources ["*"]', async () => {
    const ns = 'exc';
    await env.wds.create(NAMESPACE, { metadata: { name: ns } });
    await env.wds.create(CONFIGMAPS, { metadata: { name: 'cm', namespace: ns } }, { namespace: ns });
    await env.wds.create(
      EVENTS,
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'ev', namespace: ns },
        involvedObject: { kind: 'ConfigMap', name: 'cm', namespace: ns },
        reason: 'Test',
        message: 'test',
      },
      { namespace: ns },
    );
    await policy('exc', { downsync: [{ resources: ['*'], namespaces: [ns] }] });
    const b = await eventually(async () => {
      const x = await bindingOf('exc');
      return (
        x.spec?.workload?.namespaceScope?.some((e) => e.resource === 'configmaps' && e.name === 'cm') && x
      );
    }, 'binding with the configmap');
    const resources = new Set(b.spec!.workload!.namespaceScope!.map((e) => e.resource));
    expect(resources.has('events')).toBe(false);
    // `namespaces: [ns]` does not select the Namespace object itself (A2).
    expect((b.spec!.workload!.clusterScope ?? []).map((e) => `${e.resource}/${e.name}`)).not.toContain(
      `namespaces/${ns}`,
    );
    await env.wds.delete(BINDING_POLICY, 'exc');
  });

  it('A1: a policy that selects no object and no cluster has no Binding', async () => {
    await policy('none', {
      downsync: [{ objectSelectors: bySel('nothing-has-this') }],
    });
    // The policy is processed (finalizer and status written) without creating a Binding.
    await eventually(async () => {
      const p = await env.wds.get<BindingPolicy>(BINDING_POLICY, 'none');
      return p.status?.observedGeneration === p.metadata.generation && p.metadata.finalizers?.length;
    }, 'policy processed');
    expect(await bindingGone('none')).toBe(true);
    await env.wds.delete(BINDING_POLICY, 'none');
    await eventually(async () => {
      try {
        await env.wds.get(BINDING_POLICY, 'none');
        return false;
      } catch (e) {
        return isNotFound(e);
      }
    }, 'policy deleted');
  });

  it('E2E-11/12/13: AND within a selector, OR across selectors, names AND labels', async () => {
    const ns = 'logic';
    await env.wds.create(NAMESPACE, { metadata: { name: ns } });
    await deployment(ns, 'one', { label1: 'A' });
    await deployment(ns, 'two', { label1: 'B', label2: 'test2' });
    await deployment(ns, 'three', { label1: 'C' });
    await policy('and', {
      clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
      downsync: [{ objectSelectors: [{ matchLabels: { label1: 'B', label2: 'test2' } }] }],
    });
    await policy('or', {
      clusterSelectors: [
        { matchLabels: { name: 'cluster1' } },
        { matchExpressions: [{ key: 'name', operator: 'In', values: ['cluster1', 'cluster2', 'cluster3'] }] },
      ],
      downsync: [{ objectSelectors: [{ matchLabels: { label1: 'A' } }, { matchLabels: { label1: 'C' } }] }],
    });
    await policy('name-and-label', {
      clusterSelectors: [{ matchLabels: { name: 'cluster2' } }],
      // `two` is named but lacks the label; `three` has both.
      downsync: [{ objectNames: ['three', 'two'], objectSelectors: [{ matchLabels: { label1: 'C' } }] }],
    });
    const names = async (b: string) =>
      ((await bindingOf(b)).spec?.workload?.namespaceScope ?? []).map((e) => e.name).sort();
    await eventually(async () => JSON.stringify(await names('and')) === '["two"]', 'AND binding');
    await eventually(async () => JSON.stringify(await names('or')) === '["one","three"]', 'OR binding');
    await eventually(
      async () => JSON.stringify(await names('name-and-label')) === '["three"]',
      'name AND label',
    );
    expect((await bindingOf('or')).spec?.destinations?.map((d) => d.clusterId)).toEqual([
      'cluster1',
      'cluster2',
    ]);
    await expectCounts('Deployment', ns, { cluster1: 3, cluster2: 3 }, 'works of the three policies');
    for (const p of ['and', 'or', 'name-and-label']) await env.wds.delete(BINDING_POLICY, p);
    await expectCounts('Deployment', ns, { cluster1: 0, cluster2: 0 }, 'works removed');
  });

  it('E2E-15: singleton status counts only the WECs of singleton policies and clears with none', async () => {
    const ns = 'single';
    const SINGLETON = 'managed-by.kubestellar.io/singletonstatus';
    await env.wds.create(NAMESPACE, { metadata: { name: ns } });
    await deployment(ns, 'nginx', { [NAME]: 'single' });
    await policy('single-all', { clusterSelectors: edge, downsync: [{ objectSelectors: bySel('single') }] });
    await policy('single-1', {
      clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
      downsync: [{ objectSelectors: bySel('single'), wantSingletonReportedState: true }],
    });
    // Both WECs report (as their status agents would), with different statuses.
    for (const [wec, ready] of [
      ['cluster1', 1],
      ['cluster2', 0],
    ] as const) {
      const ws = await env.its.create<KObject>(
        WORK_STATUS,
        {
          apiVersion: 'control.kubestellar.io/v1alpha1',
          kind: 'WorkStatus',
          metadata: {
            name: `appsv1-deployment-${ns}-nginx`,
            namespace: wec,
            labels: { 'transport.kubestellar.io/originWdsName': 'wds1' },
          },
          spec: {
            sourceRef: {
              group: 'apps',
              version: 'v1',
              resource: 'deployments',
              kind: 'Deployment',
              namespace: ns,
              name: 'nginx',
            },
          },
        },
        { namespace: wec },
      );
      await env.its.patch(
        WORK_STATUS,
        ws.metadata!.name!,
        {
          status: {
            availableReplicas: ready,
            conditions: [{ type: 'Available', status: ready ? 'True' : 'False' }],
          },
        },
        { type: 'merge', namespace: wec, subresource: 'status' },
      );
    }
    await expectCounts('Deployment', ns, { cluster1: 2, cluster2: 1 }, 'works of both policies');
    const get = () => env.wds.get<KObject>(DEPLOYMENTS, 'nginx', { namespace: ns });
    const dep = await eventually(async () => {
      const d = await get();
      return d.status?.availableReplicas === 1 && d;
    }, 'status of the qualified WEC only');
    expect(dep.metadata?.labels?.[SINGLETON]).toBe('true');

    await patchPolicy('single-1', { clusterSelectors: [{ matchLabels: { name: 'CelestialNexus' } }] });
    const cleared = await eventually(async () => {
      const d = await get();
      return !d.metadata?.labels?.[SINGLETON] && d;
    }, 'status cleared');
    expect(cleared.status?.conditions).toBeUndefined();
    expect(cleared.status?.availableReplicas).toBeUndefined();
    for (const p of ['single-all', 'single-1']) await env.wds.delete(BINDING_POLICY, p);
  });
});
