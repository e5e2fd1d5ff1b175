import { describe, expect, it } from 'vitest';
import type { ManagedCluster } from '../../api/ocm.js';
import { buildClusterClaimObject, claimsFromObjects, clusterClaimsStatus, defaultClaims } from './claims.js';
import {
  buildClusterLease,
  leaseDurationOf,
  leaseRenewTime,
  leaseTimeLeftMs,
  nextRenewDelayMs,
  renewLeasePatch,
} from './lease.js';
import {
  buildManagedCluster,
  clusterReady,
  hubClusterNamespace,
  managedClusterStatus,
  mergeClientConfigs,
  validateManagedClusterInput,
} from './managedcluster.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');

describe('buildManagedCluster', () => {
  it('carries user labels, the default cluster set, agent annotations and lease duration', () => {
    const mc = buildManagedCluster({
      name: 'cluster1',
      labels: { 'location-group': 'edge', name: 'cluster1' },
      annotations: { 'agent.open-cluster-management.io/x': '1', other: 'dropped' },
      clientConfigs: [{ url: 'https://cluster1-control-plane:6443', caBundle: 'Q0E=' }],
    });
    expect(mc).toEqual({
      apiVersion: 'cluster.open-cluster-management.io/v1',
      kind: 'ManagedCluster',
      metadata: {
        name: 'cluster1',
        labels: {
          'location-group': 'edge',
          name: 'cluster1',
          'cluster.open-cluster-management.io/clusterset': 'default',
        },
        annotations: { 'agent.open-cluster-management.io/x': '1' },
      },
      spec: {
        hubAcceptsClient: false,
        leaseDurationSeconds: 60,
        managedClusterClientConfigs: [{ url: 'https://cluster1-control-plane:6443', caBundle: 'Q0E=' }],
      },
    });
    const accepted = buildManagedCluster({
      name: 'c2',
      hubAcceptsClient: true,
      leaseDurationSeconds: 10,
      clusterSet: null,
    });
    expect(accepted.spec).toEqual({ hubAcceptsClient: true, leaseDurationSeconds: 10 });
    expect(accepted.metadata.labels).toEqual({});
  });

  it('validates names and URLs like the hub webhook', () => {
    expect(
      validateManagedClusterInput({ name: 'cluster1', clientConfigs: [{ url: 'https://a:6443' }] }),
    ).toEqual([]);
    expect(validateManagedClusterInput({ name: 'Bad_Name' })).toHaveLength(1);
    expect(
      validateManagedClusterInput({ name: 'ok', clientConfigs: [{ url: 'http://a' }, { url: 'nope' }] }),
    ).toHaveLength(2);
  });

  it('merges client configs by URL', () => {
    expect(
      mergeClientConfigs([{ url: 'https://a' }], [{ url: 'https://a', caBundle: 'X' }, { url: 'https://b' }]),
    ).toEqual([{ url: 'https://a', caBundle: 'X' }, { url: 'https://b' }]);
  });
});

describe('managedClusterStatus', () => {
  const mc = (accepted: boolean, status?: ManagedCluster['status']): ManagedCluster => ({
    ...buildManagedCluster({ name: 'cluster1', hubAcceptsClient: accepted, leaseDurationSeconds: 60 }),
    status,
  });

  it('reports nothing for an unaccepted cluster', () => {
    const r = managedClusterStatus(mc(false), { now: T0 });
    expect(r.status.conditions).toEqual([]);
  });

  it('is accepted, joined and available with a fresh lease, and asks to recheck at lease expiry', () => {
    const r = managedClusterStatus(mc(true), {
      now: T0,
      leaseRenewTime: T0 - 10_000,
      kubeVersion: 'v1.31.0',
    });
    expect(
      r.status.conditions!.map((c) => [c.type, c.status, c.reason, c.message, c.lastTransitionTime]),
    ).toEqual([
      [
        'HubAcceptedManagedCluster',
        'True',
        'HubClusterAdminAccepted',
        'Accepted by hub cluster admin',
        '2024-05-01T10:00:00Z',
      ],
      [
        'ManagedClusterJoined',
        'True',
        'ManagedClusterJoined',
        'Managed cluster joined',
        '2024-05-01T10:00:00Z',
      ],
      [
        'ManagedClusterConditionAvailable',
        'True',
        'ManagedClusterAvailable',
        'Managed cluster is available',
        '2024-05-01T10:00:00Z',
      ],
    ]);
    expect(r.status.version).toEqual({ kubernetes: 'v1.31.0' });
    expect(r.requeueAfterMs).toBe(290_000);
    expect(r.changed).toBe(true);
    expect(clusterReady({ ...mc(true), status: r.status })).toBe(true);
    const again = managedClusterStatus(
      { ...mc(true), status: r.status },
      { now: T0 + 30_000, leaseRenewTime: T0 + 20_000, kubeVersion: 'v1.31.0' },
    );
    expect(again.changed).toBe(false);
  });

  it('goes Unknown after 5 lease durations without renewal, and False when the API server is down', () => {
    const stale = managedClusterStatus(mc(true), { now: T0, leaseRenewTime: '2024-05-01T09:54:59.000000Z' });
    expect(stale.status.conditions![2]).toMatchObject({
      status: 'Unknown',
      reason: 'ManagedClusterLeaseUpdateStopped',
      message: 'Registration agent stopped updating its lease.',
    });
    const down = managedClusterStatus(mc(true), {
      now: T0,
      apiServerHealthy: false,
      apiServerMessage: 'status code 503',
    });
    expect(down.status.conditions![2]).toMatchObject({
      status: 'False',
      reason: 'ManagedClusterKubeAPIServerUnavailable',
      message: 'The kube-apiserver is not ok: status code 503',
    });
  });

  it('reports denial after acceptance is revoked and keeps foreign conditions', () => {
    const first = managedClusterStatus(mc(true), { now: T0 }).status;
    first.conditions!.push({
      type: 'ManagedClusterConditionClockSynced',
      status: 'True',
      reason: 'ManagedClusterClockSynced',
      message: '',
      lastTransitionTime: '2024-05-01T09:00:00Z',
    });
    const denied = managedClusterStatus(mc(false, first), { now: T0 + 1000 }).status;
    expect(denied.conditions!.map((c) => [c.type, c.status])).toEqual([
      ['HubAcceptedManagedCluster', 'False'],
      ['ManagedClusterJoined', 'True'],
      ['ManagedClusterConditionAvailable', 'True'],
      ['ManagedClusterConditionClockSynced', 'True'],
    ]);
    expect(denied.conditions![0]).toMatchObject({
      reason: 'HubClusterAdminDenied',
      lastTransitionTime: '2024-05-01T10:00:01Z',
    });
  });

  it('publishes claims and resources', () => {
    const r = managedClusterStatus(mc(true), {
      now: T0,
      claims: [
        ...defaultClaims({ clusterId: 'cluster1', kubeVersion: 'v1.31.0' }),
        { name: 'a.custom', value: 'x' },
      ],
      capacity: { cpu: '4' },
      allocatable: { cpu: '4' },
    });
    expect(r.status.clusterClaims).toEqual([
      { name: 'id.k8s.io', value: 'cluster1' },
      { name: 'kubeversion.open-cluster-management.io', value: 'v1.31.0' },
      { name: 'a.custom', value: 'x' },
    ]);
    expect(r.status.capacity).toEqual({ cpu: '4' });
  });
});

describe('claims', () => {
  it('puts reserved claims first and caps custom ones', () => {
    const claims = [
      { name: 'z.custom', value: '1' },
      { name: 'platform.open-cluster-management.io', value: 'Kind' },
      { name: 'b.my.suffix', value: '2' },
    ];
    for (let i = 0; i < 25; i++) claims.push({ name: `c${String(i).padStart(2, '0')}`, value: 'v' });
    const out = clusterClaimsStatus(claims, { reservedSuffixes: ['.my.suffix'] });
    expect(out.slice(0, 2).map((c) => c.name)).toEqual([
      'b.my.suffix',
      'platform.open-cluster-management.io',
    ]);
    expect(out).toHaveLength(22);
    expect(out[2].name).toBe('c00');
    expect(out.some((c) => c.name === 'z.custom')).toBe(false);
  });

  it('reads ClusterClaim objects, skipping spoke-only ones', () => {
    const objs = [
      buildClusterClaimObject({ name: 'id.k8s.io', value: 'c1' }),
      {
        ...buildClusterClaimObject({ name: 'secret', value: 's' }),
        metadata: { name: 'secret', labels: { 'open-cluster-management.io/spoke-only': '' } },
      },
    ];
    expect(objs[0]).toEqual({
      apiVersion: 'cluster.open-cluster-management.io/v1alpha1',
      kind: 'ClusterClaim',
      metadata: { name: 'id.k8s.io' },
      spec: { value: 'c1' },
    });
    expect(claimsFromObjects(objs)).toEqual([{ name: 'id.k8s.io', value: 'c1' }]);
  });
});

describe('lease', () => {
  it('is managed-cluster-lease in the cluster namespace, labelled with the cluster name', () => {
    const lease = buildClusterLease('cluster1', T0 + 123);
    expect(lease).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: 'managed-cluster-lease',
        namespace: 'cluster1',
        labels: { 'open-cluster-management.io/cluster-name': 'cluster1' },
      },
      spec: { holderIdentity: 'managed-cluster-lease', renewTime: '2024-05-01T10:00:00.123000Z' },
    });
    expect(leaseRenewTime(lease)).toBe(T0 + 123);
    expect(renewLeasePatch(T0)).toEqual({ spec: { renewTime: '2024-05-01T10:00:00.000000Z' } });
  });

  it('times renewals and expiry from the lease duration', () => {
    expect(leaseDurationOf({ spec: { leaseDurationSeconds: 0 } })).toBe(60);
    expect(leaseDurationOf({ spec: { leaseDurationSeconds: 20 } })).toBe(20);
    expect(nextRenewDelayMs(60)).toBe(60_000);
    expect(nextRenewDelayMs(60, 0.999)).toBeLessThanOrEqual(75_000);
    expect(leaseTimeLeftMs(T0, T0 + 100_000, 60)).toBe(200_000);
    expect(hubClusterNamespace('c1').metadata!.labels).toEqual({
      'open-cluster-management.io/cluster-name': 'c1',
    });
  });
});
