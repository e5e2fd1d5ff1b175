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
  const out = [
    `r:${o.group}|${o.resource}`,
    `r:*|${o.resource}`,
    `g:${o.group}`,
    `n:${o.namespace}`,
    `o:${o.name}`,
    ALL,
  ];
  for (const [k, v] of Object.entries(o.labels ?? {})) out.push(`l:${k}=${v}`);
  return out;
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
