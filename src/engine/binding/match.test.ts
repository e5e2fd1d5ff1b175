import { describe, expect, it } from 'vitest';
import type { BindingPolicy, DownsyncPolicyClause } from '../../api/control.js';
import { clusterMatches, compilePolicy, evaluatePolicy, objectMatches, type ObjInfo } from './match.js';
import { isCandidateResource, isExcludedResource, parseApiGroups } from './universe.js';
import { objectIdText, objectKey, parseObjectKey } from './objectid.js';

const deploy = (over: Partial<ObjInfo> = {}): ObjInfo => ({
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  namespace: 'nginx',
  name: 'nginx',
  labels: { 'app.kubernetes.io/name': 'nginx' },
  namespaceLabels: { 'app.kubernetes.io/name': 'nginx' },
  ...over,
});
const nsObj = (name: string, labels: Record<string, string> = {}): ObjInfo => ({
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  namespace: '',
  name,
  labels,
});
const policy = (spec: BindingPolicy['spec']): BindingPolicy => ({
  apiVersion: 'control.kubestellar.io/v1alpha1',
  kind: 'BindingPolicy',
  metadata: { name: 'p', uid: 'u' },
  spec,
});

describe('clusterMatches', () => {
  it('ORs selectors, selects nothing with no selectors and everything with {}', () => {
    const two = policy({
      clusterSelectors: [{ matchLabels: { name: 'cluster1' } }, { matchLabels: { name: 'cluster2' } }],
    });
    expect(clusterMatches(two, { name: 'cluster1' })).toBe(true);
    expect(clusterMatches(two, { name: 'cluster2' })).toBe(true);
    expect(clusterMatches(two, { name: 'cluster3' })).toBe(false);
    expect(clusterMatches(policy({}), { name: 'cluster1' })).toBe(false);
    expect(clusterMatches(policy({ clusterSelectors: [] }), {})).toBe(false);
    expect(clusterMatches(policy({ clusterSelectors: [{}] }), {})).toBe(true);
    expect(clusterMatches(policy({ clusterSelectors: [{}] }), undefined)).toBe(true);
  });

  it('E2E-12: matchLabels OR an In expression', () => {
    const p = policy({
      clusterSelectors: [
        { matchLabels: { name: 'cluster1' } },
        { matchExpressions: [{ key: 'name', operator: 'In', values: ['cluster1', 'cluster2', 'cluster3'] }] },
      ],
    });
    expect(['cluster1', 'cluster2', 'cluster4'].map((n) => clusterMatches(p, { name: n }))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('an invalid selector matches nothing and is reported', () => {
    const p = policy({
      clusterSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, { matchLabels: { a: 'b' } }],
    });
    expect(clusterMatches(p, { a: 'b' })).toBe(true);
    expect(clusterMatches(p, { a: 'c' })).toBe(false);
    expect(compilePolicy(p).errors).toEqual([expect.stringContaining('spec.clusterSelectors[0]')]);
  });
});

describe('objectMatches', () => {
  const m = (clause: DownsyncPolicyClause, o: ObjInfo) => objectMatches(clause, o);

  it('apiGroup: absent or null = any, "" = core only', () => {
    expect(m({ objectNames: ['nginx'] }, deploy())).toBe(true);
    expect(m({ apiGroup: null, objectNames: ['nginx'] }, deploy())).toBe(true);
    expect(m({ apiGroup: 'apps' }, deploy())).toBe(true);
    expect(m({ apiGroup: '' }, deploy())).toBe(false);
    expect(m({ apiGroup: '' }, nsObj('x'))).toBe(true);
  });

  it('list criteria: empty = no constraint, "*" = any, exact strings otherwise', () => {
    expect(m({ resources: [], objectNames: ['nginx'] }, deploy())).toBe(true);
    expect(m({ resources: ['*'] }, deploy())).toBe(true);
    expect(m({ resources: ['deploy*'] }, deploy())).toBe(false);
    expect(m({ resources: ['deployments', 'services'] }, deploy())).toBe(true);
    expect(m({ objectNames: ['*'] }, deploy())).toBe(true);
    expect(m({ objectNames: ['ngin'] }, deploy())).toBe(false);
  });

  it('A2: namespaces ["*"] selects cluster-scoped objects; ["nginx"] does not select Namespace nginx', () => {
    expect(m({ namespaces: ['*'] }, nsObj('nginx'))).toBe(true);
    expect(m({ namespaces: ['nginx'] }, nsObj('nginx'))).toBe(false);
    expect(m({ namespaces: ['nginx'] }, deploy())).toBe(true);
    expect(m({ namespaces: [''] }, nsObj('nginx'))).toBe(true);
  });

  it('A3: namespaceSelectors [{}] pass cluster-scoped objects, non-empty ones never do', () => {
    expect(m({ namespaceSelectors: [{}] }, nsObj('x'))).toBe(true);
    expect(m({ namespaceSelectors: [{ matchLabels: { a: 'b' } }, {}] }, nsObj('x'))).toBe(true);
    expect(m({ namespaceSelectors: [{ matchLabels: { a: 'b' } }] }, nsObj('x', { a: 'b' }))).toBe(false);
    expect(
      m({ namespaceSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }] }, deploy()),
    ).toBe(true);
    expect(
      m({ namespaceSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'other' } }] }, deploy()),
    ).toBe(false);
  });

  it('an object whose Namespace is unknown fails non-empty namespaceSelectors', () => {
    const sel = { namespaceSelectors: [{ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }] };
    expect(m(sel, deploy({ namespaceLabels: undefined }))).toBe(false);
    expect(m(sel, deploy({ namespaceLabels: {} }))).toBe(true);
  });

  it('E2E-11/E2E-13: criteria are ANDed, selectors within a criterion ORed', () => {
    const both = { objectSelectors: [{ matchLabels: { label1: 'test1', label2: 'test2' } }] };
    expect(m(both, deploy({ labels: { label1: 'test1' } }))).toBe(false);
    expect(m(both, deploy({ labels: { label1: 'test1', label2: 'test2' } }))).toBe(true);
    const nameAndLabel = { objectNames: ['three'], objectSelectors: [{ matchLabels: { label1: 'C' } }] };
    expect(m(nameAndLabel, deploy({ name: 'three', labels: { label1: 'C' } }))).toBe(true);
    expect(m(nameAndLabel, deploy({ name: 'two', labels: { label1: 'C' } }))).toBe(false);
    expect(m(nameAndLabel, deploy({ name: 'three', labels: { label1: 'B' } }))).toBe(false);
    const either = { objectSelectors: [{ matchLabels: { label1: 'A' } }, { matchLabels: { label1: 'B' } }] };
    expect(['A', 'B', 'C'].map((v) => m(either, deploy({ labels: { label1: v } })))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('an invalid object selector never matches, a valid sibling still can', () => {
    const c = {
      objectSelectors: [{ matchExpressions: [{ key: 'x', operator: 'Bogus' }] }, { matchLabels: { a: 'b' } }],
    };
    expect(m(c, deploy({ labels: { x: '1' } }))).toBe(false);
    expect(m(c, deploy({ labels: { a: 'b' } }))).toBe(true);
  });

  it('A5: excluded resources never match, even with resources ["*"]', () => {
    const all = { resources: ['*'] };
    const kinds: Array<[string, string]> = [
      ['', 'events'],
      ['events.k8s.io', 'events'],
      ['', 'endpoints'],
      ['discovery.k8s.io', 'endpointslices'],
      ['coordination.k8s.io', 'leases'],
      ['', 'nodes'],
      ['control.kubestellar.io', 'bindingpolicies'],
      ['control.kubestellar.io', 'workstatuses'],
      ['storage.k8s.io', 'csinodes'],
    ];
    for (const [group, resource] of kinds) {
      expect(m(all, deploy({ group, resource }))).toBe(false);
      expect(isExcludedResource(group, resource)).toBe(true);
    }
    expect(m(all, deploy({ group: '', resource: 'pods' }))).toBe(true);
    expect(
      m(all, deploy({ group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', namespace: '' })),
    ).toBe(true);
  });
});

describe('evaluatePolicy (modulation merging, §2.3)', () => {
  it('A4: ORs flags and unions collectors over every matching clause', () => {
    const p = policy({
      downsync: [
        { resources: ['deployments'], createOnly: false, statusCollectors: ['b', 'a'] },
        {
          objectNames: ['nginx'],
          createOnly: true,
          statusCollectors: ['c', 'a'],
          wantSingletonReportedState: true,
        },
        { objectNames: ['other'], wantMultiWECReportedState: true, statusCollectors: ['z'] },
      ],
    });
    expect(evaluatePolicy(p, deploy())).toEqual({
      createOnly: true,
      statusCollectors: ['a', 'b', 'c'],
      wantSingletonReportedState: true,
      wantMultiWECReportedState: false,
    });
    expect(evaluatePolicy(p, deploy({ name: 'x', resource: 'services', group: '' }))).toBeUndefined();
  });

  it('E2E-03: a Namespace clause and a createOnly Deployment clause', () => {
    const sel = [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }];
    const p = policy({
      downsync: [
        { resources: ['namespaces'], objectSelectors: sel },
        { resources: ['deployments'], objectSelectors: sel, createOnly: true },
      ],
    });
    expect(evaluatePolicy(p, nsObj('nginx', { 'app.kubernetes.io/name': 'nginx' }))?.createOnly).toBe(false);
    expect(evaluatePolicy(p, deploy())?.createOnly).toBe(true);
  });
});

describe('universe and ids', () => {
  it('UNIT-06: --api-groups', () => {
    expect([...parseApiGroups('apps,networking.k8s.io,policy')!].sort()).toEqual([
      'apiextensions.k8s.io',
      'apps',
      'control.kubestellar.io',
      'networking.k8s.io',
      'policy',
    ]);
    expect(parseApiGroups('apps,,policy')!.has('')).toBe(true);
    expect(parseApiGroups('')).toBeUndefined();
    expect(isCandidateResource({ group: 'apps', resource: 'deployments', verbs: ['list', 'watch'] })).toBe(
      true,
    );
    expect(
      isCandidateResource({ group: 'apps', resource: 'deployments/status', verbs: ['list', 'watch'] }),
    ).toBe(false);
    expect(isCandidateResource({ group: 'apps', resource: 'deployments', verbs: ['list'] })).toBe(false);
    expect(
      isCandidateResource({ group: '', resource: 'pods', verbs: ['list', 'watch'] }, parseApiGroups('apps')),
    ).toBe(false);
  });

  it('UNIT-07: object identifier text, and keys round-trip', () => {
    expect(
      objectIdText({
        group: 'apps',
        version: 'v1',
        resource: 'deployments',
        namespace: 'default',
        name: 'nginx',
      }),
    ).toBe('apps/v1/deployments(default/nginx)');
    expect(
      objectIdText({
        group: 'rbac.authorization.k8s.io',
        version: 'v1',
        resource: 'clusterroles',
        namespace: '',
        name: 'admin',
      }),
    ).toBe('rbac.authorization.k8s.io/v1/clusterroles(admin)');
    expect(
      objectIdText({
        group: '',
        version: 'v1',
        resource: 'pods',
        namespace: 'kube-system',
        name: 'coredns-abc123',
      }),
    ).toBe('v1/pods(kube-system/coredns-abc123)');
    const ref = { group: '', resource: 'clusterroles', namespace: '', name: 'system:a' };
    expect(parseObjectKey(objectKey(ref))).toEqual(ref);
  });
});
