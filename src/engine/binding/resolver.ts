/**
 * Incremental policy resolution (kubestellar-semantics.md §2): keeps, per BindingPolicy, its
 * destinations and its workload (object -> uid, resourceVersion, merged modulation), and updates
 * them as policies, objects, Namespaces and clusters change. Pure in-memory state, no I/O: the
 * runtime feeds events in and asks which Bindings (and which objects' reported-state requests)
 * changed.
 *
 * Cost (see resolver-index.ts): an object change evaluates only the clauses filed under its name,
 * namespace, labels, resource or group (or under "anything"), and after a label change also
 * visits the policies filed under its former labels. A policy change evaluates only the objects
 * in its clauses' buckets. A cluster change tests each policy's cluster selectors once; a
 * Namespace label change re-evaluates the objects in that namespace when some clause has
 * namespace selectors. Workload entries are shared by the policies that hold an object alike,
 * and carry their Binding sort keys, so building Bindings sorts without building keys.
 * Records are kept as given: treat them as immutable snapshots (as informer caches hand out).
 */
import type { BindingPolicy, Binding } from '../../api/control.js';
import type { Labels } from './labelselector.js';
import {
  buildBindingSortable,
  cmp,
  workloadSortKey,
  type SortableWorkloadEntry,
  type WorkloadEntry,
} from './binding.js';
import {
  anySelectorMatches,
  compilePolicy,
  clusterMatches,
  mergeMatching,
  mergeMatchingFirst,
  modulationEqual,
  NO_MODULATION,
  type CompiledClause,
  type CompiledPolicy,
  type Modulation,
  type ObjInfo,
} from './match.js';
import { objectKey, type ObjectId } from './objectid.js';
import { createOnlyConflictMessage, singletonErrorMessage, type SingletonProblem } from './policy-status.js';
import { clauseSlotOptions, labelsEqual, MatchIndex, type Slot } from './resolver-index.js';
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
  /** Per clause: its index entry and where it is filed. */
  refs: ClauseRef[];
  slots: Array<readonly Slot[] | 'all'>;
  destinations: Set<string>;
  workload: Map<string, WorkloadEntry>;
  /** Keys of workload entries that ask for singleton or multi-WEC status. */
  flagged: Set<string>;
  /** Scratch of evaluateObject: the evaluation it was last touched by, and its candidate clauses. */
  mark: number;
  pending: CompiledClause[];
  pendingCount: number;
  /** The takeChangedPolicies round its name was last added to changedPolicies in. */
  reported: number;
}

interface ClauseRef {
  policy: PolicyState;
  clause: CompiledClause;
}

/**
 * One workload object. It is also what matching sees (ObjInfo: its Namespace's labels are read
 * when a clause asks for them) and what the index files (name, namespace, resource, group and
 * labels).
 */
class ObjState implements ObjInfo {
  /** Evaluation stamp, to visit an object once when several buckets hold it. */
  mark = 0;
  // Copies of the id fields matching reads (they never change for a key): one object to touch.
  readonly group: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  /**
   * Entries shared by the policies holding the object with the same (interned) modulation: the
   * unmodulated one and the last other one. Dropped when uid, resourceVersion or id change.
   */
  plainEntry: Entry | undefined = undefined;
  otherEntry: Entry | undefined = undefined;
  /** Own copy of the record's labels: the index files the object by them. */
  labels: Labels;
  rec: ObjectRecord;
  /** rec.uid, kept at hand: workload entries are built from the object's own fields. */
  uid: string;
  /** resourceVersion recorded in resolutions (kept while the fingerprint is unchanged). */
  bindingRV: string;
  /** The id every workload entry of this object shares (read-only). */
  id: ObjectId;

  constructor(
    readonly key: string,
    rec: ObjectRecord,
    private readonly nsLabels: ReadonlyMap<string, Labels>,
  ) {
    this.group = rec.group;
    this.resource = rec.resource;
    this.namespace = rec.namespace;
    this.name = rec.name;
    this.labels = copyLabels(rec.labels);
    this.rec = rec;
    this.uid = rec.uid;
    this.bindingRV = rec.resourceVersion;
    this.id = idOf(rec);
  }

  get version(): string {
    return this.id.version;
  }
  get kind(): string {
    return this.id.kind;
  }

  /** Labels of the object's Namespace; undefined when cluster-scoped or the Namespace is unknown. */
  get namespaceLabels(): Labels {
    return this.namespace ? this.nsLabels.get(this.namespace) : undefined;
  }
}

/**
 * A workload entry as the Resolver makes them (shared by the policies that hold an object
 * alike, so treat it as read-only), caching its Binding sort key.
 */
class Entry implements SortableWorkloadEntry {
  /** '' until first asked for (a string from the start keeps the field's type stable). */
  #sortKey = '';

  constructor(
    readonly id: ObjectId,
    readonly uid: string,
    readonly resourceVersion: string,
    readonly modulation: Modulation,
  ) {}

  get sortKey(): string {
    return this.#sortKey || (this.#sortKey = workloadSortKey(this));
  }
}

/** Fillers for the scratch arrays of evaluateObject once used. */
const NO_POLICY = {} as PolicyState;
const NO_REF: ClauseRef = { policy: NO_POLICY, clause: {} as CompiledClause };

const hasFlags = (e: WorkloadEntry) =>
  e.modulation.wantSingletonReportedState || e.modulation.wantMultiWECReportedState;

export class Resolver {
  private readonly policies = new Map<string, PolicyState>();
  private readonly objects = new Map<string, ObjState>();
  private readonly index = new MatchIndex<ClauseRef, ObjState>(() => this.objects.values());
  private readonly clusters = new Map<string, Labels>();
  private readonly nsLabels = new Map<string, Labels>();
  private nsSelectorClauses = 0;
  private changedPolicies = new Set<string>();
  /** Rounds of takeChangedPolicies so far (see PolicyState.reported). */
  private rounds = 0;
  private changedRequests = new Set<string>();
  private readonly deletingIsAbsent: boolean;
  /** Evaluation counter behind the `mark` stamps of policies and objects. */
  private epoch = 0;
  /** Scratch arrays of evaluateObject (it never runs nested). */
  private readonly scratchRefs: ClauseRef[] = [];
  private readonly scratchPolicies: PolicyState[] = [];
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
    const compiled = compilePolicy(policy);
    const state: PolicyState = old ?? {
      name,
      uid,
      generation: 0,
      specText,
      compiled,
      refs: [],
      slots: [],
      destinations: new Set(),
      workload: new Map(),
      flagged: new Set(),
      mark: 0,
      pending: [],
      pendingCount: 0,
      reported: -1,
    };
    const oldFiling = { refs: state.refs, slots: state.slots, clauses: state.compiled.clauses };
    Object.assign(state, { uid, specText, compiled, generation: policy.metadata.generation ?? 0 });
    this.policies.set(name, state);
    // File the new clauses before unfiling the old ones, so a dimension both use stays built.
    this.indexPolicy(state);
    if (old) this.unindex(oldFiling.refs, oldFiling.slots, oldFiling.clauses);
    // Always rewrite: the spec changed, or a re-created policy is a new owner (new uid).
    this.changed(state);

    const dests = new Set<string>();
    const sels = compiled.clusterSelectors;
    if (sels.length)
      this.clusters.forEach((labels, cluster) => {
        if (anySelectorMatches(sels, labels)) dests.add(cluster);
      });
    this.setDestinations(state, dests);

    const clauses = compiled.clauses;
    const epoch = ++this.epoch;
    // A new (or emptied) workload holds none of the candidates: no need to look them up.
    const fresh = state.workload.size === 0;
    let candidates = 0;
    let matched = 0;
    this.forCandidates(state, epoch, (obj) => {
      candidates++;
      const mod = mergeMatching(clauses, obj);
      if (mod) matched++;
      this.setEntry(state, obj, mod, fresh);
    });
    this.stats.clauseEvaluations += clauses.length * candidates;
    // Entries of the old spec that are no longer candidates are dropped (candidates carry `epoch`).
    if (state.workload.size > matched)
      for (const key of [...state.workload.keys()]) {
        const obj = this.objects.get(key)!;
        if (obj.mark !== epoch) this.setEntry(state, obj, undefined);
      }
  }

  removePolicy(name: string): void {
    const state = this.policies.get(name);
    if (!state) return;
    this.unindex(state.refs, state.slots, state.compiled.clauses);
    for (const key of state.flagged) this.changedRequests.add(key);
    this.policies.delete(name);
    this.changedPolicies.add(name);
  }

  // ---- workload objects ----

  upsertObject(rec: ObjectRecord): void {
    if (rec.group === '' && rec.resource === 'namespaces')
      this.setNamespaceLabels(
        rec.name,
        rec.deleting && this.deletingIsAbsent ? undefined : (rec.labels ?? {}),
      );
    if (isExcludedResource(rec.group, rec.resource)) return;
    if (rec.deleting && this.deletingIsAbsent) return this.removeObject(rec);
    const key = objectKey(rec);
    const obj = this.objects.get(key);
    if (!obj) {
      const created = new ObjState(key, rec, this.nsLabels);
      this.objects.set(key, created);
      this.index.addObject(created);
      return this.evaluateObject(created, undefined, true);
    }
    const same =
      rec.fingerprint !== undefined && rec.fingerprint === obj.rec.fingerprint && rec.uid === obj.rec.uid;
    let stale = false; // the shared entries no longer describe the object
    if (!same && obj.bindingRV !== rec.resourceVersion) {
      obj.bindingRV = rec.resourceVersion;
      stale = true;
    }
    if (rec.version !== obj.id.version || rec.kind !== obj.id.kind) {
      obj.id = idOf(rec);
      stale = true;
    }
    if (rec.uid !== obj.uid) {
      obj.uid = rec.uid;
      stale = true;
    }
    if (stale) obj.plainEntry = obj.otherEntry = undefined;
    obj.rec = rec;
    if (labelsEqual(obj.labels, rec.labels)) return this.evaluateObject(obj);
    const before = obj.labels;
    obj.labels = copyLabels(rec.labels);
    this.index.relabelObject(obj, before, obj.labels);
    this.evaluateObject(obj, before);
  }

  removeObject(ref: { group: string; resource: string; namespace: string; name: string }): void {
    const key = objectKey(ref);
    if (ref.group === '' && ref.resource === 'namespaces' && this.nsLabels.has(ref.name))
      this.setNamespaceLabels(ref.name, undefined);
    const obj = this.objects.get(key);
    if (!obj) return;
    for (const p of this.holdersOf(obj)) this.setEntry(p, obj, undefined);
    this.objects.delete(key);
    this.index.removeObject(obj);
  }

  /**
   * Labels of a Namespace (undefined = unknown). Namespace objects given to upsertObject set this
   * themselves; call it directly when Namespaces are not workload (e.g. `--api-groups` without core).
   * Objects inside are re-evaluated when the labels change ([IMPROVE] §2.5).
   */
  setNamespaceLabels(namespace: string, labels: Labels): void {
    const old = this.nsLabels.get(namespace);
    if (labelsEqual(old, labels) && this.nsLabels.has(namespace) === (labels !== undefined)) return;
    if (labels === undefined) this.nsLabels.delete(namespace);
    else this.nsLabels.set(namespace, { ...labels });
    // Objects read their Namespace's labels when matched; only clauses with namespace selectors
    // look at them, and while there are any the index keeps the objects by namespace.
    if (!namespace || !this.nsSelectorClauses) return;
    for (const obj of this.index.objectsInNamespace(namespace)) this.evaluateObject(obj);
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
    this.rounds++;
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
    if (!s) return undefined;
    // Entries keep their sort keys and are shared between policies: most are built once.
    return buildBindingSortable({ name, uid: s.uid }, s.destinations, s.workload.values() as Iterable<Entry>);
  }

  /** Policies whose resolution holds the object. */
  policiesOf(key: string): string[] {
    const obj = this.objects.get(key);
    return obj
      ? this.holdersOf(obj)
          .map((p) => p.name)
          .sort(cmp)
      : [];
  }

  object(key: string): ObjectRecord | undefined {
    return this.objects.get(key)?.rec;
  }

  /** S, QS, M, QM of §4.3 for one object, over every policy holding it. */
  reportedStateRequest(key: string): ReportedStateRequest {
    const obj = this.objects.get(key);
    return requestOf(key, obj ? this.holdersOf(obj) : []);
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
      const holders = this.holdersOf(this.objects.get(key)!);
      const req = requestOf(key, holders);
      if (req.singleton && req.singletonWECs.length !== 1)
        singleton.push({ id: entry.id, numWECs: req.singletonWECs.length });
      if (holders.length > 1) {
        const values = new Set(holders.map((p) => p.workload.get(key)!.modulation.createOnly));
        if (values.size > 1) conflicts.push({ id: entry.id, policies: holders.map((p) => p.name).sort(cmp) });
      }
    }
    return [
      ...s.compiled.errors,
      singletonErrorMessage(singleton),
      createOnlyConflictMessage(conflicts),
    ].filter((e): e is string => !!e);
  }

  // ---- internals ----

  private indexPolicy(state: PolicyState): void {
    const clauses = state.compiled.clauses;
    state.refs = clauses.map((clause) => ({ policy: state, clause }));
    state.slots = [];
    for (let i = 0; i < clauses.length; i++) {
      // One clause at a time: a dimension the previous one built is then cheap for the next.
      state.slots.push(this.index.chooseSlots(clauseSlotOptions(clauses[i])));
      this.index.addClause(state.slots[i], state.refs[i]);
      if (clauses[i].needsNamespaceLabels) {
        this.nsSelectorClauses++;
        this.index.retainNamespaces();
      }
    }
  }

  private unindex(
    refs: readonly ClauseRef[],
    slots: ReadonlyArray<readonly Slot[] | 'all'>,
    clauses: readonly CompiledClause[],
  ): void {
    for (let i = 0; i < refs.length; i++) {
      this.index.removeClause(slots[i], refs[i]);
      if (clauses[i].needsNamespaceLabels) {
        this.nsSelectorClauses--;
        this.index.releaseNamespaces();
      }
    }
  }

  /**
   * Calls `visit` once for every object the policy's clauses could match, stamping each with
   * `epoch`. The index is not changed meanwhile, so buckets are iterated as they are.
   */
  private forCandidates(state: PolicyState, epoch: number, visit: (obj: ObjState) => void): void {
    const buckets: Slot[] = [];
    for (const slots of state.slots) {
      if (slots === 'all') {
        for (const obj of this.objects.values()) {
          obj.mark = epoch;
          visit(obj);
        }
        return;
      }
      for (const s of slots) if (this.index.objectCount(s)) buckets.push(s);
    }
    // One bucket (the usual case) holds each object once; several may share objects.
    const single = buckets.length === 1;
    for (const s of buckets)
      for (const obj of this.index.objectsIn(s)) {
        if (!single && obj.mark === epoch) continue;
        obj.mark = epoch;
        visit(obj);
      }
  }

  /**
   * Re-evaluates one object against the clauses filed under its buckets, and against the
   * policies that may hold it: after a label change, those with clauses under its former labels.
   *
   * No per-object list of holders is kept: a policy holds an object only through a clause that
   * matched it, and that clause is filed under a bucket of the object, so the clauses under its
   * buckets lead to every holder (see holdersOf). Labels are the one part of the buckets that
   * changes, hence `before`. A new object (`isNew`) is in no workload yet.
   */
  private evaluateObject(obj: ObjState, before?: Labels, isNew = false): void {
    if (this.index.empty) return;
    // Scratch arrays with explicit counts: resetting `length` would drop their storage.
    const refs = this.scratchRefs;
    const touched = this.scratchPolicies;
    let touchedCount = 0;
    const n = this.index.clausesOf(obj, refs);
    const epoch = ++this.epoch;
    for (let i = 0; i < n; i++) {
      const { policy, clause } = refs[i];
      if (policy.mark !== epoch) {
        policy.mark = epoch;
        policy.pendingCount = 0;
        touched[touchedCount++] = policy;
      }
      if (!includesFirst(policy.pending, policy.pendingCount, clause))
        policy.pending[policy.pendingCount++] = clause;
    }
    // Policies filed under the former labels only get their entry dropped, if they hold one.
    const m = before === undefined ? n : this.index.labelClausesOf(before, refs, n);
    for (let i = n; i < m; i++) {
      const { policy } = refs[i];
      if (policy.mark !== epoch) {
        policy.mark = epoch;
        policy.pendingCount = 0;
        touched[touchedCount++] = policy;
      }
    }
    for (let i = 0; i < touchedCount; i++) {
      const policy = touched[i];
      const count = policy.pendingCount;
      this.stats.clauseEvaluations += count;
      this.setEntry(policy, obj, count ? mergeMatchingFirst(policy.pending, count, obj) : undefined, isNew);
    }
    // Drop the references, so that a removed policy is not kept alive by the scratch arrays.
    for (let i = 0; i < m; i++) refs[i] = NO_REF;
    for (let i = 0; i < touchedCount; i++) touched[i] = NO_POLICY;
  }

  /**
   * The policies whose workload holds the object: among those with a clause under one of its
   * buckets (any holder has one: see evaluateObject), sorted by nothing in particular.
   */
  private holdersOf(obj: ObjState): PolicyState[] {
    const refs: ClauseRef[] = [];
    const n = this.index.clausesOf(obj, refs);
    const out: PolicyState[] = [];
    for (let i = 0; i < n; i++) {
      const p = refs[i].policy;
      if (!out.includes(p) && p.workload.has(obj.key)) out.push(p);
    }
    return out;
  }

  /**
   * Puts the object into a policy's workload with `mod`, or takes it out when `mod` is undefined.
   * `absent`: the caller knows the workload does not hold the object.
   */
  private setEntry(state: PolicyState, obj: ObjState, mod: Modulation | undefined, absent = false): void {
    const key = obj.key;
    const old = absent ? undefined : state.workload.get(key);
    if (mod === undefined) {
      if (!old) return;
      state.workload.delete(key);
      this.changed(state);
      if (state.flagged.delete(key)) this.changedRequests.add(key);
      return;
    }
    const uid = obj.uid;
    const rv = obj.bindingRV;
    const id = obj.id;
    if (
      old &&
      old.uid === uid &&
      old.resourceVersion === rv &&
      old.id.version === id.version &&
      old.id.kind === id.kind &&
      (old.modulation === mod || modulationEqual(old.modulation, mod))
    )
      return;
    let entry: Entry;
    if (mod === NO_MODULATION) entry = obj.plainEntry ??= new Entry(id, uid, rv, mod);
    else if (obj.otherEntry?.modulation === mod) entry = obj.otherEntry;
    else entry = obj.otherEntry = new Entry(id, uid, rv, mod);
    state.workload.set(key, entry);
    this.changed(state);
    const flags = hasFlags(entry);
    if (flags) state.flagged.add(key);
    else if (old) state.flagged.delete(key);
    const flagsChanged = old ? !modFlagsEqual(old, entry) : flags;
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

  /** Reports the policy's Binding as changed (once per round: this runs per workload entry). */
  private changed(state: PolicyState): void {
    if (state.reported === this.rounds) return;
    state.reported = this.rounds;
    this.changedPolicies.add(state.name);
  }

  /** [IMPROVE] §4.2: every flagged object of the policy gets its reported state re-evaluated. */
  private destinationsChanged(state: PolicyState): void {
    this.changed(state);
    for (const key of state.flagged) this.changedRequests.add(key);
  }
}

/** S, QS, M, QM of §4.3 for one object over the policies holding it. */
function requestOf(key: string, holders: readonly PolicyState[]): ReportedStateRequest {
  const qs = new Set<string>();
  const qm = new Set<string>();
  let singleton = false;
  let multi = false;
  for (const state of holders) {
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

function includesFirst<T>(list: readonly T[], n: number, item: T): boolean {
  for (let i = 0; i < n; i++) if (list[i] === item) return true;
  return false;
}

function idOf(rec: ObjectRecord): ObjectId {
  const { group, version, resource, kind, namespace, name } = rec;
  return { group, version, resource, kind, namespace, name };
}

function copyLabels(labels: Labels): Labels {
  return labels === undefined ? undefined : { ...labels };
}

function modFlagsEqual(a: WorkloadEntry, b: WorkloadEntry): boolean {
  return (
    a.modulation.wantSingletonReportedState === b.modulation.wantSingletonReportedState &&
    a.modulation.wantMultiWECReportedState === b.modulation.wantMultiWECReportedState
  );
}
