/**
 * The informer's object store: objects by `namespace/name` key, with secondary indexes (by
 * namespace and by label out of the box, plus any custom index function). Objects are shared,
 * not copied: callers must treat them as read-only.
 */
import type { KObject, LabelSelector } from '../../api/meta.js';
import { parseSelector, selectorMatches } from '../../kube/selectors.js';

/** Index values of one object (e.g. its namespace, its `key=value` labels). */
export type IndexFunc<T> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';
/** Values are `key=value` for each label. */
export const LABEL_INDEX = 'label';

/** client-go's MetaNamespaceKeyFunc: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name}` : `${obj.metadata?.name}`;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

const byNamespace: IndexFunc<KObject> = (o) => [o.metadata?.namespace ?? ''];
const byLabel: IndexFunc<KObject> = (o) =>
  Object.entries(o.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`);

export interface ListFilter {
  /** Only this namespace ('' for cluster-scoped objects). */
  namespace?: string;
  /** A LabelSelector or its string form. */
  labelSelector?: LabelSelector | string;
}

export class ObjectCache<T extends KObject = KObject> {
  private items = new Map<string, T>();
  private indexers = new Map<string, IndexFunc<T>>();
  /** index name -> index value -> keys */
  private indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexer(NAMESPACE_INDEX, byNamespace as IndexFunc<T>);
    this.addIndexer(LABEL_INDEX, byLabel as IndexFunc<T>);
    for (const [name, fn] of Object.entries(indexers)) this.addIndexer(name, fn);
  }

  /** Adds (or replaces) an index and builds it over the current contents. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.indexers.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indices.set(name, idx);
    for (const [key, obj] of this.items) for (const v of fn(obj)) addTo(idx, v, key);
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(name: string, namespace?: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Objects, optionally filtered by namespace and label selector (narrowed through the indexes). */
  list(f: ListFilter = {}): T[] {
    const sel = typeof f.labelSelector === 'string' ? parseSelector(f.labelSelector) : f.labelSelector;
    let keys: Iterable<string> | undefined;
    if (f.namespace !== undefined) keys = this.indexKeysSet(NAMESPACE_INDEX, f.namespace);
    const [k, v] = Object.entries(sel?.matchLabels ?? {})[0] ?? [];
    if (k !== undefined) {
      const byL = this.indexKeysSet(LABEL_INDEX, `${k}=${v}`);
      if (!keys || byL.size < (keys as Set<string>).size) keys = byL;
    }
    const out: T[] = [];
    const consider = (obj: T | undefined) => {
      if (!obj) return;
      if (f.namespace !== undefined && (obj.metadata?.namespace ?? '') !== f.namespace) return;
      if (sel && !selectorMatches(sel, obj.metadata?.labels)) return;
      out.push(obj);
    };
    if (keys) for (const key of keys) consider(this.items.get(key));
    else for (const obj of this.items.values()) consider(obj);
    return out;
  }

  /** Objects whose `index` function produced `value`. */
  byIndex(index: string, value: string): T[] {
    const out: T[] = [];
    for (const key of this.indexKeysSet(index, value)) out.push(this.items.get(key)!);
    return out;
  }

  indexKeys(index: string, value: string): string[] {
    return [...this.indexKeysSet(index, value)];
  }

  /** Every value an index currently holds. */
  indexValues(index: string): string[] {
    return [...(this.requireIndex(index).keys() ?? [])];
  }

  /** Stores `obj` and returns what it replaced. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) addTo(idx, v, key);
    }
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const s = idx.get(v);
        if (!s) continue;
        s.delete(key);
        if (s.size === 0) idx.delete(v);
      }
    }
  }

  private indexKeysSet(index: string, value: string): Set<string> {
    return this.requireIndex(index).get(value) ?? EMPTY;
  }

  private requireIndex(index: string): Map<string, Set<string>> {
    const idx = this.indices.get(index);
    if (!idx) throw new Error(`no index named "${index}"`);
    return idx;
  }
}

const EMPTY: Set<string> = new Set();

function addTo(idx: Map<string, Set<string>>, value: string, key: string): void {
  let s = idx.get(value);
  if (!s) idx.set(value, (s = new Set()));
  s.add(key);
}
