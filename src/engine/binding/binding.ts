/**
 * The Binding object derived from a BindingPolicy's resolution (kubestellar-semantics.md §1.2,
 * §2.4): same name, owned by the policy, destinations and workload entries sorted exactly as
 * upstream sorts them so ManifestWork contents are deterministic.
 */
import type {
  Binding,
  BindingSpec,
  ClusterScopeDownsyncClause,
  DownsyncModulation,
  NamespaceScopeDownsyncClause,
} from '../../api/control.js';
import { CONTROL_API_VERSION } from '../../api/constants.js';
import type { Modulation } from './match.js';
import { gvrString, type ObjectId } from './objectid.js';

/** One object in a resolution. */
export interface WorkloadEntry {
  id: ObjectId;
  uid: string;
  resourceVersion: string;
  modulation: Modulation;
}

/** Byte-wise (code unit) comparison, as Go compares strings. */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Modulation fields as upstream serialises them: omit-empty, collectors sorted. */
export function modulationFields(m: Modulation): DownsyncModulation {
  const out: DownsyncModulation = {};
  if (m.createOnly) out.createOnly = true;
  if (m.statusCollectors.length) out.statusCollectors = [...m.statusCollectors].sort(cmp);
  if (m.wantSingletonReportedState) out.wantSingletonReportedState = true;
  if (m.wantMultiWECReportedState) out.wantMultiWECReportedState = true;
  return out;
}

const gvrOf = (e: { group: string; version: string; resource: string }) =>
  gvrString(e.group, e.version, e.resource);

/** clusterScope order: (GVR string, name, resourceVersion). */
export function compareClusterScope(a: ClusterScopeDownsyncClause, b: ClusterScopeDownsyncClause): number {
  return cmp(gvrOf(a), gvrOf(b)) || cmp(a.name, b.name) || cmp(a.resourceVersion, b.resourceVersion);
}

/** namespaceScope order: (GVR string, "namespace/name", resourceVersion). */
export function compareNamespaceScope(
  a: NamespaceScopeDownsyncClause,
  b: NamespaceScopeDownsyncClause,
): number {
  return (
    cmp(gvrOf(a), gvrOf(b)) ||
    cmp(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`) ||
    cmp(a.resourceVersion, b.resourceVersion)
  );
}

/**
 * Sort key equivalent to compareClusterScope / compareNamespaceScope: the tuple's parts joined
 * with NUL, which sorts below every character a GVR, name or resourceVersion can hold, so one
 * plain string comparison orders entries exactly as the tuple comparison does.
 */
const SEP = '\u0000';

interface Keyed<T> {
  key: string;
  value: T;
}

const byKey = <T>(a: Keyed<T>, b: Keyed<T>): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Binding spec from destinations and workload entries. */
export function buildBindingSpec(
  destinations: Iterable<string>,
  workload: Iterable<WorkloadEntry>,
): BindingSpec {
  // Keys are built once per entry (not per comparison): sorting dominates large Bindings.
  const clusterKeyed: Keyed<ClusterScopeDownsyncClause>[] = [];
  const namespaceKeyed: Keyed<NamespaceScopeDownsyncClause>[] = [];
  for (const e of workload) {
    const { group, version, resource, namespace, name } = e.id;
    const rv = e.resourceVersion;
    const gvr = gvrString(group, version, resource);
    if (namespace) {
      const value: NamespaceScopeDownsyncClause = {
        group,
        version,
        resource,
        namespace,
        name,
        resourceVersion: rv,
      };
      addModulation(value, e.modulation);
      namespaceKeyed.push({ key: gvr + SEP + namespace + '/' + name + SEP + rv, value });
    } else {
      const value: ClusterScopeDownsyncClause = { group, version, resource, name, resourceVersion: rv };
      addModulation(value, e.modulation);
      clusterKeyed.push({ key: gvr + SEP + name + SEP + rv, value });
    }
  }
  const clusterScope = clusterKeyed.sort(byKey).map((k) => k.value);
  const namespaceScope = namespaceKeyed.sort(byKey).map((k) => k.value);
  // Default sort orders strings by UTF-16 code units, as cmp does.
  const dests = [...new Set(destinations)].sort().map((clusterId) => ({ clusterId }));
  const workloadOut: BindingSpec['workload'] = {};
  if (clusterScope.length) workloadOut.clusterScope = clusterScope;
  if (namespaceScope.length) workloadOut.namespaceScope = namespaceScope;
  // Go's omitempty: no destinations key when there are none; workload is a struct, always present.
  return dests.length ? { workload: workloadOut, destinations: dests } : { workload: workloadOut };
}

/** modulationFields, written straight onto an entry (same keys, same order). */
function addModulation(out: DownsyncModulation, m: Modulation): void {
  if (m.createOnly) out.createOnly = true;
  if (m.statusCollectors.length) out.statusCollectors = [...m.statusCollectors].sort(cmp);
  if (m.wantSingletonReportedState) out.wantSingletonReportedState = true;
  if (m.wantMultiWECReportedState) out.wantMultiWECReportedState = true;
}

/** The full desired Binding for a policy (metadata.name = policy name, controller owner reference). */
export function buildBinding(
  policy: { name: string; uid: string },
  destinations: Iterable<string>,
  workload: Iterable<WorkloadEntry>,
): Binding {
  return {
    apiVersion: CONTROL_API_VERSION,
    kind: 'Binding',
    metadata: {
      name: policy.name,
      ownerReferences: [
        {
          apiVersion: CONTROL_API_VERSION,
          kind: 'BindingPolicy',
          name: policy.name,
          uid: policy.uid,
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
    },
    spec: buildBindingSpec(destinations, workload),
  };
}

/** True when a spec selects nothing and no cluster: no Binding is created for it (§2.4). */
export function isEmptyBindingSpec(spec: BindingSpec | undefined): boolean {
  return (
    !spec ||
    (!spec.destinations?.length &&
      !spec.workload?.clusterScope?.length &&
      !spec.workload?.namespaceScope?.length)
  );
}

function entryText(e: ClusterScopeDownsyncClause | NamespaceScopeDownsyncClause): string {
  const m = modulationFields({
    createOnly: !!e.createOnly,
    statusCollectors: [...(e.statusCollectors ?? [])].sort(cmp),
    wantSingletonReportedState: !!e.wantSingletonReportedState,
    wantMultiWECReportedState: !!e.wantMultiWECReportedState,
  });
  const ns = 'namespace' in e ? e.namespace : '';
  return JSON.stringify([e.group, e.version, e.resource, ns, e.name, e.resourceVersion, m]);
}

/** Order-insensitive equality of two Binding specs (an absent spec equals an empty one). */
export function bindingSpecEqual(a: BindingSpec | undefined, b: BindingSpec | undefined): boolean {
  const norm = (s: BindingSpec | undefined) => ({
    dests: [...new Set((s?.destinations ?? []).map((d) => d.clusterId))].sort(cmp),
    cs: (s?.workload?.clusterScope ?? []).map(entryText).sort(cmp),
    ns: (s?.workload?.namespaceScope ?? []).map(entryText).sort(cmp),
  });
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}
