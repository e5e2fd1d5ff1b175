import type { Registry } from '../registry.js';
import type { ResourceDef } from '../types.js';

/** What a request path addresses (apiserver-compat.md §4.1). */
export type RequestTarget =
  | { type: 'root' }
  | { type: 'api-versions' } // GET /api
  | { type: 'api-groups' } // GET /apis
  | { type: 'api-group'; group: string } // GET /apis/<g>
  | { type: 'api-resources'; group: string; version: string } // GET /api/v1, /apis/<g>/<v>
  | {
      type: 'resource';
      group: string;
      version: string;
      def: ResourceDef;
      namespace?: string;
      name?: string;
      subresource?: string;
      watchPath: boolean;
    }
  | { type: 'not-found' };

export function parseTarget(path: string, registry: Registry): RequestTarget {
  const parts = path
    .split('/')
    .filter((p) => p.length > 0)
    .map(decodeURIComponent);
  if (parts.length === 0) return { type: 'root' };
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'api-versions' };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'api-groups' };
    if (parts.length === 2)
      return registry.versions(parts[1]).length
        ? { type: 'api-group', group: parts[1] }
        : { type: 'not-found' };
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { type: 'not-found' };
  }
  if (!registry.hasGroupVersion(group, version)) return { type: 'not-found' };
  if (rest.length === 0) return { type: 'api-resources', group, version };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // namespaces/X/Y… is a namespaced request when Y is a namespaced resource of this GV.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const def = registry.get(group, version, rest[2]);
    if (def?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const def = registry.get(group, version, rest[0]);
  if (!def || rest.length > 3) return { type: 'not-found' };
  if (namespace === undefined && def.namespaced && rest.length > 1) {
    // A namespaced object path without a namespace (e.g. /api/v1/pods/x) does not exist.
    return { type: 'not-found' };
  }
  return {
    type: 'resource',
    group,
    version,
    def,
    namespace,
    name: rest[1],
    subresource: rest[2],
    watchPath,
  };
}
