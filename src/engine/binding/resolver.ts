/**
 * Incremental policy resolution (kubestellar-semantics.md §2): keeps, per BindingPolicy, its
 * destinations and its workload (object -> uid, resourceVersion, merged modulation), and updates
 * them as policies, objects, Namespaces and clusters change. Pure in-memory state, no I/O: the
 * runtime feeds events in and asks which Bindings (and which objects' reported-state requests)
 * changed.
 *
 * Cost (see resolver-index.ts): an object change evaluates only the clauses filed under its name,
 * namespace, labels, resource or group (or under "anything"), plus the policies holding it. A
 * policy change evaluates only the objects in its clauses' buckets. A cluster change tests each
 * policy's cluster selectors once; a Namespace label change re-evaluates the objects in that
 * namespace when some clause has namespace selectors. Records and their labels are taken as
 * immutable snapshots (as informer caches hand them out).
 */
import type { BindingPolicy, Binding } from '../../api/control.js';
import type { Labels } from './labelselector.js';
import {
  buildBindingKeyed,
  cmp,
  workloadSortKey,
  type KeyedWorkloadEntry,
  type WorkloadEntry,
} from './binding.js';
import {
  anySelectorMatches,
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
  readonly group: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  version: string;
  kind: string;
  /** Own copy of the record's labels: the index files the object by them. */
  labels: Labels;
  rec: ObjectRecord;
  /** rec.uid, kept at hand: workload entries are built from the object's own fields. */
  uid: string;
  /** The id every workload entry of this object shares (read-only). */
  id: ObjectId;
  /** resourceVersion recorded in resolutions (kept while the fingerprint is unchanged). */
  bindingRV: string;
  /** Policies whose workload holds the object (usually a few; created with the first). */
  holders: PolicyState[] | undefined = undefined;
  /** workloadSortKey of its entries, built when a Binding first needs it. */
  sortKey: string | undefined = undefined;
  /** Its entry with no modulation, shared by every policy that holds it so (the usual case). */
  plainEntry: WorkloadEntry | undefined = undefined;
  /** Evaluation stamp, to visit an object once when several buckets hold it. */
  mark = 0;

  constructor(
    readonly key: string,
    rec: ObjectRecord,
    private readonly nsLabels: ReadonlyMap<string, Labels>,
  ) {
    this.group = rec.group;
    this.resource = rec.resource;
    this.namespace = rec.namespace;
    this.name = rec.name;
    this.version = rec.version;
    this.kind = rec.kind;
    this.labels = copyLabels(rec.labels);
    this.rec = rec;
    this.uid = rec.uid;
    this.id = idOf(rec);
    this.bindingRV = rec.resourceVersion;
  }

  /** Labels of the object's Namespace; undefined when cluster-scoped or the Namespace is unknown. */
  get namespaceLabels(): Labels {
    return this.namespace ? this.nsLabels.get(this.namespace) : undefined;
  }
}

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
    };
    const oldFiling = { refs: state.refs, slots: state.slots, clauses: state.compiled.clauses };
    Object.assign(state, { uid, specText, compiled, generation: policy.metadata.generation ?? 0 });
    this.policies.set(name, state);
    // File the new clauses before unfiling the old ones, so a dimension both use stays built.
    this.indexPolicy(state);
    if (old) this.unindex(oldFiling.refs, oldFiling.slots, oldFiling.clauses);
    // Always rewrite: the spec changed, or a re-created policy is a new owner (new uid).
    this.changedPolicies.add(name);

    const dests = new Set<string>();
    const sels = compiled.clusterSelectors;
    if (sels.length)
      this.clusters.forEach((labels, cluster) => {
        if (anySelectorMatches(sels, labels)) dests.add(cluster);
      });
    this.setDestinations(state, dests);

    const clauses = compiled.clauses;
    const epoch = ++this.epoch;
    let candidates = 0;
    let matched = 0;
    this.forCandidates(state, epoch, (obj) => {
      candidates++;
      const mod = mergeMatching(clauses, obj);
      if (mod) matched++;
      this.setEntry(state, obj, mod);
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
    for (const key of state.workload.keys()) {
      const obj = this.objects.get(key);
      if (obj) removeHolder(obj, state);
      if (state.flagged.has(key)) this.changedRequests.add(key);
    }
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
    let obj = this.objects.get(key);
    if (!obj) {
      obj = new ObjState(key, rec, this.nsLabels);
      this.objects.set(key, obj);
      this.index.addObject(obj);
    } else {
      const same =
        rec.fingerprint !== undefined && rec.fingerprint === obj.rec.fingerprint && rec.uid === obj.rec.uid;
      if (!same && obj.bindingRV !== rec.resourceVersion) {
        obj.bindingRV = rec.resourceVersion;
        obj.sortKey = obj.plainEntry = undefined;
      }
      if (rec.version !== obj.version || rec.kind !== obj.kind) {
        obj.version = rec.version;
        obj.kind = rec.kind;
        obj.id = idOf(rec);
        obj.sortKey = obj.plainEntry = undefined;
      }
      if (rec.uid !== obj.uid) obj.plainEntry = undefined;
      obj.rec = rec;
      obj.uid = rec.uid;
      if (!labelsEqual(obj.labels, rec.labels)) {
        const labels = copyLabels(rec.labels);
        this.index.relabelObject(obj, obj.labels, labels);
        obj.labels = labels;
      }
    }
    this.evaluateObject(obj);
  }

  removeObject(ref: { group: string; resource: string; namespace: string; name: string }): void {
    const key = objectKey(ref);
    if (ref.group === '' && ref.resource === 'namespaces' && this.nsLabels.has(ref.name))
      this.setNamespaceLabels(ref.name, undefined);
    const obj = this.objects.get(key);
    if (!obj) return;
    // setEntry replaces (never edits) the holders array, so it can be iterated as it is.
    if (obj.holders) for (const p of obj.holders) this.setEntry(p, obj, undefined);
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
    // Sort keys are kept per object, so the objects shared by many policies build theirs once.
    const keyed: KeyedWorkloadEntry[] = [];
    s.workload.forEach((entry, key) => keyed.push({ key: this.sortKeyOf(key, entry), entry }));
    return buildBindingKeyed({ name, uid: s.uid }, s.destinations, keyed);
  }

  /** Policies whose resolution holds the object. */
  policiesOf(key: string): string[] {
    return (this.objects.get(key)?.holders ?? []).map((p) => p.name).sort(cmp);
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
    for (const state of this.objects.get(key)?.holders ?? []) {
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
   * policies holding it now (after a label change the clause that matched may sit elsewhere).
   */
  private evaluateObject(obj: ObjState): void {
    if (this.index.empty && !obj.holders) return;
    const refs = this.scratchRefs;
    const touched = this.scratchPolicies;
    refs.length = 0;
    touched.length = 0;
    this.index.clausesOf(obj, refs);
    const epoch = ++this.epoch;
    for (const { policy, clause } of refs) {
      if (policy.mark !== epoch) {
        policy.mark = epoch;
        policy.pending.length = 0;
        touched.push(policy);
      }
      if (!policy.pending.includes(clause)) policy.pending.push(clause);
    }
    if (obj.holders)
      for (const policy of obj.holders)
        if (policy.mark !== epoch) {
          policy.mark = epoch;
          policy.pending.length = 0;
          touched.push(policy);
        }
    for (const policy of touched) {
      const clauses = policy.pending;
      this.stats.clauseEvaluations += clauses.length;
      this.setEntry(policy, obj, clauses.length ? mergeMatching(clauses, obj) : undefined);
    }
  }

  /** Puts the object into a policy's workload with `mod`, or takes it out when `mod` is undefined. */
  private setEntry(state: PolicyState, obj: ObjState, mod: Modulation | undefined): void {
    const key = obj.key;
    const old = state.workload.get(key);
    if (mod === undefined) {
      if (!old) return;
      state.workload.delete(key);
      removeHolder(obj, state);
      this.changedPolicies.add(state.name);
      if (state.flagged.delete(key)) this.changedRequests.add(key);
      return;
    }
    const uid = obj.uid;
    const rv = obj.bindingRV;
    const id = obj.id;
    const plain = isPlain(mod);
    if (
      old &&
      ((plain && old === obj.plainEntry) ||
        (old.uid === uid &&
          old.resourceVersion === rv &&
          old.id.version === id.version &&
          old.id.kind === id.kind &&
          modulationEqual(old.modulation, mod)))
    )
      return;
    const entry: WorkloadEntry = plain
      ? (obj.plainEntry ??= { id, uid, resourceVersion: rv, modulation: PLAIN })
      : { id, uid, resourceVersion: rv, modulation: mod };
    state.workload.set(key, entry);
    // Copy on write, at the exact size: most objects have a few holders and keep them long.
    if (!old) obj.holders = withHolder(obj.holders, state);
    this.changedPolicies.add(state.name);
    const flags = hasFlags(entry);
    if (flags) state.flagged.add(key);
    else if (old) state.flagged.delete(key);
    const flagsChanged = old ? !modFlagsEqual(old, entry) : flags;
    if (flagsChanged) this.changedRequests.add(key);
  }

  /** The object's cached sort key when the entry is its current one, else the entry's own. */
  private sortKeyOf(key: string, entry: WorkloadEntry): string {
    const obj = this.objects.get(key);
    if (!obj || obj.id !== entry.id || obj.bindingRV !== entry.resourceVersion) return workloadSortKey(entry);
    return (obj.sortKey ??= workloadSortKey(entry));
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

function copyLabels(labels: Labels): Labels {
  return labels === undefined ? undefined : { ...labels };
}

function withHolder(holders: PolicyState[] | undefined, state: PolicyState): PolicyState[] {
  if (!holders) return [state];
  const n = holders.length;
  const out = new Array<PolicyState>(n + 1);
  for (let i = 0; i < n; i++) out[i] = holders[i];
  out[n] = state;
  return out;
}

function removeHolder(obj: ObjState, state: PolicyState): void {
  const holders = obj.holders;
  if (!holders || !holders.includes(state)) return;
  obj.holders = holders.length === 1 ? undefined : holders.filter((p) => p !== state);
}

/** The modulation of entries no clause modulates (frozen: it is shared). */
const PLAIN: Modulation = Object.freeze({
  createOnly: false,
  statusCollectors: Object.freeze([]) as unknown as string[],
  wantSingletonReportedState: false,
  wantMultiWECReportedState: false,
});

const isPlain = (m: Modulation): boolean =>
  !m.createOnly &&
  !m.statusCollectors.length &&
  !m.wantSingletonReportedState &&
  !m.wantMultiWECReportedState;

function modFlagsEqual(a: WorkloadEntry, b: WorkloadEntry): boolean {
  return (
    a.modulation.wantSingletonReportedState === b.modulation.wantSingletonReportedState &&
    a.modulation.wantMultiWECReportedState === b.modulation.wantMultiWECReportedState
  );
}
