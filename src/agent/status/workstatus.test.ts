import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/meta.js';
import type { ManifestWork } from '../../api/ocm.js';
import {
  appliedWorkOwnerUid,
  buildWorkStatus,
  shouldReport,
  workIsReported,
  workStatusName,
  workStatusUpdate,
} from './workstatus.js';

const work: Pick<ManifestWork, 'metadata'> = {
  metadata: {
    name: 'b-uid-wds1-o-uid',
    namespace: 'cluster1',
    uid: 'mw-uid',
    labels: {
      'transport.kubestellar.io/originOwnerReferenceBindingKey': 'nginx',
      'transport.kubestellar.io/originWdsName': 'wds1',
    },
  },
};
const amwOwner = {
  apiVersion: 'work.open-cluster-management.io/v1',
  kind: 'AppliedManifestWork',
  name: 'h-w',
  uid: 'amw-uid',
};
const deploy: KObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'nginx',
    namespace: 'nginx',
    labels: { 'managed-by.kubestellar.io/singletonstatus': 'true' },
    ownerReferences: [amwOwner],
  },
  spec: { replicas: 1 },
  status: { replicas: 1, readyReplicas: 1 },
};
const resource = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' };

describe('naming and selection', () => {
  it('derives names as upstream does', () => {
    expect(workStatusName('amw-uid', 'apps/v1', 'Deployment', 'nginx', 'nginx')).toBe(
      'amw-uid-appsv1-deployment-nginx-nginx',
    );
    expect(workStatusName('amw-uid', 'v1', 'Namespace', '', 'nginx')).toBe('amw-uid-v1-namespace--nginx');
  });

  it('cuts long names to 253 characters without a trailing dash', () => {
    const n = workStatusName('u', 'v1', 'ConfigMap', 'ns', `${'a'.repeat(229)}-${'b'.repeat(40)}`);
    expect(n.length).toBeLessThanOrEqual(253);
    expect(n).toMatch(/[a-z0-9]$/);
    expect(n.startsWith('u-v1-configmap-ns-aaa')).toBe(true);
  });

  it('recognises OCM-delivered objects by their AppliedManifestWork owner', () => {
    expect(appliedWorkOwnerUid(deploy)).toBe('amw-uid');
    expect(
      appliedWorkOwnerUid({
        metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'rs' }] },
      }),
    ).toBeUndefined();
  });

  it('reports only KubeStellar works and watched kinds', () => {
    expect(workIsReported(work)).toBe(true);
    expect(workIsReported({ metadata: { labels: { 'managed-by.kubestellar.io/something': 'x' } } })).toBe(
      true,
    );
    expect(workIsReported({ metadata: { labels: { app: 'addon' } } })).toBe(false);
    expect(shouldReport(work, 'apps', 'Deployment')).toBe(true);
    expect(shouldReport(work, '', 'ConfigMap')).toBe(false);
    expect(shouldReport(work, 'rbac.authorization.k8s.io', 'Role')).toBe(false);
    expect(shouldReport(work, '', 'ConfigMap', { reportUnwatchedKinds: true })).toBe(true);
  });
});

describe('buildWorkStatus', () => {
  it('builds the object the status add-on creates', () => {
    expect(buildWorkStatus({ obj: deploy, resource, work, appliedWorkUid: 'amw-uid' })).toEqual({
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'WorkStatus',
      metadata: {
        name: 'amw-uid-appsv1-deployment-nginx-nginx',
        namespace: 'cluster1',
        labels: {
          'transport.kubestellar.io/originOwnerReferenceBindingKey': 'nginx',
          'transport.kubestellar.io/originWdsName': 'wds1',
          'managed-by.kubestellar.io/singletonstatus': 'true',
        },
        ownerReferences: [
          {
            apiVersion: 'work.open-cluster-management.io/v1',
            kind: 'ManifestWork',
            name: 'b-uid-wds1-o-uid',
            uid: 'mw-uid',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        sourceRef: {
          group: 'apps',
          version: 'v1',
          resource: 'deployments',
          kind: 'Deployment',
          name: 'nginx',
          namespace: 'nginx',
        },
      },
      status: { replicas: 1, readyReplicas: 1 },
      statusDetails: {
        lastGeneration: 0,
        lastGenerationIsApplied: false,
        lastCurrencyUpdateTime: '1970-01-01T00:00:00Z',
      },
    });
  });

  it('has no status for objects without one, and empty group/namespace for core cluster-scoped objects', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nginx' } };
    const ws = buildWorkStatus({
      obj: ns,
      resource: { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace' },
      work,
      appliedWorkUid: 'u',
    });
    expect(ws.status).toBeUndefined();
    expect(ws.spec!.sourceRef).toEqual({
      group: '',
      version: 'v1',
      resource: 'namespaces',
      kind: 'Namespace',
      name: 'nginx',
      namespace: '',
    });
    expect(ws.metadata.name).toBe('u-v1-namespace--nginx');
  });
});

describe('workStatusUpdate', () => {
  const desired = buildWorkStatus({ obj: deploy, resource, work, appliedWorkUid: 'amw-uid' });

  it('finds nothing to do for an up-to-date WorkStatus, even with other labels changed', () => {
    const existing = structuredClone(desired);
    existing.metadata.labels!.extra = 'kept';
    existing.metadata.resourceVersion = '12';
    expect(workStatusUpdate(existing, desired)).toBeUndefined();
  });

  it('writes a changed status and syncs the singleton label both ways', () => {
    const existing = structuredClone(desired);
    existing.status = { replicas: 1 };
    delete existing.metadata.labels!['managed-by.kubestellar.io/singletonstatus'];
    expect(workStatusUpdate(existing, desired)).toEqual({
      labels: { 'managed-by.kubestellar.io/singletonstatus': 'true' },
      status: { replicas: 1, readyReplicas: 1 },
    });
    const unlabeled = buildWorkStatus({
      obj: { ...deploy, metadata: { ...deploy.metadata, labels: {} } },
      resource,
      work,
      appliedWorkUid: 'amw-uid',
    });
    expect(workStatusUpdate(desired, unlabeled)).toEqual({
      labels: { 'managed-by.kubestellar.io/singletonstatus': null },
    });
  });

  it('does not clear a reported status when the object has none', () => {
    const noStatus = buildWorkStatus({
      obj: { ...deploy, status: undefined },
      resource,
      work,
      appliedWorkUid: 'amw-uid',
    });
    expect(workStatusUpdate(desired, noStatus)).toBeUndefined();
  });
});
