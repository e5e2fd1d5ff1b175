/**
 * Where objects stand, per cluster: bound (a Binding of the WDS names the object and the
 * cluster), delivered (a ManifestWork of this WDS in the cluster's namespace carries it), applied
 * (the cluster's agent reports it applied) and available (its reported status says it is up).
 * Read from the WDS and the ITS only, so it works the same on every provider.
 */
import type { Binding, BindingPolicy, WorkStatus } from '../api/control.js';
import { ORIGIN_WDS_LABEL } from '../api/constants.js';
import { BINDING, BINDING_POLICY, MANAGED_CLUSTER, MANIFEST_WORK, WORK_STATUS } from '../api/gvr.js';
import type { KObject } from '../api/meta.js';
import type { ManifestWork } from '../api/ocm.js';
import type { ObjInfo } from '../engine/binding/match.js';
import type { ApiResource } from '../kube/discovery.js';
import type { DynamicClient } from '../kube/dynamic.js';
import { isNotFound } from '../kube/errors.js';
import { hasReadiness, readinessOf } from './readiness.js';

/** A workload object as policy matching identifies it (without labels). */
export type ObjectRef = Omit<ObjInfo, 'labels' | 'namespaceLabels'>;

export type DeliveryState = 'available' | 'applied' | 'delivered' | 'bound' | 'failed' | 'not-bound';

export interface DeliveryRow {
  cluster: string;
  object: ObjectRef;
  bound: boolean;
  delivered: boolean;
  applied: boolean;
  /** Undefined when not yet applied. */
  available?: boolean;
  state: DeliveryState;
  /** Why the object is not (yet) available there. */
  reason?: string;
  /** Policies whose Binding places the object in this cluster. */
  policies: string[];
}

export const objectText = (o: ObjectRef): string =>
  `${o.kind}/${o.name}${o.namespace ? ` -n ${o.namespace}` : ''}`;

interface Snapshot {
  bindings: Binding[];
  works: ManifestWork[];
  workStatuses: WorkStatus[];
  clusters: KObject[];
}

async function snapshot(wds: DynamicClient, its: DynamicClient, wdsName: string): Promise<Snapshot> {
  const [bindings, works, workStatuses, clusters] = await Promise.all([
    wds.list<Binding>(BINDING),
    its.list<ManifestWork>(MANIFEST_WORK, { labelSelector: `${ORIGIN_WDS_LABEL}=${wdsName}` }),
    its.list<WorkStatus>(WORK_STATUS).catch(() => ({ items: [] as WorkStatus[] })),
    its.list<KObject>(MANAGED_CLUSTER),
  ]);
  return {
    bindings: bindings.items,
    works: works.items,
    workStatuses: workStatuses.items,
    clusters: clusters.items,
  };
}

const sameObject = (a: { group?: string; namespace?: string; name?: string }, o: ObjectRef): boolean =>
  (a.group ?? '') === o.group && (a.namespace ?? '') === o.namespace && a.name === o.name;

/** Objects a Binding lists, with their kinds from discovery. */
export function bindingObjects(b: Binding, served: readonly ApiResource[]): ObjectRef[] {
  const kindOf = (group: string, resource: string) =>
    served.find((r) => r.group === group && r.resource === resource)?.kind ?? resource;
  const w = b.spec?.workload ?? {};
  return [...(w.clusterScope ?? []).map((c) => ({ ...c, namespace: '' })), ...(w.namespaceScope ?? [])].map(
    (c) => ({
      group: c.group,
      version: c.version,
      resource: c.resource,
      kind: kindOf(c.group, c.resource),
      namespace: c.namespace,
      name: c.name,
    }),
  );
}

/** One row per (object, cluster) from what the spaces hold now. */
function rowsFor(
  s: Snapshot,
  wdsName: string,
  pairs: { object: ObjectRef; cluster: string; policies: string[] }[],
  specOf: (o: ObjectRef) => Record<string, unknown> | undefined,
): DeliveryRow[] {
  return pairs.map(({ object, cluster, policies }) => {
    const row: DeliveryRow = {
      cluster,
      object,
      bound: policies.length > 0,
      delivered: false,
      applied: false,
      state: policies.length ? 'bound' : 'not-bound',
      policies,
    };
    if (!row.bound) {
      row.reason = 'no BindingPolicy selects this object for this cluster';
      return row;
    }
    if (!s.clusters.some((c) => c.metadata?.name === cluster)) {
      row.reason = `cluster ${cluster} is not registered in the ITS`;
      return row;
    }
    const works = s.works.filter(
      (w) =>
        w.metadata?.namespace === cluster &&
        w.metadata?.labels?.[ORIGIN_WDS_LABEL] === wdsName &&
        (w.spec?.workload?.manifests ?? []).some(
          (m: KObject) =>
            m.kind === object.kind &&
            sameObject({ ...m.metadata, group: groupOfApiVersion(m.apiVersion) }, object),
        ),
    );
    if (!works.length) {
      row.reason = 'not yet in a ManifestWork for this cluster';
      return row;
    }
    row.delivered = true;
    row.state = 'delivered';
    const manifest = works
      .flatMap((w) =>
        w.metadata?.generation === conditionGeneration(w) ? (w.status?.resourceStatus?.manifests ?? []) : [],
      )
      .find((m) => m.resourceMeta.kind === object.kind && sameObject(m.resourceMeta, object));
    const applied = manifest?.conditions?.find((c) => c.type === 'Applied');
    if (applied?.status !== 'True') {
      row.reason =
        applied?.status === 'False'
          ? `not applied: ${applied.message || applied.reason}`
          : `the agent of ${cluster} has not reported it applied yet`;
      if (applied?.status === 'False') row.state = 'failed';
      return row;
    }
    row.applied = true;
    row.state = 'applied';
    if (!hasReadiness(object.group, object.kind)) {
      row.available = true;
      row.state = 'available';
      return row;
    }
    const ws = s.workStatuses.find(
      (w) =>
        w.metadata?.namespace === cluster &&
        (w.spec?.sourceRef?.group ?? '') === object.group &&
        (w.spec?.sourceRef?.kind === object.kind || w.spec?.sourceRef?.resource === object.resource) &&
        (w.spec?.sourceRef?.namespace ?? '') === object.namespace &&
        w.spec?.sourceRef?.name === object.name,
    );
    const r = readinessOf(object.group, object.kind, specOf(object), ws?.status as Record<string, unknown>);
    row.available = r.state === 'ready';
    if (r.state === 'ready') row.state = 'available';
    else {
      row.reason = r.reason;
      if (r.state === 'failed') row.state = 'failed';
    }
    return row;
  });
}

/** The work's observed generation as the agent reports it (Applied condition). */
function conditionGeneration(w: ManifestWork): number | undefined {
  return (
    w.status?.conditions?.find((c) => c.type === 'Applied')?.observedGeneration ?? w.metadata?.generation
  );
}

const groupOfApiVersion = (apiVersion?: string): string =>
  apiVersion && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';

export interface PolicyDelivery {
  policy?: BindingPolicy;
  /** The engine has resolved the policy's current generation. */
  resolved: boolean;
  objects: ObjectRef[];
  clusters: string[];
  rows: DeliveryRow[];
  /** Errors the engine reported for the policy. */
  errors: string[];
}

/** Delivery of everything a policy selects, to every cluster it selects. */
export async function policyDelivery(
  wds: DynamicClient,
  its: DynamicClient,
  wdsName: string,
  policyName: string,
  served: readonly ApiResource[],
): Promise<PolicyDelivery> {
  let policy: BindingPolicy | undefined;
  try {
    policy = await wds.get<BindingPolicy>(BINDING_POLICY, policyName);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return { resolved: false, objects: [], clusters: [], rows: [], errors: [] };
  }
  const s = await snapshot(wds, its, wdsName);
  const binding = s.bindings.find((b) => b.metadata?.name === policyName);
  const resolved = policy.status?.observedGeneration === policy.metadata?.generation && !!policy.status;
  const objects = binding ? bindingObjects(binding, served) : [];
  const clusters = (binding?.spec?.destinations ?? []).map((d) => d.clusterId).sort();
  const specs = await objectSpecs(wds, objects);
  const rows = rowsFor(
    s,
    wdsName,
    objects.flatMap((object) => clusters.map((cluster) => ({ object, cluster, policies: [policyName] }))),
    (o) => specs.get(objectText(o)),
  );
  return { policy, resolved, objects, clusters, rows, errors: policy.status?.errors ?? [] };
}

/** Delivery of one WDS object to every registered cluster (bound or not). */
export async function objectDelivery(
  wds: DynamicClient,
  its: DynamicClient,
  wdsName: string,
  object: ObjectRef,
): Promise<DeliveryRow[]> {
  const s = await snapshot(wds, its, wdsName);
  const specs = await objectSpecs(wds, [object]);
  const clusters = s.clusters.map((c) => c.metadata!.name!).sort();
  const pairs = clusters.map((cluster) => ({
    object,
    cluster,
    policies: s.bindings
      .filter(
        (b) =>
          (b.spec?.destinations ?? []).some((d) => d.clusterId === cluster) &&
          [...(b.spec?.workload?.namespaceScope ?? []), ...(b.spec?.workload?.clusterScope ?? [])].some(
            (c) =>
              c.group === object.group &&
              c.resource === object.resource &&
              ((c as { namespace?: string }).namespace ?? '') === object.namespace &&
              c.name === object.name,
          ),
      )
      .map((b) => b.metadata!.name!)
      .sort(),
  }));
  return rowsFor(s, wdsName, pairs, (o) => specs.get(objectText(o)));
}

async function objectSpecs(
  wds: DynamicClient,
  objects: ObjectRef[],
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  await Promise.all(
    objects
      .filter((o) => hasReadiness(o.group, o.kind))
      .map(async (o) => {
        try {
          const obj = await wds.get<KObject>(
            { group: o.group, version: o.version, resource: o.resource, namespaced: !!o.namespace },
            o.name,
            { namespace: o.namespace || undefined },
          );
          if (obj.spec) out.set(objectText(o), obj.spec);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }),
  );
  return out;
}
