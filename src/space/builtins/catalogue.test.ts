import { describe, expect, it } from 'vitest';
import type { ResourceDef } from '../types.js';
import { builtinResources, builtinSeedObjects, GROUP_ORDER } from './index.js';
import { CREATED_AT_PRINTER } from './printers/index.js';

const defs = builtinResources();
const find = (group: string, resource: string): ResourceDef => {
  const d = defs.find((x) => x.group === group && x.resource === resource);
  if (!d) throw new Error(`no ${group}/${resource}`);
  return d;
};

describe('builtinResources table', () => {
  it('has unique plurals, kinds and short names per group version', () => {
    const seen = new Set<string>();
    const kinds = new Set<string>();
    for (const d of defs) {
      const key = `${d.group}/${d.version}/${d.resource}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
      const kind = `${d.group}/${d.version}/${d.kind}`;
      expect(kinds.has(kind), kind).toBe(false);
      kinds.add(kind);
    }
    const shortNames = defs.flatMap((d) => d.shortNames ?? []);
    // `ev` is shared by core and events.k8s.io events, exactly as upstream.
    expect(shortNames.filter((s) => s !== 'ev').length).toBe(
      new Set(shortNames.filter((s) => s !== 'ev')).size,
    );
  });

  it('lists groups in upstream discovery order with resources sorted inside each', () => {
    const groups = [...new Set(defs.map((d) => d.group))];
    expect(groups).toEqual(GROUP_ORDER.filter((g) => groups.includes(g)));
    expect(groups[0]).toBe('');
    for (const g of groups) {
      const rs = defs.filter((d) => d.group === g).map((d) => d.resource);
      expect(rs).toEqual([...rs].sort());
    }
  });

  it('serves every "Must" resource of the spec with upstream names', () => {
    const expectRow = (group: string, resource: string, row: Partial<ResourceDef>) =>
      expect(find(group, resource)).toMatchObject(row);
    expectRow('', 'namespaces', {
      kind: 'Namespace',
      singular: 'namespace',
      listKind: 'NamespaceList',
      namespaced: false,
      shortNames: ['ns'],
    });
    expectRow('', 'endpoints', { kind: 'Endpoints', singular: 'endpoints', shortNames: ['ep'] });
    expectRow('', 'resourcequotas', { shortNames: ['quota'] });
    expectRow('', 'limitranges', { shortNames: ['limits'] });
    expectRow('', 'persistentvolumes', { shortNames: ['pv'], namespaced: false });
    expectRow('apps', 'statefulsets', { shortNames: ['sts'] });
    expectRow('batch', 'cronjobs', { shortNames: ['cj'] });
    expectRow('apiextensions.k8s.io', 'customresourcedefinitions', {
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
    });
    expectRow('networking.k8s.io', 'networkpolicies', { shortNames: ['netpol'] });
    expectRow('scheduling.k8s.io', 'priorityclasses', { shortNames: ['pc'], namespaced: false });
    expectRow('autoscaling', 'horizontalpodautoscalers', { version: 'v2', shortNames: ['hpa'] });
    expectRow('certificates.k8s.io', 'certificatesigningrequests', { shortNames: ['csr'] });
    expectRow('authorization.k8s.io', 'localsubjectaccessreviews', {
      namespaced: true,
      review: 'access',
      verbs: ['create'],
    });
    expectRow('authentication.k8s.io', 'selfsubjectreviews', { review: 'selfsubject', verbs: ['create'] });
    expectRow('authentication.k8s.io', 'tokenreviews', { review: 'token' });
    expectRow('apiregistration.k8s.io', 'apiservices', { computed: true, verbs: ['get', 'list', 'watch'] });
    for (const r of [
      'events',
      'leases',
      'endpointslices',
      'ingressclasses',
      'storageclasses',
      'mutatingwebhookconfigurations',
      'validatingwebhookconfigurations',
    ])
      expect(
        defs.some((d) => d.resource === r),
        r,
      ).toBe(true);
  });

  it("puts exactly upstream's kinds in the `all` category", () => {
    const all = defs
      .filter((d) => d.categories?.includes('all'))
      .map((d) => d.resource)
      .sort();
    expect(all).toEqual([
      'cronjobs',
      'daemonsets',
      'deployments',
      'horizontalpodautoscalers',
      'jobs',
      'pods',
      'replicasets',
      'replicationcontrollers',
      'services',
      'statefulsets',
    ]);
  });

  it('gives namespaces no deletecollection and everything else the standard verbs', () => {
    expect(find('', 'namespaces').verbs).not.toContain('deletecollection');
    expect(find('apps', 'deployments').verbs).toEqual([
      'create',
      'delete',
      'deletecollection',
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
  });

  it('declares status and scale subresources like upstream', () => {
    for (const [g, r] of [
      ['apps', 'deployments'],
      ['apps', 'statefulsets'],
      ['apps', 'replicasets'],
      ['', 'replicationcontrollers'],
    ]) {
      expect(find(g, r).subresources).toEqual({
        status: true,
        scale: {
          specReplicasPath: '.spec.replicas',
          statusReplicasPath: '.status.replicas',
          labelSelectorPath: '.spec.selector',
        },
      });
    }
    expect(find('apps', 'daemonsets').subresources).toEqual({ status: true });
    for (const [g, r] of [
      ['', 'configmaps'],
      ['', 'secrets'],
      ['networking.k8s.io', 'networkpolicies'],
      ['rbac.authorization.k8s.io', 'roles'],
      ['coordination.k8s.io', 'leases'],
    ])
      expect(find(g, r).subresources, `${g}/${r}`).toBeUndefined();
  });

  it('tracks generation only for spec-carrying kinds (§4.6)', () => {
    for (const r of [
      'deployments',
      'jobs',
      'cronjobs',
      'pods',
      'ingresses',
      'customresourcedefinitions',
      'poddisruptionbudgets',
    ])
      expect(defs.find((d) => d.resource === r)!.generation, r).toBe(true);
    for (const r of [
      'configmaps',
      'secrets',
      'namespaces',
      'services',
      'serviceaccounts',
      'leases',
      'roles',
      'storageclasses',
      'priorityclasses',
    ])
      expect(defs.find((d) => d.resource === r)!.generation, r).toBe(false);
  });

  it('gives every kind a schema with the envelope and a printer', () => {
    for (const d of defs) {
      expect(d.schema?.properties?.apiVersion, d.kind).toBeDefined();
      expect(d.schema?.properties?.kind, d.kind).toBeDefined();
      expect(d.schema?.properties?.metadata, d.kind).toBeDefined();
      expect(d.printer, d.kind).toBeDefined();
      expect(d.printer!.columns[0].name === 'Name' || d.kind === 'Event', d.kind).toBe(true);
    }
    expect(find('rbac.authorization.k8s.io', 'roles').printer).toBe(CREATED_AT_PRINTER);
    expect(find('apiextensions.k8s.io', 'customresourcedefinitions').printer).toBe(CREATED_AT_PRINTER);
    expect(find('apps', 'deployments').printer).not.toBe(CREATED_AT_PRINTER);
  });

  it('declares the field selectors of §8.5', () => {
    expect(Object.keys(find('', 'pods').fieldSelectors!)).toEqual(
      expect.arrayContaining([
        'spec.nodeName',
        'spec.restartPolicy',
        'status.phase',
        'status.podIP',
        'spec.hostNetwork',
      ]),
    );
    const ev = find('', 'events').fieldSelectors!;
    const event = {
      involvedObject: { kind: 'Deployment', name: 'web', uid: 'u1' },
      reportingComponent: 'ctl',
      type: 'Warning',
    };
    expect(ev['involvedObject.kind'](event)).toBe('Deployment');
    expect(ev['involvedObject.namespace'](event)).toBe('');
    expect(ev.source(event)).toBe('ctl');
    expect(find('', 'secrets').fieldSelectors!.type({ type: 'Opaque' })).toBe('Opaque');
    expect(find('batch', 'jobs').fieldSelectors!['status.successful']({ status: { succeeded: 2 } })).toBe(
      '2',
    );
    expect(find('', 'pods').fieldSelectors!['spec.hostNetwork']({ spec: {} })).toBe('false');
    expect(find('apps', 'deployments').fieldSelectors).toBeUndefined();
  });

  it('returns fresh rows on each call', () => {
    const a = builtinResources();
    a[0].verbs.push('x');
    expect(builtinResources()[0].verbs).not.toContain('x');
  });
});

describe('builtinSeedObjects', () => {
  it('seeds the default cluster roles and system priority classes', () => {
    const seeds = builtinSeedObjects();
    const names = seeds.map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(names).toEqual([
      'ClusterRole/cluster-admin',
      'ClusterRole/admin',
      'ClusterRole/edit',
      'ClusterRole/view',
      'PriorityClass/system-cluster-critical',
      'PriorityClass/system-node-critical',
    ]);
    const pcs = Object.fromEntries(
      seeds.filter((o) => o.kind === 'PriorityClass').map((o) => [o.metadata!.name, o.value]),
    );
    expect(pcs).toEqual({ 'system-cluster-critical': 2000000000, 'system-node-critical': 2000001000 });
    const admin = seeds.find((o) => o.metadata?.name === 'cluster-admin')!;
    expect(admin.rules).toContainEqual({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] });
    const view = seeds.find((o) => o.metadata?.name === 'view')!;
    const viewResources = view.rules.flatMap((r: any) => r.resources);
    expect(viewResources).toContain('deployments');
    expect(viewResources).not.toContain('secrets');
    const edit = seeds.find((o) => o.metadata?.name === 'edit')!;
    expect(edit.rules.some((r: any) => r.resources.includes('secrets') && r.verbs.includes('create'))).toBe(
      true,
    );
  });

  it('seeds objects every kind of which the table serves', () => {
    const defs = builtinResources();
    for (const o of builtinSeedObjects()) {
      const [g, v] = o.apiVersion!.includes('/') ? o.apiVersion!.split('/') : ['', o.apiVersion!];
      expect(defs.some((d) => d.group === g && d.version === v && d.kind === o.kind)).toBe(true);
    }
  });
});
