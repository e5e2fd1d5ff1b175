/**
 * Bucket indexes of the Resolver: clauses are filed under the most selective dimension they
 * constrain (group/resource, group, namespace, name, or "anything"), objects under every bucket
 * name a clause matching them could use, so either side finds its candidates by a few lookups.
 */
import type { Labels } from './labelselector.js';
import type { CompiledClause } from './match.js';
import type { ObjectRef } from './objectid.js';

export interface ClauseRef {
  policy: string;
  clause: CompiledClause;
}

export const ALL = 'all';

/**
 * The index buckets a clause is filed under: its most selective constrained dimension, in the
 * order names, namespaces, object labels, group/resource, group (typical selectivity). No bucket at all for a clause
 * whose object selectors are all invalid: it can never match.
 */
export function clauseIndexKeys(c: CompiledClause): string[] {
  const concrete = (s: ReadonlySet<string> | undefined) => (s && !s.has('*') ? [...s] : undefined);
  const names = concrete(c.objectNames);
  if (names) return names.map((n) => `o:${n}`);
  const namespaces = concrete(c.namespaces);
  if (namespaces) return namespaces.map((n) => `n:${n}`);
  const sels = c.objectSelectors;
  if (sels && sels.every((s) => s.requiredLabel !== undefined))
    return [...new Set(sels.map((s) => `l:${s.requiredLabel}`))];
  const resources = concrete(c.resources);
  if (resources) return resources.map((r) => `r:${c.apiGroup ?? '*'}|${r}`);
  if (c.apiGroup !== undefined) return [`g:${c.apiGroup}`];
  return [ALL];
}

/** The buckets that can hold clauses matching an object; they change with its labels. */
export function objectBuckets(o: ObjectRef & { labels?: Labels }): string[] {
  const [r, rAny, g] = cached(typeCache, o.group, o.resource, () => [
    `r:${o.group}|${o.resource}`,
    `r:*|${o.resource}`,
    `g:${o.group}`,
  ]);
  const out = [r, rAny, g, cached(nsCache, 'n', o.namespace, () => `n:${o.namespace}`), `o:${o.name}`, ALL];
  const labels = o.labels;
  if (labels)
    for (const k in labels)
      if (Object.hasOwn(labels, k)) out.push(cached(labelCache, k, labels[k], () => `l:${k}=${labels[k]}`));
  return out;
}

/*
 * Bucket names are shared between the many objects of one type, namespace or label: built once,
 * their hashes are computed once, so filing an object costs map lookups, not string building.
 * The caches are dropped when they grow large (e.g. many one-off label values).
 */
type Cache<T> = Map<string, Map<string, T>>;
const typeCache: Cache<readonly string[]> = new Map();
const nsCache: Cache<string> = new Map();
const labelCache: Cache<string> = new Map();
const CACHE_LIMIT = 50_000;
let cacheSize = 0;

function cached<T>(cache: Cache<T>, a: string, b: string, make: () => T): T {
  let inner = cache.get(a);
  if (!inner) cache.set(a, (inner = new Map()));
  let v = inner.get(b);
  if (v === undefined) {
    if (++cacheSize > CACHE_LIMIT) {
      typeCache.clear();
      nsCache.clear();
      labelCache.clear();
      cacheSize = 1;
      cache.set(a, (inner = new Map()));
    }
    inner.set(b, (v = make()));
  }
  return v;
}

export function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

export function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (s && s.delete(v) && !s.size) m.delete(k);
}

export const labelsEqual = (a: Labels, b: Labels): boolean => {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
};

/**
 * String keys filed under string buckets. Most object buckets (`o:name`, rare labels) hold one
 * key, so a lone key is stored as itself and a Set is made only for the second: 10,000 objects
 * then cost a few hundred Sets instead of tens of thousands.
 */
export class BucketIndex {
  private readonly buckets = new Map<string, string | Set<string>>();

  add(bucket: string, key: string): void {
    const cur = this.buckets.get(bucket);
    if (cur === undefined) this.buckets.set(bucket, key);
    else if (typeof cur === 'string') {
      if (cur !== key) this.buckets.set(bucket, new Set([cur, key]));
    } else cur.add(key);
  }

  remove(bucket: string, key: string): void {
    const cur = this.buckets.get(bucket);
    if (cur === undefined) return;
    if (typeof cur === 'string') {
      if (cur === key) this.buckets.delete(bucket);
    } else if (cur.delete(key)) {
      if (cur.size === 1) this.buckets.set(bucket, cur.values().next().value!);
      else if (!cur.size) this.buckets.delete(bucket);
    }
  }

  /** The keys in a bucket (a live view; do not change the bucket while iterating). */
  get(bucket: string): Iterable<string> {
    const cur = this.buckets.get(bucket);
    return cur === undefined ? NONE : typeof cur === 'string' ? [cur] : cur;
  }

  size(bucket: string): number {
    const cur = this.buckets.get(bucket);
    return cur === undefined ? 0 : typeof cur === 'string' ? 1 : cur.size;
  }
}

const NONE: readonly string[] = [];
