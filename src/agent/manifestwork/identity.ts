/**
 * Who a manifest is on the WEC: group, version, kind, resource and scope through a caller-supplied
 * REST-mapping resolver, plus the `manifestConfigs` entry (merged as OCM merges them) that applies
 * to it (provisioning.md §2.2).
 */
import type { KObject } from '../../api/meta.js';
import { parseApiVersion } from '../../api/meta.js';
import type {
  ConditionRule,
  FeedbackRule,
  IgnoreField,
  ManifestConfigOption,
  ManifestResourceMeta,
  ResourceIdentifier,
  UpdateStrategyType,
} from '../../api/ocm.js';
import { DEFAULT_FIELD_MANAGER } from './constants.js';

export interface ResolvedResource {
  resource: string;
  namespaced: boolean;
}

/** The WEC's REST mapping: undefined when the kind is not served (e.g. its CRD is missing). */
export type ResourceResolver = (apiVersion: string, kind: string) => ResolvedResource | undefined;

/** Full identity of a manifest on the WEC; `namespace` is "" for cluster-scoped objects. */
export interface ManifestIdentity {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  namespace: string;
  name: string;
}

/** The four fields OCM identifies an object by (ResourceIdentifier): version-independent. */
export interface ResourceKey {
  group?: string;
  resource: string;
  namespace?: string;
  name: string;
}

/** Map key of a ResourceKey: `group/resource/namespace/name`. */
export const resourceKey = (r: ResourceKey): string =>
  `${r.group ?? ''}/${r.resource}/${r.namespace ?? ''}/${r.name}`;

/** `*` matches any run of characters; everything else is literal. An empty pattern matches only "". */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`);
  return re.test(value);
}
const escapeRe = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** Does a manifestConfigs resourceIdentifier select this object? group/resource exact, name/namespace globs. */
export function identifierMatches(
  ri: ResourceIdentifier,
  id: Pick<ManifestIdentity, 'group' | 'resource' | 'namespace' | 'name'>,
): boolean {
  return (
    (ri.group ?? '') === id.group &&
    ri.resource === id.resource &&
    globMatch(ri.namespace ?? '', id.namespace) &&
    globMatch(ri.name, id.name)
  );
}

/** The apply strategy with the CRD's defaults filled in. */
export interface ResolvedStrategy {
  type: UpdateStrategyType;
  /** ServerSideApply only. */
  fieldManager?: string;
  force?: boolean;
  ignoreFields?: IgnoreField[];
}

export interface ResolvedConfig {
  strategy: ResolvedStrategy;
  feedbackRules: FeedbackRule[];
  conditionRules: ConditionRule[];
}

/**
 * Merges every matching manifestConfigs entry: the first one that has feedbackRules supplies them,
 * likewise conditionRules and updateStrategy (OCM's rule). No match: Update, no rules.
 */
export function resolveConfig(
  configs: readonly ManifestConfigOption[] | undefined,
  id: Pick<ManifestIdentity, 'group' | 'resource' | 'namespace' | 'name'> | undefined,
): ResolvedConfig {
  const matching = id
    ? (configs ?? []).filter((c) => c.resourceIdentifier && identifierMatches(c.resourceIdentifier, id))
    : [];
  const us = matching.find((c) => c.updateStrategy)?.updateStrategy;
  const strategy: ResolvedStrategy = { type: us?.type ?? 'Update' };
  if (strategy.type === 'ServerSideApply') {
    strategy.fieldManager = us?.serverSideApply?.fieldManager || DEFAULT_FIELD_MANAGER;
    strategy.force = us?.serverSideApply?.force ?? false;
    const ignore = us?.serverSideApply?.ignoreFields;
    if (ignore?.length) strategy.ignoreFields = ignore;
  }
  return {
    strategy,
    feedbackRules: matching.find((c) => c.feedbackRules?.length)?.feedbackRules ?? [],
    conditionRules: matching.find((c) => c.conditionRules?.length)?.conditionRules ?? [],
  };
}

export interface IdentifyResult {
  meta: ManifestResourceMeta;
  /** Undefined when the kind is not served or the manifest cannot be identified. */
  id?: ManifestIdentity;
  /** The manifest cannot be applied as written (no apiVersion/kind/name, no namespace). */
  error?: string;
}

/**
 * Identifies manifest `ordinal`. `resourceMeta` always carries every field (empty strings where
 * unknown) because OCM's Go struct has no omitempty there.
 */
export function identifyManifest(
  ordinal: number,
  manifest: KObject,
  resolve: ResourceResolver,
): IdentifyResult {
  const apiVersion = typeof manifest.apiVersion === 'string' ? manifest.apiVersion : '';
  const kind = typeof manifest.kind === 'string' ? manifest.kind : '';
  const name = typeof manifest.metadata?.name === 'string' ? manifest.metadata.name : '';
  const rawNs = typeof manifest.metadata?.namespace === 'string' ? manifest.metadata.namespace : '';
  const { group, version } = parseApiVersion(apiVersion);
  const meta: ManifestResourceMeta = { ordinal, group, version, kind, resource: '', name, namespace: rawNs };
  if (!apiVersion || !kind) return { meta, error: 'the manifest has no apiVersion or kind' };
  if (!name) return { meta, error: 'the manifest has no metadata.name' };
  const resolved = resolve(apiVersion, kind);
  if (!resolved) return { meta };
  const namespace = resolved.namespaced ? rawNs : '';
  meta.resource = resolved.resource;
  meta.namespace = namespace;
  const id: ManifestIdentity = {
    group,
    version,
    kind,
    resource: resolved.resource,
    namespaced: resolved.namespaced,
    namespace,
    name,
  };
  if (resolved.namespaced && !namespace)
    return {
      meta,
      id,
      error: `${kind} ${JSON.stringify(name)} is namespaced but the manifest has no metadata.namespace`,
    };
  return { meta, id };
}
