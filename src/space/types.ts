import type { JSONSchemaProps } from './schema/types.js';
import type { FieldError } from './errors.js';

// Object shapes are shared with every other part through src/api (the one layer space may use).
export type { KObject, ObjectMeta, OwnerReference } from '../api/meta.js';
import type { KObject } from '../api/meta.js';

/** A Table column (meta.k8s.io/v1 TableColumnDefinition). */
export interface ColumnDef {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  priority?: number;
}

export interface Printer {
  columns: ColumnDef[];
  /** Cells for one object, in column order. `now` lets ages be computed consistently. */
  row(obj: KObject, now: Date): unknown[];
}

export interface ScaleDef {
  specReplicasPath: string; // e.g. ".spec.replicas"
  statusReplicasPath: string; // e.g. ".status.replicas"
  labelSelectorPath?: string; // e.g. ".status.selector" (CRDs) or computed for built-ins
}

/** Hooks run by the generic write pipeline for one kind. Mutating hooks change `obj` in place. */
export interface Strategy {
  /** Before create validation: defaults, allocations (clusterIP), write-only fields (stringData). */
  prepareCreate?(obj: KObject, ctx: StrategyContext): void;
  /** Before update validation; `old` is the stored object. */
  prepareUpdate?(obj: KObject, old: KObject, ctx: StrategyContext): void;
  /** Kind-specific validation; `old` is set on update. Empty array = valid. */
  validate?(obj: KObject, old: KObject | undefined, ctx: StrategyContext): FieldError[];
  /** Called after an object of this kind is deleted (release allocations). */
  afterDelete?(obj: KObject, ctx: StrategyContext): void;
}

export interface StrategyContext {
  now: Date;
  /** Service IP and node-port allocation, kept in memory and rebuilt from storage at start-up. */
  ipam: {
    allocateClusterIP(requested?: string): string;
    releaseClusterIP(ip: string): void;
    allocateNodePort(requested?: number): number;
    releaseNodePort(port: number): void;
  };
  newUid(): string;
}

/** One served resource (a row of the resource table). Kept as data; see apiserver-compat.md §2.3. */
export interface ResourceDef {
  group: string; // '' for core
  version: string;
  resource: string; // plural
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  subresources?: { status?: boolean; scale?: ScaleDef };
  /** metadata.generation is tracked (set to 1 on create, bumped on spec changes). */
  generation: boolean;
  /** Object schema; undefined means any field is accepted (no strict validation). */
  schema?: JSONSchemaProps;
  printer?: Printer;
  /** Supported field selector labels beyond metadata.name / metadata.namespace. */
  fieldSelectors?: Record<string, (obj: KObject) => string | undefined>;
  strategy?: Strategy;
  /** Set for custom resources: the CRD that defines them. */
  crd?: { name: string; uid?: string };
  /** Storage identity shared across served versions (group/resource). */
  storageKey?: string;
  /**
   * Create-only review APIs (SelfSubjectAccessReview, TokenReview…): never stored; the server
   * answers them. The value names the answer the server computes.
   */
  review?: 'access' | 'selfsubject' | 'token';
  /** Served read-only from data the server computes (apiregistration APIServices). */
  computed?: boolean;
}
