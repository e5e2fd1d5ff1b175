/**
 * Which resources of a WDS are candidate workload (kubestellar-semantics.md §2.1): excluded groups
 * and group/resources, the `--api-groups` allow-list, and list+watch verbs.
 */
import { ALWAYS_ALLOWED_GROUPS, EXCLUDED_GROUPS, EXCLUDED_GROUP_RESOURCES } from '../../api/constants.js';
import { grKey } from './objectid.js';

/** Resource names of the excluded group/resources: the `group/resource` text is built only for these. */
const EXCLUDED_RESOURCE_NAMES: ReadonlySet<string> = new Set(
  [...EXCLUDED_GROUP_RESOURCES].map((gr) => gr.slice(gr.lastIndexOf('/') + 1)),
);

/** True for resources that are never workload, whatever a policy says (A5). */
export function isExcludedResource(group: string, resource: string): boolean {
  return (
    EXCLUDED_GROUPS.has(group) ||
    (EXCLUDED_RESOURCE_NAMES.has(resource) && EXCLUDED_GROUP_RESOURCES.has(grKey(group, resource)))
  );
}

/**
 * Parses `--api-groups` (UNIT-06): split on `,` without trimming, `""` entries meaning the core
 * group; the always-allowed groups are added. An empty flag means "no restriction" (undefined).
 */
export function parseApiGroups(flag: string | undefined): ReadonlySet<string> | undefined {
  if (!flag) return undefined;
  return new Set([...flag.split(','), ...ALWAYS_ALLOWED_GROUPS]);
}

/** Whether a group passes the allow-list (undefined = everything allowed). */
export function isGroupAllowed(allow: ReadonlySet<string> | undefined, group: string): boolean {
  return !allow || allow.has(group);
}

/** A resource as API discovery reports it. */
export interface DiscoveredResource {
  group: string;
  resource: string;
  verbs: readonly string[];
}

/** Whether the engine should watch this resource for workload objects. */
export function isCandidateResource(r: DiscoveredResource, allow?: ReadonlySet<string>): boolean {
  if (r.resource.includes('/')) return false; // subresource
  if (!r.verbs.includes('list') || !r.verbs.includes('watch')) return false;
  return isGroupAllowed(allow, r.group) && !isExcludedResource(r.group, r.resource);
}
