/** Shared test fixtures of the work agent's pure modules (imported only by tests). */
import type { KObject } from '../../api/meta.js';
import type { ManifestWork, ManifestWorkSpec } from '../../api/ocm.js';
import type { ResourceResolver } from './identity.js';

const KINDS: Record<string, { resource: string; namespaced: boolean }> = {
  'v1/Namespace': { resource: 'namespaces', namespaced: false },
  'v1/ConfigMap': { resource: 'configmaps', namespaced: true },
  'v1/Pod': { resource: 'pods', namespaced: true },
  'v1/Service': { resource: 'services', namespaced: true },
  'apps/v1/Deployment': { resource: 'deployments', namespaced: true },
  'apps/v1/DaemonSet': { resource: 'daemonsets', namespaced: true },
  'batch/v1/Job': { resource: 'jobs', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': { resource: 'clusterroles', namespaced: false },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': {
    resource: 'customresourcedefinitions',
    namespaced: false,
  },
};

/** A WEC that serves the usual built-in kinds and nothing else. */
export const resolve: ResourceResolver = (apiVersion, kind) => KINDS[`${apiVersion}/${kind}`];

export const deployment = (name: string, namespace = 'demo', replicas = 2): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

export const configMap = (
  name: string,
  namespace = 'demo',
  data: Record<string, string> = { k: 'v' },
): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

export const namespace = (name: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});

/** A ManifestWork; `applied` gives it an Applied condition, as after the agent's first pass. */
export function work(spec: ManifestWorkSpec, generation = 1, name = 'w1', applied = true): ManifestWork {
  const w: ManifestWork = {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: {
      name,
      namespace: 'cluster1',
      generation,
      uid: 'work-uid',
      labels: { 'transport.kubestellar.io/originWdsName': 'wds1' },
    },
    spec,
  };
  if (applied)
    w.status = {
      conditions: [
        {
          type: 'Applied',
          status: 'True',
          reason: 'AppliedManifestWorkComplete',
          message: '',
          lastTransitionTime: '2024-01-01T00:00:00Z',
          observedGeneration: generation,
        },
      ],
    };
  return w;
}

/** `obj` as the WEC would hold it: with uid, resourceVersion and the given extras. */
export function liveOf(
  obj: KObject,
  extra: { uid?: string; status?: unknown; owners?: unknown[] } = {},
): KObject {
  const out = structuredClone(obj);
  out.metadata = { ...out.metadata, uid: extra.uid ?? `uid-${obj.metadata?.name}`, resourceVersion: '7' };
  if (extra.owners) out.metadata.ownerReferences = extra.owners as never;
  if (extra.status !== undefined) out.status = extra.status;
  return out;
}
