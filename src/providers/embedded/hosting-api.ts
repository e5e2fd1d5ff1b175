/**
 * The desired-state API of the embedded provider, served by the daemon's hosting space:
 * KubeFlex-shaped ControlPlanes (one per ITS or WDS) and EmbeddedClusters (one per WEC). The CLI
 * writes them; the daemon's supervisor makes them run and reports back in their status, with a
 * kubeconfig Secret per instance in namespace `kstellar-system`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { crdsDir } from '../../api/crds.js';
import type { KObject } from '../../api/meta.js';
import type { ResourceId } from '../../kube/dynamic.js';

export const HOSTING_NAMESPACE = 'kstellar-system';
/** KubeFlex's label naming what a control plane is for (KubeStellar's binaries read it). */
export const CP_TYPE_LABEL = 'kflex.kubestellar.io/cptype';

export const CONTROL_PLANE: ResourceId = {
  group: 'tenancy.kflex.kubestellar.org',
  version: 'v1alpha1',
  resource: 'controlplanes',
  namespaced: false,
};
export const EMBEDDED_CLUSTER: ResourceId = {
  group: 'kstellar.io',
  version: 'v1alpha1',
  resource: 'embeddedclusters',
  namespaced: false,
};
export const SECRET: ResourceId = { group: '', version: 'v1', resource: 'secrets', namespaced: true };

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface InstanceStatus {
  url?: string;
  port?: number;
  observedGeneration?: number;
  secretRef?: { name: string; namespace: string; key: string };
  conditions?: Condition[];
}

export interface ControlPlane extends KObject {
  spec: { type: 'embedded'; its?: string };
  status?: InstanceStatus;
}

export interface EmbeddedCluster extends KObject {
  spec: { its: string; labels?: Record<string, string>; kubeconfigSecret?: string };
  status?: InstanceStatus;
}

/** The hosting CRDs from templates/hosting/crds.yaml. */
export function hostingCrds(): KObject[] {
  const file = join(dirname(crdsDir()), 'hosting', 'crds.yaml');
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KObject)
    .filter((o) => o?.kind === 'CustomResourceDefinition');
}

export const kubeconfigSecretName = (name: string): string => `${name}-kubeconfig`;
/** For an existing cluster registered as a WEC: the user's kubeconfig (keys `kubeconfig`, `context`). */
export const spokeSecretName = (name: string): string => `${name}-spoke`;

export function readyCondition(obj: { status?: InstanceStatus }): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === 'Ready');
}

export const isReady = (obj: { status?: InstanceStatus }): boolean => readyCondition(obj)?.status === 'True';

/** Replaces the condition of `cond.type`, keeping lastTransitionTime when the status did not change. */
export function withCondition(
  conds: Condition[] | undefined,
  cond: Condition,
  now = new Date(),
): Condition[] {
  const old = conds?.find((c) => c.type === cond.type);
  const lastTransitionTime =
    old && old.status === cond.status && old.lastTransitionTime
      ? old.lastTransitionTime
      : now.toISOString().replace(/\.\d+Z$/, 'Z');
  return [...(conds ?? []).filter((c) => c.type !== cond.type), { ...cond, lastTransitionTime }];
}
