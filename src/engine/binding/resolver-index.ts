/**
 * The Resolver's two-way index. Each clause is filed under the most selective dimension it
 * constrains (object name, namespace, one object label, resource, group, or "anything"); each
 * object is found under its value in every dimension, so an object change looks up only the
 * clauses that could match it, and a policy change visits only the objects in its clauses'
 * buckets.
 *
 * Objects are filed lazily: a dimension (a label key counts as one) is indexed only while some
 * clause is filed under it, and is built by one pass over the objects the first time its objects
 * are asked for. Loading 10,000 objects before any policy then costs no index work, nor does
 * loading them after the policies, and objects are never filed under dimensions (other label
 * keys, groups) no clause looks at.
 */
import type { Labels } from './labelselector.js';
import type { CompiledClause } from './match.js';

export type FixedDim = 'name' | 'namespace' | 'resource' | 'group';

/** One bucket a clause is filed under; `key` is the label key for dim 'label', else ''. */
export interface Slot {
  readonly dim: FixedDim | 'label';
  readonly key: string;
  readonly value: string;
}

/** What the index needs to know about an object; `labels` must be the labels it is filed with. */
export interface Indexable {
  readonly group: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels?: Labels;
}

/**
 * The buckets a clause could be filed under, one alternative per dimension it constrains, in
 * order of typical selectivity: names, namespaces, object labels (when every object selector
 * requires one), resources (the group, if any, is checked by matching), group. Any one of them
 * holds every object the clause matches. No alternative at all: the clause constrains nothing
 * indexable (filed under "anything"). An alternative with no bucket: the clause's object
 * selectors are all invalid, so it can never match.
 */
export function clauseSlotOptions(c: CompiledClause): Array<readonly Slot[]> {
  const concrete = (s: ReadonlySet<string> | undefined) => (s && !s.has('*') ? [...s] : undefined);
  const fixed = (dim: FixedDim, values: string[]): Slot[] => values.map((value) => ({ dim, key: '', value }));
  const out: Array<readonly Slot[]> = [];
  const names = concrete(c.objectNames);
  if (names) out.push(fixed('name', names));
  const namespaces = concrete(c.namespaces);
  if (namespaces) out.push(fixed('namespace', namespaces));
  const sels = c.objectSelectors;
  if (sels && sels.every((s) => s.requiredPair !== undefined)) {
    const seen = new Set<string>();
    const slots: Slot[] = [];
    for (const s of sels) {
      // Label keys hold no '=', so requiredLabel names the (key, value) pair unambiguously.
      if (!seen.has(s.requiredLabel!)) slots.push({ dim: 'label', ...s.requiredPair! });
      seen.add(s.requiredLabel!);
    }
    out.push(slots);
  }
  const resources = concrete(c.resources);
  if (resources) out.push(fixed('resource', resources));
  if (c.apiGroup !== undefined) out.push(fixed('group', [c.apiGroup]));
  return out;
}

/** The first (most selective) alternative of clauseSlotOptions, or 'all'. */
export function clauseSlots(c: CompiledClause): readonly Slot[] | 'all' {
  return clauseSlotOptions(c)[0] ?? 'all';
}

/** The value of label `key` in `labels`, if it has one of its own. */
export function labelValue(labels: Labels, key: string): string | undefined {
  return labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** value -> things, per dimension; label dimensions keyed by label key. */
class Dims<T> {
  readonly name = new Map<string, T>();
  readonly namespace = new Map<string, T>();
  readonly resource = new Map<string, T>();
  readonly group = new Map<string, T>();
  readonly labels = new Map<string, Map<string, T>>();

  /** The value map of a dimension; created on demand when `create`. */
  map(dim: FixedDim | 'label', key: string, create: true): Map<string, T>;
  map(dim: FixedDim | 'label', key: string, create?: false): Map<string, T> | undefined;
  map(dim: FixedDim | 'label', key: string, create = false): Map<string, T> | undefined {
    if (dim !== 'label') return this[dim];
    let m = this.labels.get(key);
    if (!m && create) this.labels.set(key, (m = new Map()));
    return m;
  }
}

/**
 * Objects filed under string values. Most buckets of the name dimension (and of rare label
 * values) hold one object, stored as itself; more are kept in an array (cheap to fill and to
 * iterate), which becomes a Set when an object is removed from a large one. An object must not
 * be added to a bucket that already holds it (the index never does), and `O` must not be an
 * array type.
 */
export class Buckets<O extends object> {
  private readonly m = new Map<string, O | O[] | Set<O>>();

  add(value: string, o: O): void {
    const cur = this.m.get(value);
    if (cur === undefined) this.m.set(value, o);
    else if (Array.isArray(cur)) cur.push(o);
    else if (cur instanceof Set) cur.add(o);
    else if (cur !== o) this.m.set(value, [cur, o]);
  }

  remove(value: string, o: O): void {
    const cur = this.m.get(value);
    if (cur === undefined) return;
    if (Array.isArray(cur)) {
      if (cur.length > SMALL) return this.removeFromSet(value, new Set(cur), o);
      const i = cur.indexOf(o);
      if (i < 0) return;
      cur[i] = cur[cur.length - 1];
      cur.pop();
      if (cur.length === 1) this.m.set(value, cur[0]);
    } else if (cur instanceof Set) this.removeFromSet(value, cur, o);
    else if (cur === o) this.m.delete(value);
  }

  private removeFromSet(value: string, set: Set<O>, o: O): void {
    set.delete(o);
    if (set.size) this.m.set(value, set);
    else this.m.delete(value);
  }

  /** The objects under `value` (a live view: do not change the bucket while iterating). */
  get(value: string): Iterable<O> {
    const cur = this.m.get(value);
    return cur === undefined ? NONE : Array.isArray(cur) || cur instanceof Set ? cur : [cur];
  }

  size(value: string): number {
    const cur = this.m.get(value);
    return cur === undefined ? 0 : Array.isArray(cur) ? cur.length : cur instanceof Set ? cur.size : 1;
  }
}

/** Arrays up to this size are searched to remove an object; larger ones turn into Sets. */
const SMALL = 32;

const NONE: readonly never[] = [];

/**
 * Clause refs `R` by bucket, and objects `O` by bucket for the dimensions in use. The namespace
 * dimension can also be held (retainNamespaces) by users that need the objects of a namespace,
 * e.g. to re-evaluate them when its labels change.
 */
export class MatchIndex<R, O extends Indexable> {
  private readonly clauses = new Dims<R[]>();
  private readonly anything: R[] = [];
  /** Uses (filed clauses, namespace holds) per dimension; objects are filed while > 0. */
  private readonly fixedUses: Record<FixedDim, number> = { name: 0, namespace: 0, resource: 0, group: 0 };
  private readonly labelUses = new Map<string, number>();
  // One field per dimension (not a record indexed by name): every access site stays monomorphic.
  private byName: Buckets<O> | undefined = undefined;
  private byNamespace: Buckets<O> | undefined = undefined;
  private byResource: Buckets<O> | undefined = undefined;
  private byGroup: Buckets<O> | undefined = undefined;
  private readonly labelObjects = new Map<string, Buckets<O>>();
  /** Objects added and not removed. */
  private objectTotal = 0;

  /** @param allObjects every object currently known, to build a dimension when it comes into use */
  constructor(private readonly allObjects: () => Iterable<O>) {}

  // ---- clauses ----

  addClause(slots: readonly Slot[] | 'all', ref: R): void {
    if (slots === 'all') return void this.anything.push(ref);
    for (const s of slots) {
      const m = this.clauses.map(s.dim, s.key, true);
      const list = m.get(s.value);
      if (list) list.push(ref);
      else m.set(s.value, [ref]);
      this.use(s.dim, s.key, 1);
    }
  }

  removeClause(slots: readonly Slot[] | 'all', ref: R): void {
    if (slots === 'all') return void removeItem(this.anything, ref);
    for (const s of slots) {
      const m = this.clauses.map(s.dim, s.key)!;
      const list = m.get(s.value)!;
      removeItem(list, ref);
      if (!list.length) {
        m.delete(s.value);
        if (s.dim === 'label' && !m.size) this.clauses.labels.delete(s.key);
      }
      this.use(s.dim, s.key, -1);
    }
  }

  /**
   * Writes every clause ref filed under a bucket of `o` into `out` from index `n` (a ref may come
   * twice) and returns the new count. `out` is a scratch array: it only grows, and entries past
   * the count are stale.
   */
  clausesOf(o: Indexable, out: R[], n = 0): number {
    n = copyList(this.anything, out, n);
    const c = this.clauses;
    if (c.name.size) n = copyList(c.name.get(o.name), out, n);
    if (c.namespace.size) n = copyList(c.namespace.get(o.namespace), out, n);
    if (c.resource.size) n = copyList(c.resource.get(o.resource), out, n);
    if (c.group.size) n = copyList(c.group.get(o.group), out, n);
    return this.labelClausesOf(o.labels, out, n);
  }

  /** The part of clausesOf filed under object labels, for the given labels. */
  labelClausesOf(labels: Labels, out: R[], n = 0): number {
    if (labels === undefined || !this.clauses.labels.size) return n;
    for (const [key, byValue] of this.clauses.labels) {
      const v = labelValue(labels, key);
      if (v !== undefined) n = copyList(byValue.get(v), out, n);
    }
    return n;
  }

  /** True when no clause at all is filed. */
  get empty(): boolean {
    const c = this.clauses;
    return (
      !this.anything.length &&
      !c.name.size &&
      !c.namespace.size &&
      !c.resource.size &&
      !c.group.size &&
      !c.labels.size
    );
  }

  // ---- objects ----

  /** The objects under one bucket; its dimension must be in use (a clause filed there, or a hold). */
  objectsIn(s: Slot): Iterable<O> {
    return this.built(s.dim, s.key)?.get(s.value) ?? NONE;
  }

  objectCount(s: Slot): number {
    return this.built(s.dim, s.key)?.size(s.value) ?? 0;
  }

  /**
   * Picks where to file a clause among its clauseSlotOptions: the alternative with the fewest
   * objects to visit, a dimension no clause uses yet counting as every object (building it
   * visits them all); ties go to the earlier (typically more selective) one. With no objects
   * yet this is the first alternative. Any choice is correct; this one keeps both policy changes
   * (they visit the chosen buckets) and object changes (they evaluate the clauses filed under
   * their buckets) cheap, and avoids building a dimension for a few clauses when another will do.
   */
  chooseSlots(options: ReadonlyArray<readonly Slot[]>): readonly Slot[] | 'all' {
    if (!options.length) return 'all';
    let best = options[0];
    let bestCost = this.cost(best);
    for (let i = 1; i < options.length && bestCost > 0; i++) {
      const cost = this.cost(options[i]);
      if (cost < bestCost) {
        best = options[i];
        bestCost = cost;
      }
    }
    return best;
  }

  private cost(slots: readonly Slot[]): number {
    let n = 0;
    for (const s of slots) {
      // A dimension in use is (or is about to be) built anyway: its buckets count as they are.
      const b = this.built(s.dim, s.key);
      n += b ? b.size(s.value) : this.objectTotal;
    }
    return n;
  }

  /** The objects of a namespace; complete only while retainNamespaces() holds. */
  objectsInNamespace(ns: string): Iterable<O> {
    return this.built('namespace', '')?.get(ns) ?? NONE;
  }

  retainNamespaces(): void {
    this.use('namespace', '', 1);
  }

  releaseNamespaces(): void {
    this.use('namespace', '', -1);
  }

  /** Files a new object under every dimension in use. */
  addObject(o: O): void {
    this.objectTotal++;
    this.byName?.add(o.name, o);
    this.byNamespace?.add(o.namespace, o);
    this.byResource?.add(o.resource, o);
    this.byGroup?.add(o.group, o);
    const labels = o.labels;
    if (labels !== undefined && this.labelObjects.size)
      for (const [key, b] of this.labelObjects) {
        const v = labelValue(labels, key);
        if (v !== undefined) b.add(v, o);
      }
  }

  /** Unfiles an object; `o.labels` must still be the labels it was filed with. */
  removeObject(o: O): void {
    this.objectTotal--;
    this.byName?.remove(o.name, o);
    this.byNamespace?.remove(o.namespace, o);
    this.byResource?.remove(o.resource, o);
    this.byGroup?.remove(o.group, o);
    const labels = o.labels;
    if (labels !== undefined && this.labelObjects.size)
      for (const [key, b] of this.labelObjects) {
        const v = labelValue(labels, key);
        if (v !== undefined) b.remove(v, o);
      }
  }

  /** Moves an object between label buckets (name, namespace, resource and group never change). */
  relabelObject(o: O, before: Labels, after: Labels): void {
    if (!this.labelObjects.size) return;
    for (const [key, b] of this.labelObjects) {
      const was = labelValue(before, key);
      const now = labelValue(after, key);
      if (was === now) continue;
      if (was !== undefined) b.remove(was, o);
      if (now !== undefined) b.add(now, o);
    }
  }

  /** Dimensions whose objects are filed (built and kept up to date): for tests. */
  dimensionsInUse(): string[] {
    const fixed = FIXED.filter((d) => this.bucketsOf(d, ''));
    return [...fixed, ...[...this.labelObjects.keys()].map((k) => `label:${k}`)];
  }

  // ---- internals ----

  private bucketsOf(dim: FixedDim | 'label', key: string): Buckets<O> | undefined {
    switch (dim) {
      case 'name':
        return this.byName;
      case 'namespace':
        return this.byNamespace;
      case 'resource':
        return this.byResource;
      case 'group':
        return this.byGroup;
      default:
        return this.labelObjects.get(key);
    }
  }

  /** Counts uses of a dimension; drops its object buckets at the last. */
  private use(dim: FixedDim | 'label', key: string, delta: 1 | -1): void {
    let n: number;
    if (dim === 'label') {
      n = (this.labelUses.get(key) ?? 0) + delta;
      if (n > 0) this.labelUses.set(key, n);
      else this.labelUses.delete(key);
    } else n = this.fixedUses[dim] += delta;
    if (n === 0) this.setBuckets(dim, key, undefined);
  }

  /**
   * The object buckets of a dimension in use (undefined for one not in use), built by one pass
   * over the objects when first asked for, and kept up to date from then on. Not built when the
   * first clause is filed: policies loaded before the objects then cost the objects nothing.
   */
  private built(dim: FixedDim | 'label', key: string): Buckets<O> | undefined {
    const b = this.bucketsOf(dim, key);
    if (b !== undefined || !this.objectTotal) return b;
    const uses = dim === 'label' ? (this.labelUses.get(key) ?? 0) : this.fixedUses[dim];
    if (!uses) return undefined;
    const made = this.build(dim, key);
    this.setBuckets(dim, key, made);
    return made;
  }

  private setBuckets(dim: FixedDim | 'label', key: string, b: Buckets<O> | undefined): void {
    switch (dim) {
      case 'name':
        this.byName = b;
        break;
      case 'namespace':
        this.byNamespace = b;
        break;
      case 'resource':
        this.byResource = b;
        break;
      case 'group':
        this.byGroup = b;
        break;
      default:
        if (b) this.labelObjects.set(key, b);
        else this.labelObjects.delete(key);
    }
  }

  /** Files every known object under one dimension (one loop per dimension, each monomorphic). */
  private build(dim: FixedDim | 'label', key: string): Buckets<O> {
    const b = new Buckets<O>();
    const all = this.allObjects();
    switch (dim) {
      case 'name':
        for (const o of all) b.add(o.name, o);
        break;
      case 'namespace':
        for (const o of all) b.add(o.namespace, o);
        break;
      case 'resource':
        for (const o of all) b.add(o.resource, o);
        break;
      case 'group':
        for (const o of all) b.add(o.group, o);
        break;
      default:
        for (const o of all) {
          const v = labelValue(o.labels, key);
          if (v !== undefined) b.add(v, o);
        }
    }
    return b;
  }
}

function copyList<R>(list: readonly R[] | undefined, out: R[], n: number): number {
  if (list) for (let i = 0; i < list.length; i++) out[n++] = list[i];
  return n;
}

const FIXED: readonly FixedDim[] = ['name', 'namespace', 'resource', 'group'];

function removeItem<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

export const labelsEqual = (a: Labels, b: Labels): boolean => {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
};
