/**
 * Types of `control.kubestellar.io/v1alpha1`: BindingPolicy, Binding, CustomTransform,
 * StatusCollector, CombinedStatus (WDS) and WorkStatus (ITS). Field names follow upstream's JSON
 * exactly (kubestellar-semantics.md §1).
 */
import type { Condition, LabelSelector, ObjectMeta, TypedObject } from './meta.js';

/** "What": one object test; every present criterion must hold (an empty list = no constraint). */
export interface DownsyncObjectTest {
  /** Absent or null = any group; `""` = the core group. */
  apiGroup?: string | null;
  resources?: string[];
  namespaces?: string[];
  namespaceSelectors?: LabelSelector[];
  objectSelectors?: LabelSelector[];
  objectNames?: string[];
}

/** How matched objects are delivered and reported. */
export interface DownsyncModulation {
  createOnly?: boolean;
  statusCollectors?: string[];
  wantSingletonReportedState?: boolean;
  wantMultiWECReportedState?: boolean;
}

export type DownsyncPolicyClause = DownsyncObjectTest & DownsyncModulation;

export interface BindingPolicySpec {
  clusterSelectors?: LabelSelector[];
  downsync?: DownsyncPolicyClause[];
}

/** Conditions of BindingPolicy and Binding: every field is required. */
export type BindingPolicyCondition = Omit<Condition, 'observedGeneration'>;

export interface BindingPolicyStatus {
  observedGeneration: number;
  conditions?: BindingPolicyCondition[];
  errors?: string[];
}

export type BindingPolicy = TypedObject<BindingPolicySpec, BindingPolicyStatus>;

export interface ClusterScopeDownsyncClause extends DownsyncModulation {
  group: string;
  version: string;
  resource: string;
  name: string;
  resourceVersion: string;
}

export interface NamespaceScopeDownsyncClause extends ClusterScopeDownsyncClause {
  namespace: string;
}

export interface DownsyncObjectClauses {
  clusterScope?: ClusterScopeDownsyncClause[];
  namespaceScope?: NamespaceScopeDownsyncClause[];
}

export interface Destination {
  clusterId: string;
}

export interface BindingSpec {
  workload?: DownsyncObjectClauses;
  destinations?: Destination[];
}

export interface BindingStatus {
  observedGeneration: number;
  errors?: string[];
  conditions?: BindingPolicyCondition[];
}

export type Binding = TypedObject<BindingSpec, BindingStatus>;

export interface CustomTransformSpec {
  apiGroup: string;
  resource: string;
  remove?: string[];
}

export interface CustomTransformStatus {
  observedGeneration: number;
  errors?: string[];
  warnings?: string[];
}

export type CustomTransform = TypedObject<CustomTransformSpec, CustomTransformStatus>;

export interface NamedExpression {
  name: string;
  def: string;
}

export type AggregatorType = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';

export interface NamedAggregator {
  name: string;
  type: AggregatorType | string;
  subject?: string;
}

export interface StatusCollectorSpec {
  filter?: string;
  groupBy?: NamedExpression[];
  combinedFields?: NamedAggregator[];
  select?: NamedExpression[];
  limit: number;
}

export interface StatusCollectorStatus {
  observedGeneration: number;
  errors?: string[];
}

export type StatusCollector = TypedObject<StatusCollectorSpec, StatusCollectorStatus>;

export type ValueType = 'String' | 'Number' | 'Bool' | 'Null' | 'Object' | 'Array';

/** A tagged value of a CombinedStatus cell; `float` holds the number's text. */
export interface Value {
  type: ValueType;
  string?: string;
  float?: string;
  bool?: boolean;
  object?: unknown;
  array?: unknown;
}

export interface StatusCombinationRow {
  columns: Value[];
}

export interface RowError {
  wec: Destination;
  /** `""` names the filter. */
  columnName: string;
  error: string;
}

export interface AggregationError {
  columnName: string;
  error: string;
}

export interface NamedStatusCombination {
  name: string;
  columnNames: string[];
  rows?: StatusCombinationRow[];
  rowErrors?: RowError[];
  aggregationErrors?: AggregationError[];
}

/** Namespaced, no spec and no status subresource. */
export interface CombinedStatus {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  results?: NamedStatusCombination[];
  [key: string]: any;
}

export interface SourceRef {
  group: string;
  version?: string;
  resource?: string;
  kind?: string;
  name?: string;
  namespace: string;
}

export interface StatusDetails {
  lastGeneration: number;
  lastGenerationIsApplied: boolean;
  lastCurrencyUpdateTime: string;
}

/** Per (object, WEC) returned status, in the WEC's mailbox namespace of the ITS. */
export interface WorkStatus extends TypedObject<{ sourceRef: SourceRef }, Record<string, unknown>> {
  statusDetails?: StatusDetails;
}
