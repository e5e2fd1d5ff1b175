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

const SEP = '\u0000';

/**
 * Sort key equivalent to compareClusterScope / compareNamespaceScope: the tuple's parts joined
 * with NUL, which sorts below every character a GVR, name or resourceVersion can hold, so one
 * plain string comparison orders entries exactly as the tuple comparison does. (Cluster-scoped
 * and namespaced entries go to separate lists, so the key need not tell them apart.)
 */
export function workloadSortKey(e: WorkloadEntry): string {
  const { group, version, resource, namespace, name } = e.id;
  const rv = e.resourceVersion;
  // The parts of gvrString, joined into one flat string (cheap to keep and to compare).
  return namespace
    ? [group, '/', version, ', Resource=', resource, SEP, namespace, '/', name, SEP, rv].join('')
    : [group, '/', version, ', Resource=', resource, SEP, name, SEP, rv].join('');
}

/** A workload entry that carries its workloadSortKey (e.g. cached by its maker). */
export interface SortableWorkloadEntry extends WorkloadEntry {
  readonly sortKey: string;
}

const bySortKey = (a: SortableWorkloadEntry, b: SortableWorkloadEntry): number =>
  a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0;

/** Binding spec from destinations and workload entries. */
export function buildBindingSpec(
  destinations: Iterable<string>,
  workload: Iterable<WorkloadEntry>,
): BindingSpec {
  // Keys are built once per entry, not per comparison: sorting dominates large Bindings.
  const sortable: SortableWorkloadEntry[] = [];
  for (const e of workload) sortable.push({ ...e, sortKey: workloadSortKey(e) });
  return buildBindingSpecSortable(destinations, sortable);
}

/** buildBindingSpec for entries that already know their sort keys. */
export function buildBindingSpecSortable(
  destinations: Iterable<string>,
  workload: Iterable<SortableWorkloadEntry>,
): BindingSpec {
  const clusterEntries: SortableWorkloadEntry[] = [];
  const namespaceEntries: SortableWorkloadEntry[] = [];
  for (const e of workload) (e.id.namespace ? namespaceEntries : clusterEntries).push(e);
  clusterEntries.sort(bySortKey);
  namespaceEntries.sort(bySortKey);
  const clusterScope = new Array<ClusterScopeDownsyncClause>(clusterEntries.length);
  for (let i = 0; i < clusterEntries.length; i++) {
    const e = clusterEntries[i];
    const { group, version, resource, name } = e.id;
    const value: ClusterScopeDownsyncClause = {
      group,
      version,
      resource,
      name,
      resourceVersion: e.resourceVersion,
    };
    addModulation(value, e.modulation);
    clusterScope[i] = value;
  }
  const namespaceScope = new Array<NamespaceScopeDownsyncClause>(namespaceEntries.length);
  for (let i = 0; i < namespaceEntries.length; i++) {
    const e = namespaceEntries[i];
    const { group, version, resource, namespace, name } = e.id;
    const value: NamespaceScopeDownsyncClause = {
      group,
      version,
      resource,
      namespace,
      name,
      resourceVersion: e.resourceVersion,
    };
    addModulation(value, e.modulation);
    namespaceScope[i] = value;
  }
  // Default sort orders strings by UTF-16 code units, as cmp does.
  const unique = destinations instanceof Set ? [...destinations] : [...new Set(destinations)];
  const dests = unique.sort().map((clusterId) => ({ clusterId }));
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
  return bindingOf(policy, buildBindingSpec(destinations, workload));
}

/** buildBinding for entries that already know their sort keys. */
export function buildBindingSortable(
  policy: { name: string; uid: string },
  destinations: Iterable<string>,
  workload: Iterable<SortableWorkloadEntry>,
): Binding {
  return bindingOf(policy, buildBindingSpecSortable(destinations, workload));
}

function bindingOf(policy: { name: string; uid: string }, spec: BindingSpec): Binding {
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
    spec,
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
