/**
 * BindingPolicy matching (kubestellar-semantics.md §1.1.2, §2.2, §2.3): which clusters a policy
 * selects, which objects a clause selects, and the modulation merged over all matching clauses.
 * Policies are compiled once (selectors parsed, lists turned into sets) and cached per object.
 */
import type { BindingPolicy, DownsyncModulation, DownsyncPolicyClause } from '../../api/control.js';
import type { LabelSelector } from '../../api/meta.js';
import { compileLabelSelector, type CompiledSelector, type Labels } from './labelselector.js';
import { isExcludedResource } from './universe.js';

/** What matching needs to know about one workload object. */
export interface ObjInfo {
  group: string;
  version: string;
  resource: string;
  kind: string;
  /** "" for cluster-scoped objects. */
  namespace: string;
  name: string;
  labels?: Labels;
  /** Labels of the object's Namespace; undefined when cluster-scoped or the Namespace is unknown. */
  namespaceLabels?: Labels;
}

/** Merged modulation of an object in one policy; `statusCollectors` sorted and unique. */
export interface Modulation {
  createOnly: boolean;
  statusCollectors: string[];
  wantSingletonReportedState: boolean;
  wantMultiWECReportedState: boolean;
}

/** One downsync clause, ready to test. `undefined` criteria are no constraint. */
export interface CompiledClause {
  readonly index: number;
  readonly apiGroup?: string;
  readonly resources?: ReadonlySet<string>;
  readonly namespaces?: ReadonlySet<string>;
  /** 'any' when absent/empty or when it holds an empty selector; else the valid selectors. */
  readonly namespaceSelectors: 'any' | readonly CompiledSelector[];
  readonly objectSelectors?: readonly CompiledSelector[];
  readonly objectNames?: ReadonlySet<string>;
  /** True when the clause needs the object's Namespace labels. */
  readonly needsNamespaceLabels: boolean;
  readonly modulation: Modulation;
}

export interface CompiledPolicy {
  readonly clauses: readonly CompiledClause[];
  readonly clusterSelectors: readonly CompiledSelector[];
  /** Selectors that could not be converted (they match nothing); reported in the policy status. */
  readonly errors: readonly string[];
}

export function emptyModulation(): Modulation {
  return {
    createOnly: false,
    statusCollectors: [],
    wantSingletonReportedState: false,
    wantMultiWECReportedState: false,
  };
}

/** OR of the flags, union of the collectors (§2.3); `a` itself when `b` adds nothing. */
export function mergeModulation(a: Modulation, b: DownsyncModulation | Modulation): Modulation {
  if (
    !b.statusCollectors?.length &&
    (a.createOnly || !b.createOnly) &&
    (a.wantSingletonReportedState || !b.wantSingletonReportedState) &&
    (a.wantMultiWECReportedState || !b.wantMultiWECReportedState)
  )
    return a;
  const collectors = b.statusCollectors?.length
    ? [...new Set([...a.statusCollectors, ...b.statusCollectors])].sort()
    : a.statusCollectors;
  return {
    createOnly: a.createOnly || !!b.createOnly,
    statusCollectors: collectors,
    wantSingletonReportedState: a.wantSingletonReportedState || !!b.wantSingletonReportedState,
    wantMultiWECReportedState: a.wantMultiWECReportedState || !!b.wantMultiWECReportedState,
  };
}

/**
 * Clause modulations are interned (and frozen): clauses that modulate alike share one object,
 * so the Resolver can share workload entries between the policies holding an object alike.
 */
const interned = new Map<string, Modulation>();
const INTERN_LIMIT = 10_000;

export function internModulation(m: Modulation): Modulation {
  const key = `${+m.createOnly}${+m.wantSingletonReportedState}${+m.wantMultiWECReportedState}${m.statusCollectors.join('\n')}`;
  let out = interned.get(key);
  if (out) return out;
  out = Object.freeze({ ...m, statusCollectors: Object.freeze([...m.statusCollectors]) as string[] });
  if (interned.size < INTERN_LIMIT) interned.set(key, out);
  return out;
}

/** The interned modulation of clauses that modulate nothing (the usual case). */
export const NO_MODULATION: Modulation = internModulation(emptyModulation());

export function modulationEqual(a: Modulation, b: Modulation): boolean {
  return (
    a.createOnly === b.createOnly &&
    a.wantSingletonReportedState === b.wantSingletonReportedState &&
    a.wantMultiWECReportedState === b.wantMultiWECReportedState &&
    a.statusCollectors.length === b.statusCollectors.length &&
    sameStrings(a.statusCollectors, b.statusCollectors)
  );
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether any selector matches (a loop, not `some`: this runs per object and clause). */
export function anySelectorMatches(sels: readonly CompiledSelector[], labels: Labels): boolean {
  for (let i = 0; i < sels.length; i++) if (sels[i].matches(labels)) return true;
  return false;
}

const listSet = (l: readonly string[] | undefined | null): ReadonlySet<string> | undefined =>
  l && l.length ? new Set(l) : undefined;

function compileSelectors(
  sels: readonly LabelSelector[],
  where: string,
  errors: string[],
): CompiledSelector[] {
  const out: CompiledSelector[] = [];
  sels.forEach((s, i) => {
    const c = compileLabelSelector(s);
    if ('error' in c) errors.push(`${where}[${i}]: ${c.error}`);
    else out.push(c);
  });
  return out;
}

export function compileClause(
  clause: DownsyncPolicyClause,
  index: number,
  errors: string[] = [],
): CompiledClause {
  const where = `spec.downsync[${index}]`;
  let namespaceSelectors: CompiledClause['namespaceSelectors'] = 'any';
  if (clause.namespaceSelectors?.length) {
    const compiled = compileSelectors(clause.namespaceSelectors, `${where}.namespaceSelectors`, errors);
    // An empty selector lets every object through, cluster-scoped ones included (A3).
    namespaceSelectors = compiled.some((c) => c.empty) ? 'any' : compiled;
  }
  const objectSelectors = clause.objectSelectors?.length
    ? compileSelectors(clause.objectSelectors, `${where}.objectSelectors`, errors)
    : undefined;
  return {
    index,
    apiGroup: typeof clause.apiGroup === 'string' ? clause.apiGroup : undefined,
    resources: listSet(clause.resources),
    namespaces: listSet(clause.namespaces),
    namespaceSelectors,
    objectSelectors,
    objectNames: listSet(clause.objectNames),
    needsNamespaceLabels: namespaceSelectors !== 'any',
    modulation: internModulation(mergeModulation(emptyModulation(), clause)),
  };
}

export function compilePolicy(policy: BindingPolicy): CompiledPolicy {
  const errors: string[] = [];
  const clusterSelectors = compileSelectors(
    policy.spec?.clusterSelectors ?? [],
    'spec.clusterSelectors',
    errors,
  );
  const clauses = (policy.spec?.downsync ?? []).map((c, i) => compileClause(c, i, errors));
  return { clauses, clusterSelectors, errors };
}

const inSet = (set: ReadonlySet<string> | undefined, v: string): boolean =>
  !set || set.has('*') || set.has(v);

/** Tests one compiled clause; the caller has already excluded non-workload resources. */
export function clauseMatches(c: CompiledClause, o: ObjInfo): boolean {
  if (c.apiGroup !== undefined && c.apiGroup !== o.group) return false;
  if (!inSet(c.resources, o.resource)) return false;
  if (!inSet(c.namespaces, o.namespace)) return false;
  if (!inSet(c.objectNames, o.name)) return false;
  if (c.namespaceSelectors !== 'any') {
    // Cluster-scoped objects and objects whose Namespace is unknown never pass (A3).
    if (!o.namespace || o.namespaceLabels === undefined) return false;
    const nsLabels = o.namespaceLabels;
    if (!anySelectorMatches(c.namespaceSelectors, nsLabels)) return false;
  }
  if (c.objectSelectors && !anySelectorMatches(c.objectSelectors, o.labels)) return false;
  return true;
}

/**
 * Evaluates the clauses (all of them, or the given subset) against `o`: the merged modulation when
 * at least one matches, else undefined.
 */
export function evaluateClauses(clauses: Iterable<CompiledClause>, o: ObjInfo): Modulation | undefined {
  if (isExcludedResource(o.group, o.resource)) return undefined;
  return mergeMatching(clauses, o);
}

/**
 * evaluateClauses for a caller that has already excluded non-workload resources. The result may
 * be a clause's own (immutable) modulation object: one matching clause allocates nothing.
 */
export function mergeMatching(clauses: Iterable<CompiledClause>, o: ObjInfo): Modulation | undefined {
  let mod: Modulation | undefined;
  for (const c of clauses) {
    if (clauseMatches(c, o)) mod = mod === undefined ? c.modulation : mergeModulation(mod, c.modulation);
  }
  return mod;
}

/** mergeMatching over the first `n` clauses of an array (for scratch arrays; allocates nothing). */
export function mergeMatchingFirst(
  clauses: readonly CompiledClause[],
  n: number,
  o: ObjInfo,
): Modulation | undefined {
  let mod: Modulation | undefined;
  for (let i = 0; i < n; i++) {
    const c = clauses[i];
    if (clauseMatches(c, o)) mod = mod === undefined ? c.modulation : mergeModulation(mod, c.modulation);
  }
  return mod;
}

const policyCache = new WeakMap<object, CompiledPolicy>();
const clauseCache = new WeakMap<object, CompiledClause>();

const isCompiled = (p: BindingPolicy | CompiledPolicy): p is CompiledPolicy =>
  Array.isArray((p as CompiledPolicy).clauses) && Array.isArray((p as CompiledPolicy).clusterSelectors);

function compiledPolicy(p: BindingPolicy | CompiledPolicy): CompiledPolicy {
  if (isCompiled(p)) return p;
  let c = policyCache.get(p);
  if (!c) policyCache.set(p, (c = compilePolicy(p)));
  return c;
}

/** Whether a cluster with these labels is a destination of the policy (selectors ORed; none = no cluster). */
export function clusterMatches(policy: BindingPolicy | CompiledPolicy, clusterLabels: Labels): boolean {
  return anySelectorMatches(compiledPolicy(policy).clusterSelectors, clusterLabels ?? {});
}

/**
 * Whether one downsync clause selects the object (its criteria ANDed; excluded resources never).
 * The compiled form is cached per clause object, so treat clauses as immutable.
 */
export function objectMatches(clause: DownsyncPolicyClause, o: ObjInfo): boolean {
  let c = clauseCache.get(clause);
  if (!c) clauseCache.set(clause, (c = compileClause(clause, 0)));
  return !isExcludedResource(o.group, o.resource) && clauseMatches(c, o);
}

/** The policy's merged modulation for `o`, or undefined when no clause selects it. */
export function evaluatePolicy(policy: BindingPolicy | CompiledPolicy, o: ObjInfo): Modulation | undefined {
  return evaluateClauses(compiledPolicy(policy).clauses, o);
}
