/**
 * Object identifiers of workload objects in a WDS: (group, version, kind, resource, namespace,
 * name), with the keys and texts the engine uses for them.
 */

/** Identity of a workload object; `namespace` is "" for cluster-scoped objects. */
export interface ObjectRef {
  group: string;
  resource: string;
  namespace: string;
  name: string;
}

/** An ObjectRef plus the version (WDS preferred version) and kind. */
export interface ObjectId extends ObjectRef {
  version: string;
  kind: string;
}

/**
 * Map key of an object: `group/resource/namespace/name`. Unambiguous because none of the parts
 * can contain `/`. The version is left out on purpose: one object has one identity even when
 * its CRD serves several versions (§2.1 quirk avoided).
 */
export function objectKey(r: ObjectRef): string {
  // join builds one flat string; concatenation would keep a tree of partial strings alive in
  // every map the key sits in.
  return [r.group, r.resource, r.namespace, r.name].join('/');
}

/** Inverse of objectKey. */
export function parseObjectKey(key: string): ObjectRef {
  const [group, resource, namespace, ...rest] = key.split('/');
  return { group, resource, namespace, name: rest.join('/') };
}

/** `group/resource` key (core: `/configmaps`). */
export function grKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

/** Go's GroupVersionResource String(): `apps/v1, Resource=deployments`, core `/v1, Resource=configmaps`. */
export function gvrString(group: string, version: string, resource: string): string {
  return `${group}/${version}, Resource=${resource}`;
}

/**
 * Human text of an object id (UNIT-07): `apps/v1/deployments(default/nginx)`,
 * `rbac.authorization.k8s.io/v1/clusterroles(admin)`, `v1/pods(kube-system/coredns-abc123)`.
 */
export function objectIdText(id: ObjectRef & { version: string }): string {
  const gv = id.group ? `${id.group}/${id.version}` : id.version;
  const where = id.namespace ? `${id.namespace}/${id.name}` : id.name;
  return `${gv}/${id.resource}(${where})`;
}
