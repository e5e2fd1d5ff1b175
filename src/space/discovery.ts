import { createHash } from 'node:crypto';
import type { Registry } from './registry.js';
import type { ResourceDef } from './types.js';

/** Legacy and aggregated (v2) discovery documents (apiserver-compat.md §2). */

function subresourceVerbs(sub: string): string[] {
  return sub === 'finalize' ? ['update'] : ['get', 'patch', 'update'];
}

function subresourcesOf(
  def: ResourceDef,
): Array<{ name: string; group?: string; version?: string; kind: string }> {
  const subs: Array<{ name: string; group?: string; version?: string; kind: string }> = [];
  if (def.group === '' && def.resource === 'namespaces') subs.push({ name: 'finalize', kind: 'Namespace' });
  if (def.subresources?.scale)
    subs.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale' });
  if (def.subresources?.status) subs.push({ name: 'status', kind: def.kind });
  return subs;
}

function storageVersionHash(def: ResourceDef): string {
  return createHash('sha256').update(`${def.group}/${def.version}/${def.kind}`).digest('base64').slice(0, 11);
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(registry: Registry, group: string) {
  const versions = registry.versions(group).map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: Registry) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter((g) => g !== '')
      .map((g) => groupDoc(registry, g)),
  };
}

export function apiGroup(registry: Registry, group: string) {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(registry, group) };
}

export function apiResourceList(registry: Registry, group: string, version: string) {
  const resources: any[] = [];
  for (const def of registry.resources(group, version)) {
    const r: any = {
      name: def.resource,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: def.verbs,
    };
    if (def.shortNames?.length) r.shortNames = def.shortNames;
    if (def.categories?.length) r.categories = def.categories;
    if (!def.review) r.storageVersionHash = storageVersionHash(def);
    resources.push(r);
    for (const s of subresourcesOf(def)) {
      const sr: any = {
        name: `${def.resource}/${s.name}`,
        singularName: '',
        namespaced: def.namespaced,
        kind: s.kind,
        verbs: subresourceVerbs(s.name),
      };
      if (s.group !== undefined) {
        sr.group = s.group;
        sr.version = s.version;
      }
      resources.push(sr);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function discoveryResource(def: ResourceDef) {
  const own = def.crd
    ? { group: def.group, version: def.version, kind: def.kind }
    : { group: '', version: '', kind: def.kind };
  const r: any = {
    resource: def.resource,
    responseKind: own,
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs,
  };
  if (def.shortNames?.length) r.shortNames = def.shortNames;
  if (def.categories?.length) r.categories = def.categories;
  const subs = subresourcesOf(def);
  if (subs.length)
    r.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: s.group !== undefined ? { group: s.group, version: s.version, kind: s.kind } : own,
      verbs: subresourceVerbs(s.name),
    }));
  return r;
}

/** APIGroupDiscoveryList for `/api` (legacy: true) or `/apis`. */
export function aggregatedDiscovery(registry: Registry, legacy: boolean) {
  const groups = legacy ? [''] : registry.groups().filter((g) => g !== '');
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g },
      versions: registry.versions(g).map((v) => ({
        version: v,
        freshness: 'Current',
        resources: registry.resources(g, v).map(discoveryResource),
      })),
    })),
  };
}

export const DISCOVERY_V2_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
