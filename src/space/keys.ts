import type { ResourceDef } from './types.js';

/**
 * Storage keys: `/<group|core>/<resource>/<namespace>/<name>` for namespaced kinds and
 * `/<group|core>/<resource>/<name>` for cluster-scoped ones. The version is not part of the key:
 * all served versions of a resource share one stored object. Byte order of keys is list order
 * (namespace, then name).
 */
export function resourcePrefix(def: Pick<ResourceDef, 'group' | 'resource'>): string {
  return `/${def.group || 'core'}/${def.resource}/`;
}

export function collectionPrefix(def: ResourceDef, namespace?: string): string {
  const base = resourcePrefix(def);
  return def.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function objectKey(def: ResourceDef, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${resourcePrefix(def)}${namespace}/${name}` : `${resourcePrefix(def)}${name}`;
}

export function apiVersionOf(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
