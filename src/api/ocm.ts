/**
 * Open Cluster Management types the engine and the agent speak (OCM api v1.0.0):
 * `cluster.open-cluster-management.io` ManagedCluster (v1) and ManagedClusterSet (v1beta2),
 * `work.open-cluster-management.io/v1` ManifestWork and AppliedManifestWork (provisioning.md §2).
 */
import type { Condition, KObject, LabelSelector, TypedObject } from './meta.js';

// ---- ManagedCluster ----

export interface ClientConfig {
  url: string;
  /** base64 PEM bundle. */
  caBundle?: string;
}

export type TaintEffect = 'NoSelect' | 'PreferNoSelect' | 'NoSelectIfNew';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: string | null;
}

export interface ManagedClusterSpec {
  hubAcceptsClient?: boolean;
  /** Defaults to 60. */
  leaseDurationSeconds?: number;
  managedClusterClientConfigs?: ClientConfig[];
  taints?: Taint[];
}

export interface ManagedClusterStatus {
  conditions?: Condition[];
  capacity?: Record<string, string | number>;
  allocatable?: Record<string, string | number>;
  version?: { kubernetes?: string };
  clusterClaims?: Array<{ name: string; value: string }>;
}

export type ManagedCluster = TypedObject<ManagedClusterSpec, ManagedClusterStatus>;

/** Condition types on a ManagedCluster. */
export const ManagedClusterConditions = {
  HubAccepted: 'HubAcceptedManagedCluster',
  Joined: 'ManagedClusterJoined',
  Available: 'ManagedClusterConditionAvailable',
  ClockSynced: 'ManagedClusterConditionClockSynced',
  Deleting: 'Deleting',
} as const;

// ---- ManagedClusterSet ----

export interface ManagedClusterSetSpec {
  clusterSelector?: {
    selectorType: 'ExclusiveClusterSetLabel' | 'LabelSelector';
    labelSelector?: LabelSelector;
  };
}

export type ManagedClusterSet = TypedObject<ManagedClusterSetSpec, { conditions?: Condition[] }>;

// ---- ManifestWork ----

export type PropagationPolicy = 'Foreground' | 'Orphan' | 'SelectivelyOrphan';

export interface OrphaningRule {
  group?: string;
  resource: string;
  namespace?: string;
  name: string;
}

export interface DeleteOption {
  propagationPolicy?: PropagationPolicy;
  selectivelyOrphans?: { orphaningRules?: OrphaningRule[] };
  ttlSecondsAfterFinished?: number;
}

/** Identifies one manifest: `group` "" = core, `namespace` "" = cluster-scoped. */
export interface ResourceIdentifier {
  group?: string;
  resource: string;
  name: string;
  namespace?: string;
}

export interface JsonPath {
  name: string;
  path: string;
  version?: string;
}

export interface FeedbackRule {
  type: 'WellKnownStatus' | 'JSONPaths';
  jsonPaths?: JsonPath[];
}

export type UpdateStrategyType = 'Update' | 'CreateOnly' | 'ServerSideApply' | 'ReadOnly';

export interface IgnoreField {
  condition: 'OnSpokePresent' | 'OnSpokeChange';
  jsonPaths: string[];
}

export interface UpdateStrategy {
  type: UpdateStrategyType;
  serverSideApply?: { force?: boolean; fieldManager?: string; ignoreFields?: IgnoreField[] };
}

export interface ConditionRule {
  condition: string;
  type: 'WellKnownConditions' | 'CEL';
  celExpressions?: string[];
  message?: string;
  messageExpression?: string;
}

export interface ManifestConfigOption {
  resourceIdentifier: ResourceIdentifier;
  feedbackRules?: FeedbackRule[];
  updateStrategy?: UpdateStrategy;
  conditionRules?: ConditionRule[];
}

export interface ManifestWorkExecutor {
  subject: {
    type: 'ServiceAccount';
    serviceAccount?: { namespace: string; name: string };
  };
}

export interface ManifestWorkSpec {
  workload?: { manifests?: KObject[] };
  deleteOption?: DeleteOption;
  manifestConfigs?: ManifestConfigOption[];
  executor?: ManifestWorkExecutor;
}

export interface ManifestResourceMeta {
  ordinal: number;
  group?: string;
  version?: string;
  kind?: string;
  resource?: string;
  name?: string;
  namespace?: string;
}

export interface FieldValue {
  type: 'Integer' | 'String' | 'Boolean' | 'JsonRaw';
  integer?: number;
  string?: string;
  boolean?: boolean;
  jsonRaw?: string;
}

export interface FeedbackValue {
  name: string;
  fieldValue: FieldValue;
}

export interface ManifestCondition {
  resourceMeta: ManifestResourceMeta;
  /** JSON key is `statusFeedback` although the Go field is StatusFeedbacks. */
  statusFeedback?: { values?: FeedbackValue[] };
  conditions: Condition[];
}

export interface ManifestWorkStatus {
  conditions?: Condition[];
  resourceStatus?: { manifests?: ManifestCondition[] };
}

export type ManifestWork = TypedObject<ManifestWorkSpec, ManifestWorkStatus>;

/** Work-level and per-manifest condition types written by the work agent. */
export const WorkConditions = {
  Applied: 'Applied',
  Available: 'Available',
  Progressing: 'Progressing',
  Degraded: 'Degraded',
  StatusFeedbackSynced: 'StatusFeedbackSynced',
} as const;

// ---- AppliedManifestWork (on the WEC) ----

export interface AppliedManifestResourceMeta {
  group?: string;
  version: string;
  resource: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export interface AppliedManifestWorkSpec {
  hubHash: string;
  manifestWorkName: string;
  agentID?: string;
}

export interface AppliedManifestWorkStatus {
  appliedResources?: AppliedManifestResourceMeta[];
  evictionStartTime?: string;
}

export type AppliedManifestWork = TypedObject<AppliedManifestWorkSpec, AppliedManifestWorkStatus>;
