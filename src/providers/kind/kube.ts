/**
 * The Kubernetes calls of the kind provider, behind a narrow interface (`KubeOps`) built by an
 * injectable factory: the real one uses src/kube's DynamicClient, plan tests use an in-memory
 * fake. Objects are addressed by apiVersion + kind through a fixed table of the kinds the provider
 * touches, so no discovery round-trip is needed and a typo fails loudly.
 */
import { parseDocument, stringify } from 'yaml';
import type { KObject } from '../../api/meta.js';
import { DynamicClient, type ResourceId } from '../../kube/dynamic.js';
import { isNotFound } from '../../kube/errors.js';
import { kubeConfigFromString } from '../../kube/kubeconfig.js';

/** A cluster or space to talk to: a display name and a kubeconfig (YAML text). */
export interface KubeTarget {
  name: string;
  kubeconfig: string;
}

export interface ObjRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface KubeOps {
  get(ref: ObjRef): Promise<KObject | undefined>;
  list(
    apiVersion: string,
    kind: string,
    o?: { namespace?: string; labelSelector?: string },
  ): Promise<KObject[]>;
  /** Server-side apply (field manager `kstellar`, forced). */
  apply(obj: KObject): Promise<KObject>;
  patch(ref: ObjRef, patch: unknown, type: 'merge' | 'json'): Promise<KObject>;
  /** PUT to a subresource (e.g. a CSR's `approval`). */
  updateSubresource(obj: KObject, subresource: string): Promise<KObject>;
  /** Deletes; false when it was already gone. */
  remove(ref: ObjRef): Promise<boolean>;
  /** A TokenRequest for a service account; returns the token. */
  createToken(namespace: string, serviceAccount: string, expirationSeconds: number): Promise<string>;
  /** Whether the API server serves `resource` in `apiVersion` (discovery). */
  serves(apiVersion: string, resource: string): Promise<boolean>;
}

export type KubeFactory = (target: KubeTarget) => KubeOps;

export const FIELD_MANAGER = 'kstellar';

/** apiVersion/kind -> [plural, namespaced] for every kind the provider reads or writes. */
const KINDS: Record<string, [string, boolean]> = {
  'v1/Namespace': ['namespaces', false],
  'v1/Node': ['nodes', false],
  'v1/Secret': ['secrets', true],
  'v1/ConfigMap': ['configmaps', true],
  'v1/ServiceAccount': ['serviceaccounts', true],
  'v1/Service': ['services', true],
  'v1/Pod': ['pods', true],
  'v1/Event': ['events', true],
  'apps/v1/Deployment': ['deployments', true],
  'apps/v1/StatefulSet': ['statefulsets', true],
  'batch/v1/Job': ['jobs', true],
  'rbac.authorization.k8s.io/v1/ClusterRole': ['clusterroles', false],
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ['clusterrolebindings', false],
  'rbac.authorization.k8s.io/v1/Role': ['roles', true],
  'rbac.authorization.k8s.io/v1/RoleBinding': ['rolebindings', true],
  'apiextensions.k8s.io/v1/CustomResourceDefinition': ['customresourcedefinitions', false],
  'certificates.k8s.io/v1/CertificateSigningRequest': ['certificatesigningrequests', false],
  'tenancy.kflex.kubestellar.org/v1alpha1/ControlPlane': ['controlplanes', false],
  'operator.open-cluster-management.io/v1/Klusterlet': ['klusterlets', false],
  'operator.open-cluster-management.io/v1/ClusterManager': ['clustermanagers', false],
  'cluster.open-cluster-management.io/v1/ManagedCluster': ['managedclusters', false],
  'addon.open-cluster-management.io/v1alpha1/ManagedClusterAddOn': ['managedclusteraddons', true],
  'addon.open-cluster-management.io/v1alpha1/ClusterManagementAddOn': ['clustermanagementaddons', false],
};

export function resourceOf(apiVersion: string, kind: string): ResourceId {
  const entry = KINDS[`${apiVersion}/${kind}`];
  if (!entry) throw new Error(`kind provider: unknown kind ${apiVersion} ${kind}`);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { group, version, resource: entry[0], namespaced: entry[1] };
}

export function isNamespaced(apiVersion: string, kind: string): boolean {
  return resourceOf(apiVersion, kind).namespaced === true;
}

export function refOf(obj: KObject): ObjRef {
  return {
    apiVersion: obj.apiVersion ?? '',
    kind: obj.kind ?? '',
    name: obj.metadata?.name ?? '',
    namespace: obj.metadata?.namespace,
  };
}

/** `Kind ns/name` for logs and plans. */
export function describeRef(ref: ObjRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** KubeOps over src/kube's DynamicClient. */
export function dynamicKubeOps(client: DynamicClient): KubeOps {
  return {
    async get(ref) {
      try {
        return await client.get(resourceOf(ref.apiVersion, ref.kind), ref.name, { namespace: ref.namespace });
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async list(apiVersion, kind, o = {}) {
      const l = await client.listAll(resourceOf(apiVersion, kind), o);
      return l.items;
    },
    apply(obj) {
      return client.apply(resourceOf(obj.apiVersion ?? '', obj.kind ?? ''), obj, {
        fieldManager: FIELD_MANAGER,
        force: true,
      });
    },
    patch(ref, patch, type) {
      return client.patch(resourceOf(ref.apiVersion, ref.kind), ref.name, patch, {
        type,
        namespace: ref.namespace,
        fieldManager: FIELD_MANAGER,
      });
    },
    updateSubresource(obj, subresource) {
      return client.update(resourceOf(obj.apiVersion ?? '', obj.kind ?? ''), obj, {
        subresource,
        fieldManager: FIELD_MANAGER,
      });
    },
    async remove(ref) {
      try {
        await client.delete(resourceOf(ref.apiVersion, ref.kind), ref.name, {
          namespace: ref.namespace,
          propagationPolicy: 'Background',
        });
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },
    async createToken(namespace, serviceAccount, expirationSeconds) {
      const tr = await client.create<KObject>(
        { group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true },
        {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          metadata: { name: serviceAccount, namespace },
          spec: { expirationSeconds },
        },
        { namespace, subresource: 'token' },
      );
      const token = (tr as { status?: { token?: string } }).status?.token;
      if (!token) throw new Error(`TokenRequest for ${namespace}/${serviceAccount} returned no token`);
      return token;
    },
    async serves(apiVersion, resource) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      try {
        const list = await client.rest.request<{ resources?: { name: string }[] }>({ path });
        return (list.resources ?? []).some((r) => r.name === resource);
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },
  };
}

/** The real factory: one DynamicClient per kubeconfig text, reused. */
export function realKubeFactory(): KubeFactory {
  const cache = new Map<string, KubeOps>();
  return (target) => {
    let ops = cache.get(target.kubeconfig);
    if (!ops) {
      const client = DynamicClient.fromKubeConfig(kubeConfigFromString(target.kubeconfig), {
        timeoutMs: 30_000,
      });
      ops = dynamicKubeOps(client);
      cache.set(target.kubeconfig, ops);
    }
    return ops;
  };
}

type Named = { name: string; [k: string]: unknown };

/**
 * A kubeconfig reduced to its current context, with context, cluster and user all named `name`
 * (what SpaceRecord/WecRecord promise and what mergeContexts copies from).
 */
export function renameKubeconfig(text: string, name: string, server?: string): string {
  const cfg = parseDocument(text).toJSON() as Record<string, unknown>;
  const ctxName = cfg['current-context'] as string;
  const contexts = (cfg.contexts as Named[]) ?? [];
  const ctx = contexts.find((c) => c.name === ctxName) ?? contexts[0];
  if (!ctx) throw new Error('kubeconfig has no context');
  const c = ctx.context as { cluster: string; user: string; namespace?: string };
  const cluster = ((cfg.clusters as Named[]) ?? []).find((x) => x.name === c.cluster);
  const user = ((cfg.users as Named[]) ?? []).find((x) => x.name === c.user);
  if (!cluster || !user) throw new Error(`kubeconfig context "${ctx.name}" is incomplete`);
  const clusterBody = { ...(cluster.cluster as Record<string, unknown>) };
  if (server) clusterBody.server = server;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: clusterBody }],
    users: [{ name, user: user.user }],
    contexts: [
      { name, context: { cluster: name, user: name, ...(c.namespace ? { namespace: c.namespace } : {}) } },
    ],
    'current-context': name,
  });
}

/** The server URL and CA (base64) of a kubeconfig's current context. */
export function serverOf(text: string): { server: string; ca?: string } {
  const cfg = parseDocument(text).toJSON() as Record<string, unknown>;
  const contexts = (cfg.contexts as Named[]) ?? [];
  const ctx = contexts.find((c) => c.name === cfg['current-context']) ?? contexts[0];
  const clusterName = (ctx?.context as { cluster?: string } | undefined)?.cluster;
  const cluster =
    ((cfg.clusters as Named[]) ?? []).find((x) => x.name === clusterName) ?? (cfg.clusters as Named[])?.[0];
  const body = (cluster?.cluster ?? {}) as { server?: string; 'certificate-authority-data'?: string };
  if (!body.server) throw new Error('kubeconfig has no server');
  return { server: body.server, ca: body['certificate-authority-data'] };
}

/** True when an object's condition of `type` has status True. */
export function conditionTrue(obj: KObject | undefined, type: string): boolean {
  const conds = ((obj as { status?: { conditions?: { type: string; status: string }[] } })?.status
    ?.conditions ?? []) as { type: string; status: string }[];
  return conds.some((c) => c.type === type && c.status === 'True');
}

/** A Deployment whose wanted replicas are all available (and the rollout observed). */
export function deploymentAvailable(d: KObject | undefined): boolean {
  if (!d) return false;
  const s = (d as { status?: Record<string, number | undefined> }).status ?? {};
  const want = (d as { spec?: { replicas?: number } }).spec?.replicas ?? 1;
  const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  return observed && (s.availableReplicas ?? 0) >= want && (s.updatedReplicas ?? want) >= want;
}

export function statefulSetReady(s: KObject | undefined): boolean {
  if (!s) return false;
  const want = (s as { spec?: { replicas?: number } }).spec?.replicas ?? 1;
  return ((s as { status?: { readyReplicas?: number } }).status?.readyReplicas ?? 0) >= want;
}
