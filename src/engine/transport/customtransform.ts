/**
 * Digesting CustomTransforms (kubestellar-semantics.md §1.3, §3.3.3, §3.11): parse every
 * `spec.remove` query, compute each transform's status (errors, warnings) and the valid queries
 * per group/resource, then apply them to objects.
 */
import type { CustomTransform, CustomTransformStatus } from '../../api/control.js';
import type { KObject } from '../../api/meta.js';
import { JsonPathSyntaxError, parseRemovePath, removeAt, type Segment } from './jsonpath.js';

/** A parsed, valid remove query with its source text. */
export interface RemoveQuery {
  text: string;
  segments: Segment[];
}

export interface DigestedTransforms {
  /** Valid queries per `group/resource` (core: `/configmaps`), transforms in name order. */
  byGroupResource: ReadonlyMap<string, readonly RemoveQuery[]>;
  /** The status each CustomTransform should have, by name. */
  statuses: ReadonlyMap<string, CustomTransformStatus>;
}

export const grOf = (group: string, resource: string): string => `${group}/${resource}`;

/** Parses one query: the query, or upstream's error text for spec.remove[i]. */
export function parseRemoveQuery(text: string, i: number): RemoveQuery | { error: string } {
  try {
    const segments = parseRemovePath(text);
    if (!segments.length) return { error: `Invalid spec.remove[${i}]: it identifies the whole object` };
    return { text, segments };
  } catch (e) {
    if (e instanceof JsonPathSyntaxError) return { error: `Error in spec.remove[${i}]: ${e.message}` };
    throw e;
  }
}

/**
 * Digests all CustomTransforms at once. Unlike upstream (status written lazily, only once some
 * Binding uses the group/resource), every transform's status is computed, so mistakes show at once.
 */
export function digestCustomTransforms(transforms: readonly CustomTransform[]): DigestedTransforms {
  const sorted = [...transforms]
    .filter((t) => !t.metadata.deletionTimestamp)
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const namesByGr = new Map<string, string[]>();
  for (const t of sorted) {
    const gr = grOf(t.spec?.apiGroup ?? '', t.spec?.resource ?? '');
    namesByGr.set(gr, [...(namesByGr.get(gr) ?? []), t.metadata.name ?? '']);
  }
  const byGroupResource = new Map<string, RemoveQuery[]>();
  const statuses = new Map<string, CustomTransformStatus>();
  for (const t of sorted) {
    const gr = grOf(t.spec?.apiGroup ?? '', t.spec?.resource ?? '');
    const errors: string[] = [];
    const valid: RemoveQuery[] = [];
    (t.spec?.remove ?? []).forEach((text, i) => {
      const q = parseRemoveQuery(text, i);
      if ('error' in q) errors.push(q.error);
      else valid.push(q);
    });
    byGroupResource.set(gr, [...(byGroupResource.get(gr) ?? []), ...valid]);
    const status: CustomTransformStatus = { observedGeneration: t.metadata.generation ?? 0 };
    if (errors.length) status.errors = errors;
    const names = namesByGr.get(gr)!;
    if (names.length > 1)
      status.warnings = [
        `multiple CustomTransform objects specify the same GroupResource; their names are [${names.join(' ')}]`,
      ];
    statuses.set(t.metadata.name ?? '', status);
  }
  return { byGroupResource, statuses };
}

/** Applies the transforms for the object's group/resource, in place. */
export function applyCustomTransforms(
  obj: KObject,
  group: string,
  resource: string,
  digested: DigestedTransforms | undefined,
): void {
  for (const q of digested?.byGroupResource.get(grOf(group, resource)) ?? []) removeAt(obj, q.segments);
}
