/**
 * OCM work-agent names that `src/api/constants.ts` does not carry (provisioning.md §2.3, §2.5).
 * Kept here because they matter only to the agent.
 */

/** Finalizer the agent puts on a ManifestWork before applying anything. */
export const MANIFEST_WORK_FINALIZER = 'cluster.open-cluster-management.io/manifest-work-cleanup';
/** Finalizer on an AppliedManifestWork; removed once its objects are gone. */
export const APPLIED_MANIFEST_WORK_FINALIZER =
  'cluster.open-cluster-management.io/applied-manifest-work-cleanup';
/** Annotation holding the hash of an SSA manifest minus its `ignoreFields` (OnSpokePresent). */
export const CONFIG_SPEC_HASH_ANNOTATION = 'open-cluster-management.io/config-spec-hash';
/** Default field manager of ServerSideApply (the CRD requires the `work-agent` prefix). */
export const DEFAULT_FIELD_MANAGER = 'work-agent';
/** Default `--max-json-raw-length` (also the CRD's maxLength of `fieldValue.jsonRaw`). */
export const DEFAULT_MAX_JSON_RAW_LENGTH = 1024;
/** Default AppliedManifestWork eviction grace period (60 min). */
export const DEFAULT_EVICTION_GRACE_MS = 60 * 60 * 1000;

/** Reasons of per-manifest and work-level conditions, as the OCM v1.0.0 agent writes them. */
export const WorkReasons = {
  ManifestApplied: 'AppliedManifestComplete',
  ManifestApplyFailed: 'AppliedManifestFailed',
  WorkApplied: 'AppliedManifestWorkComplete',
  WorkApplyFailed: 'AppliedManifestWorkFailed',
  ResourceAvailable: 'ResourceAvailable',
  ResourceNotAvailable: 'ResourceNotAvailable',
  FetchingResourceFailed: 'FetchingResourceFailed',
  IncompleteResourceMeta: 'IncompletedResourceMeta',
  ResourcesAvailable: 'ResourcesAvailable',
  ResourcesNotAvailable: 'ResourcesNotAvailable',
  ResourcesStatusUnknown: 'ResourcesStatusUnknown',
  FeedbackSynced: 'StatusFeedbackSynced',
  NoFeedbackSynced: 'NoStatusFeedbackSynced',
  FeedbackSyncFailed: 'StatusFeedbackSyncFailed',
  ConditionRuleEvaluated: 'ConditionRuleEvaluated',
  ConditionRuleInvalid: 'ConditionRuleInvalid',
  /** Ours: OCM v1.0.0 declares Degraded but never writes it. */
  ResourcesDegraded: 'ResourcesDegraded',
  ResourcesNotDegraded: 'ResourcesNotDegraded',
} as const;
