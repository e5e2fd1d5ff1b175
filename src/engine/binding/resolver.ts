/**
 * Incremental policy resolution (kubestellar-semantics.md §2): keeps, per BindingPolicy, its
 * destinations and its workload (object -> uid, resourceVersion, merged modulation), and updates
 * them as policies, objects, Namespaces and clusters change. Pure in-memory state, no I/O: the
 * runtime feeds events in and asks which Bindings (and which objects' reported-state requests)
 * changed.
 *
 * Cost: an object change evaluates only the clauses that could match it (clauses are indexed by
 * name, namespace, object label, group/resource, group or "anything"; see resolver-index.ts). A policy change
 * evaluates only the objects its clauses could match. A cluster change tests each policy's
 * cluster selectors once; a Namespace label change re-evaluates the objects in that namespace.
 */
import type { BindingPolicy, Binding } from '../../api/control.js';
import type { Labels } from './labelselector.js';
import { buildBinding, cmp, type WorkloadEntry } from './binding.js';
import {
  compilePolicy,
  clusterMatches,
  mergeMatching,
  modulationEqual,
  type CompiledClause,
  type CompiledPolicy,
  type Modulation,
  type ObjInfo,
} from './match.js';
import { objectKey, type ObjectId } from './objectid.js';
import { createOnlyConflictMessage, singletonErrorMessage, type SingletonProblem } from './policy-status.js';
import {
  ALL,
  addTo,
  BucketIndex,
  clauseIndexKeys,
  labelsEqual,
  objectBuckets,
  removeFrom,
  type ClauseRef,
} from './resolver-index.js';
import { isExcludedResource } from './universe.js';

/** A workload object as the runtime's informers see it. */
export interface ObjectRecord extends ObjectId {
  uid: string;
  resourceVersion: string;
  labels?: Record<string, string>;
  /** metadata.deletionTimestamp is set. */
  deleting?: boolean;
  /**
   * Hash of what would be delivered (e.g. transport's downsyncFingerprint). When given and
   * unchanged, a new resourceVersion is not a change: KubeStellar's own status/label writes then
   * cause no Binding or ManifestWork churn ([IMPROVE] §8).
   */
  fingerprint?: string;
}

export interface ResolverOptions {
  /** Treat objects being deleted as absent ([IMPROVE] §2.6; upstream keeps them). Default true. */
  deletingIsAbsent?: boolean;
}

/** What all policies together ask for an object's reported state (§4.3). */
export interface ReportedStateRequest {
  singleton: boolean;
  /** QS: union of the destinations of the policies asking for singleton status. */
  singletonWECs: string[];
  multi: boolean;
  /** QM: union of the destinations of the policies asking for multi-WEC status. */
  multiWECs: string[];
}

/** A policy's resolution, read-only view. */
export interface Resolution {
  name: string;
  uid: string;
  generation: number;
  destinations: ReadonlySet<string>;
  workload: ReadonlyMap<string, WorkloadEntry>;
  errors: readonly string[];
}

interface PolicyState {
  name: string;
  uid: string;
  generation: number;
  specText: string;
  compiled: CompiledPolicy;
  indexKeys: Array<[string, ClauseRef]>;
  destinations: Set<string>;
  workload: Map<string, WorkloadEntry>;
  /** Keys of workload entries that ask for singleton or multi-WEC status. */
  flagged: Set<string>;
}

interface ObjState {
  rec: ObjectRecord;
  /** What matching sees, built once per record (namespaceLabels follows its Namespace). */
  info: ObjInfo;
  /** The id every workload entry of this record shares (read-only). */
  id: ObjectId;
  /** The object-index buckets it is filed under (label buckets follow its labels). */
  buckets: string[];
  /** resourceVersion recorded in resolutions (kept while the fingerprint is unchanged). */
  bindingRV: string;
  policies: Set<string>;
}

const hasFlags = (e: WorkloadEntry) =>
  e.modulation.wantSingletonReportedState || e.modulation.wantMultiWECReportedState;

export class Resolver {
  private readonly policies = new Map<string, PolicyState>();
  private readonly clauseIndex = new Map<string, Set<ClauseRef>>();
  private readonly objects = new Map<string, ObjState>();
  /** Object keys by bucket: `r:group|resource`, `r:*|resource`, `g:group`, `n:ns`, `o:name`, `l:key=value`. */
  private readonly objectIndex = new BucketIndex();
  private readonly clusters = new Map<string, Labels>();
  private readonly nsLabels = new Map<string, Labels>();
  private nsSelectorClauses = 0;
  private changedPolicies = new Set<string>();
  private changedRequests = new Set<string>();
  private readonly deletingIsAbsent: boolean;
  /** Work counters, for tests and benchmarks: clauses tested against objects so far. */
  readonly stats = { clauseEvaluations: 0 };

  constructor(opts: ResolverOptions = {}) {
    this.deletingIsAbsent = opts.deletingIsAbsent ?? true;
  }

  // ---- policies ----

  /** Adds or updates a policy. Only spec (or uid) changes cause re-evaluation (§1.1.6). */
  upsertPolicy(policy: BindingPolicy): void {
    const name = policy.metadata.name ?? '';
    if (policy.metadata.deletionTimestamp) return this.removePolicy(name);
    const uid = policy.metadata.uid ?? '';
    const specText = JSON.stringify(policy.spec ?? {});
    const old = this.policies.get(name);
    if (old && old.uid === uid && old.specText === specText) {
      old.generation = policy.metadata.generation ?? old.generation;
      return;
    }
    if (old) this.unindexPolicy(old);
    const compiled = compilePolicy(policy);
    const state: PolicyState = old ?? {
      name,
      uid,
      generation: 0,
      specText,
      compiled,
      indexKeys: [],
      destinations: new Set(),
      workload: new Map(),
      flagged: new Set(),
    };
    Object.assign(state, { uid, specText, compiled, generation: policy.metadata.generation ?? 0 });
    this.policies.set(name, state);
    this.indexPolicy(state);
    // Always rewrite: the spec changed, or a re-created policy is a new owner (new uid).
    this.changedPolicies.add(name);

    const dests = new Set<string>();
    const sels = compiled.clusterSelectors;
    if (sels.length)
      for (const [cluster, labels] of this.clusters)
        if (sels.some((s) => s.matches(labels))) dests.add(cluster);
    this.setDestinations(state, dests);

    const clauses = compiled.clauses;
    const candidates = this.candidateObjects(clauses);
    this.stats.clauseEvaluations += clauses.length * candidates.size;
    // Entries of the old spec that are no longer candidates are dropped afterwards.
    const seen = state.workload.size ? new Set<string>() : undefined;
    for (const key of candidates.keys) {
      seen?.add(key);
      const obj = this.objects.get(key)!;
      this.setEntry(state, key, obj, mergeMatching(clauses, obj.info));
    }
    if (seen)
      for (const key of [...state.workload.keys()])
        if (!seen.has(key)) this.setEntry(state, key, undefined, undefined);
  }

  removePolicy(name: string): void {
    const state = this.policies.get(name);
    if (!state) return;
    this.unindexPolicy(state);
    for (const key of state.workload.keys()) {
      this.objects.get(key)?.policies.delete(name);
      if (state.flagged.has(key)) this.changedRequests.add(key);
    }
    this.policies.delete(name);
    this.changedPolicies.add(name);
  }

  // ---- workload objects ----

  upsertObject(rec: ObjectRecord): void {
    const key = objectKey(rec);
    if (rec.group === '' && rec.resource === 'namespaces')
      this.setNamespaceLabels(
        rec.name,
        rec.deleting && this.deletingIsAbsent ? undefined : (rec.labels ?? {}),
      );
    if (isExcludedResource(rec.group, rec.resource)) return;
    if (rec.deleting && this.deletingIsAbsent) return this.removeObject(rec);
    const info = this.info(rec);
    const id = idOf(rec);
    let obj = this.objects.get(key);
    if (!obj) {
      obj = { rec, info, id, buckets: [], bindingRV: rec.resourceVersion, policies: new Set() };
      this.objects.set(key, obj);
    } else {
      const same =
        rec.fingerprint !== undefined && rec.fingerprint === obj.rec.fingerprint && rec.uid === obj.rec.uid;
      if (!same) obj.bindingRV = rec.resourceVersion;
    }
    obj.rec = rec;
    obj.info = info;
    obj.id = id;
    const buckets = objectBuckets(rec);
    this.reindexObject(key, obj, buckets);
    this.evaluateObject(key, obj, buckets);
  }

  removeObject(ref: { group: string; resource: string; namespace: string; name: string }): void {
    const key = objectKey(ref);
    if (ref.group === '' && ref.resource === 'namespaces' && this.nsLabels.has(ref.name))
      this.setNamespaceLabels(ref.name, undefined);
    const obj = this.objects.get(key);
    if (!obj) return;
    for (const p of [...obj.policies]) this.setEntry(this.policies.get(p)!, key, undefined, undefined);
    this.objects.delete(key);
    for (const b of obj.buckets) this.objectIndex.remove(b, key);
  }

  /**
   * Labels of a Namespace (undefined = unknown). Namespace objects given to upsertObject set this
   * themselves; call it directly when Namespaces are not workload (e.g. `--api-groups` without core).
   * Objects inside are re-evaluated when the labels change ([IMPROVE] §2.5).
   */
  setNamespaceLabels(namespace: string, labels: Labels): void {
    const old = this.nsLabels.get(namespace);
    if (labelsEqual(old, labels) && this.nsLabels.has(namespace) === (labels !== undefined)) return;
    const stored = labels === undefined ? undefined : { ...labels };
    if (stored === undefined) this.nsLabels.delete(namespace);
    else this.nsLabels.set(namespace, stored);
    const inside = [...this.objectIndex.get(`n:${namespace}`)];
    if (!inside.length || !namespace) return;
    for (const key of inside) this.objects.get(key)!.info.namespaceLabels = stored;
    if (!this.nsSelectorClauses) return;
    for (const key of inside) {
      const obj = this.objects.get(key)!;
      if (obj.rec.namespace === namespace) this.evaluateObject(key, obj, objectBuckets(obj.rec));
    }
  }

  // ---- clusters ----

  upsertCluster(name: string, labels: Labels): void {
    const old = this.clusters.get(name);
    const existed = this.clusters.has(name);
    this.clusters.set(name, { ...(labels ?? {}) });
    for (const state of this.policies.values()) {
      const was = existed && clusterMatches(state.compiled, old);
      const now = clusterMatches(state.compiled, labels);
      if (was !== now) this.toggleDestination(state, name, now);
    }
  }

  removeCluster(name: string): void {
    if (!this.clusters.delete(name)) return;
    for (const state of this.policies.values())
      if (state.destinations.has(name)) this.toggleDestination(state, name, false);
  }

  // ---- outputs ----

  /** Names of policies whose resolution (or existence) changed since the last call. */
  takeChangedPolicies(): string[] {
    const out = [...this.changedPolicies].sort(cmp);
    this.changedPolicies = new Set();
    return out;
  }

  /** Object keys whose reported-state request may have changed since the last call (§4.2 [IMPROVE]). */
  takeChangedRequests(): string[] {
    const out = [...this.changedRequests].sort(cmp);
    this.changedRequests = new Set();
    return out;
  }

  resolution(name: string): Resolution | undefined {
    const s = this.policies.get(name);
    return (
      s && {
        name,
        uid: s.uid,
        generation: s.generation,
        destinations: s.destinations,
        workload: s.workload,
        errors: s.compiled.errors,
      }
    );
  }

  policyNames(): string[] {
    return [...this.policies.keys()].sort(cmp);
  }

  /** The desired Binding of a policy, or undefined when the policy is unknown. */
  desiredBinding(name: string): Binding | undefined {
    const s = this.policies.get(name);
    return s && buildBinding({ name, uid: s.uid }, s.destinations, s.workload.values());
  }

  /** Policies whose resolution holds the object. */
  policiesOf(key: string): string[] {
    return [...(this.objects.get(key)?.policies ?? [])].sort(cmp);
  }

  object(key: string): ObjectRecord | undefined {
    return this.objects.get(key)?.rec;
  }

  /** S, QS, M, QM of §4.3 for one object, over every policy holding it. */
  reportedStateRequest(key: string): ReportedStateRequest {
    const qs = new Set<string>();
    const qm = new Set<string>();
    let singleton = false;
    let multi = false;
    for (const p of this.objects.get(key)?.policies ?? []) {
      const state = this.policies.get(p)!;
      const mod = state.workload.get(key)!.modulation;
      if (mod.wantSingletonReportedState) {
        singleton = true;
        for (const d of state.destinations) qs.add(d);
      }
      if (mod.wantMultiWECReportedState) {
        multi = true;
        for (const d of state.destinations) qm.add(d);
      }
    }
    return { singleton, singletonWECs: [...qs].sort(cmp), multi, multiWECs: [...qm].sort(cmp) };
  }

  /**
   * The policy's own status errors: selectors that cannot be converted ([IMPROVE] upstream only
   * logs), the singleton wrong-WEC-count report (§4.3.4) and createOnly conflicts ([IMPROVE]).
   */
  policyErrors(name: string): string[] {
    const s = this.policies.get(name);
    if (!s) return [];
    const singleton: SingletonProblem[] = [];
    const conflicts: { id: ObjectId; policies: string[] }[] = [];
    for (const [key, entry] of [...s.workload].sort((a, b) => cmp(a[0], b[0]))) {
      const req = this.reportedStateRequest(key);
      if (req.singleton && req.singletonWECs.length !== 1)
        singleton.push({ id: entry.id, numWECs: req.singletonWECs.length });
      const holders = this.policiesOf(key);
      if (holders.length > 1) {
        const values = new Set(
          holders.map((p) => this.policies.get(p)!.workload.get(key)!.modulation.createOnly),
        );
        if (values.size > 1) conflicts.push({ id: entry.id, policies: holders });
      }
    }
    return [
      ...s.compiled.errors,
      singletonErrorMessage(singleton),
      createOnlyConflictMessage(conflicts),
    ].filter((e): e is string => !!e);
  }

  // ---- internals ----

  private info(rec: ObjectRecord): ObjInfo {
    return {
      group: rec.group,
      version: rec.version,
      resource: rec.resource,
      kind: rec.kind,
      namespace: rec.namespace,
      name: rec.name,
      labels: rec.labels,
      namespaceLabels: rec.namespace ? this.nsLabels.get(rec.namespace) : undefined,
    };
  }

  private indexPolicy(state: PolicyState): void {
    state.indexKeys = [];
    for (const clause of state.compiled.clauses) {
      const ref: ClauseRef = { policy: state.name, clause };
      for (const k of clauseIndexKeys(clause)) {
        addTo(this.clauseIndex, k, ref);
        state.indexKeys.push([k, ref]);
      }
      if (clause.needsNamespaceLabels) this.nsSelectorClauses++;
    }
  }

  private unindexPolicy(state: PolicyState): void {
    for (const [k, ref] of state.indexKeys) removeFrom(this.clauseIndex, k, ref);
    for (const clause of state.compiled.clauses) if (clause.needsNamespaceLabels) this.nsSelectorClauses--;
    state.indexKeys = [];
  }

  /** Object keys that the given clauses could match. */
  private candidateObjects(clauses: readonly CompiledClause[]): { keys: Iterable<string>; size: number } {
    const buckets: string[] = [];
    for (const c of clauses) {
      const keys = clauseIndexKeys(c);
      if (keys[0] === ALL) return { keys: this.objects.keys(), size: this.objects.size };
      for (const k of keys) if (this.objectIndex.size(k)) buckets.push(k);
    }
    // Objects are indexed under the same bucket names clauses are filed under. One bucket (the
    // usual case) is used as is: its keys are distinct and nothing changes the index meanwhile.
    if (buckets.length === 1)
      return { keys: this.objectIndex.get(buckets[0]), size: this.objectIndex.size(buckets[0]) };
    const out = new Set<string>();
    for (const k of buckets) for (const key of this.objectIndex.get(k)) out.add(key);
    return { keys: out, size: out.size };
  }

  /** Files the object under its current buckets (labels may have changed). */
  private reindexObject(key: string, obj: ObjState, buckets: string[]): void {
    const next = buckets.filter((b) => b !== ALL);
    if (next.length === obj.buckets.length && next.every((b, i) => b === obj.buckets[i])) return;
    for (const b of obj.buckets) this.objectIndex.remove(b, key);
    for (const b of next) this.objectIndex.add(b, key);
    obj.buckets = next;
  }

  /**
   * Re-evaluates one object against the clauses filed under its buckets, and against the
   * policies holding it now (after a label change the clause that matched may sit elsewhere).
   */
  private evaluateObject(key: string, obj: ObjState, buckets: readonly string[]): void {
    if (!this.clauseIndex.size && !obj.policies.size) return;
    const byPolicy = new Map<string, CompiledClause[]>();
    for (const b of buckets) {
      for (const ref of this.clauseIndex.get(b) ?? []) {
        let l = byPolicy.get(ref.policy);
        if (!l) byPolicy.set(ref.policy, (l = []));
        if (!l.includes(ref.clause)) l.push(ref.clause);
      }
    }
    for (const p of obj.policies) if (!byPolicy.has(p)) byPolicy.set(p, []);
    for (const [p, clauses] of byPolicy) {
      this.stats.clauseEvaluations += clauses.length;
      this.setEntry(this.policies.get(p)!, key, obj, mergeMatching(clauses, obj.info));
    }
  }

  /** Puts the object into a policy's workload with `mod`, or takes it out when `mod` is undefined. */
  private setEntry(
    state: PolicyState,
    key: string,
    obj: ObjState | undefined,
    mod: Modulation | undefined,
  ): void {
    const old = state.workload.get(key);
    if (!obj || !mod) {
      if (!old) return;
      state.workload.delete(key);
      this.objects.get(key)?.policies.delete(state.name);
      this.changedPolicies.add(state.name);
      if (state.flagged.delete(key)) this.changedRequests.add(key);
      return;
    }
    const entry: WorkloadEntry = {
      id: obj.id,
      uid: obj.rec.uid,
      resourceVersion: obj.bindingRV,
      modulation: mod,
    };
    if (old && entryEqual(old, entry)) return;
    state.workload.set(key, entry);
    obj.policies.add(state.name);
    this.changedPolicies.add(state.name);
    if (hasFlags(entry)) state.flagged.add(key);
    else state.flagged.delete(key);
    const flagsChanged = old ? !modFlagsEqual(old, entry) : hasFlags(entry);
    if (flagsChanged) this.changedRequests.add(key);
  }

  private setDestinations(state: PolicyState, dests: Set<string>): void {
    const same = dests.size === state.destinations.size && [...dests].every((d) => state.destinations.has(d));
    if (same) return;
    state.destinations = dests;
    this.destinationsChanged(state);
  }

  private toggleDestination(state: PolicyState, cluster: string, on: boolean): void {
    if (on) state.destinations.add(cluster);
    else state.destinations.delete(cluster);
    this.destinationsChanged(state);
  }

  /** [IMPROVE] §4.2: every flagged object of the policy gets its reported state re-evaluated. */
  private destinationsChanged(state: PolicyState): void {
    this.changedPolicies.add(state.name);
    for (const key of state.flagged) this.changedRequests.add(key);
  }
}

function idOf(rec: ObjectRecord): ObjectId {
  const { group, version, resource, kind, namespace, name } = rec;
  return { group, version, resource, kind, namespace, name };
}

function modFlagsEqual(a: WorkloadEntry, b: WorkloadEntry): boolean {
  return (
    a.modulation.wantSingletonReportedState === b.modulation.wantSingletonReportedState &&
    a.modulation.wantMultiWECReportedState === b.modulation.wantMultiWECReportedState
  );
}

function entryEqual(a: WorkloadEntry, b: WorkloadEntry): boolean {
  return (
    a.uid === b.uid &&
    a.resourceVersion === b.resourceVersion &&
    a.id.version === b.id.version &&
    a.id.kind === b.id.kind &&
    modulationEqual(a.modulation, b.modulation)
  );
}
