/**
 * Binding -> ManifestWorks (kubestellar-semantics.md §3.2 step 4, §3.6, §3.7): fetch each bound
 * object through a caller-supplied getter, clean and transform it, optionally customise it per
 * destination, shard by count and size, and name and label the works so several WDSes can share
 * one ITS. Deterministic: the same inputs always give byte-identical works.
 *
 * Status feedback ([IMPROVE] over upstream, whose works carry no feedback rules because its status
 * add-on reports through WorkStatus): objects whose status some policy wants get a JSONPaths rule
 * `status` on `.status`, so an agent that sends no WorkStatus (OCM's own, with the
 * `RawFeedbackJsonString` gate, or src/agent) returns it as JsonRaw for the status controller.
 */
import { createHash } from 'node:crypto';
import type { Binding, ClusterScopeDownsyncClause, NamespaceScopeDownsyncClause } from '../../api/control.js';
import type { KObject } from '../../api/meta.js';
import type { FeedbackRule, ManifestConfigOption, ManifestWork } from '../../api/ocm.js';
import {
  CONTENT_HASH_ANNOTATION,
  DEFAULT_MAX_NUM_WRAPPED,
  DEFAULT_MAX_SIZE_WRAPPED,
  MAX_MANIFESTWORK_NAME_LENGTH,
  ORIGIN_BINDING_GENERATION_ANNOTATION,
  ORIGIN_BINDING_LABEL,
  ORIGIN_WDS_LABEL,
  WORK_API_VERSION,
} from '../../api/constants.js';
import { compareClusterScope, compareNamespaceScope } from '../binding/binding.js';
import { objectIdText, type ObjectRef } from '../binding/objectid.js';
import { isStatusReturnExempt, STATUS_FEEDBACK_NAME } from '../status/rules.js';
import { canonicalize, cleanForDownsync } from './clean.js';
import { applyCustomTransforms, type DigestedTransforms } from './customtransform.js';

/** One bound object as the Binding names it. */
export interface BoundRef extends ObjectRef {
  version: string;
}

/** An object ready to wrap. */
export interface PreparedObject {
  ref: BoundRef;
  /** The WDS object's uid (names the work when each work carries one object). */
  uid: string;
  createOnly: boolean;
  /** Some policy wants this object's status back (singleton, multi-WEC or status collectors). */
  wantStatus: boolean;
  obj: KObject;
}

/** Reads a live WDS object (from an informer cache or a GET); undefined when absent. */
export type ObjectGetter = (ref: BoundRef) => KObject | undefined;

/** Per-destination customisation (template expansion, §5): a new object and any user errors. */
export type Customizer = (
  obj: KObject,
  destination: string,
  ref: BoundRef,
) => { obj: KObject; errors: string[] };

export interface WrapOptions {
  /** Names this WDS in work names and labels; unique per ITS. */
  wdsName: string;
  /** Max objects per ManifestWork (default 1, the Helm chart's value). */
  maxNumWrapped?: number;
  /** Max bytes of compact JSON per ManifestWork (default 512000). */
  maxSizeWrapped?: number;
  transforms?: DigestedTransforms;
  customize?: Customizer;
}

export interface WrapResult {
  works: ManifestWork[];
  /** User errors for the Binding's status.errors; when non-empty nothing should be written. */
  errors: string[];
  /** Bound objects that could not be read; retry later (upstream aborts the attempt). */
  missing: BoundRef[];
}

/** The bound objects in Binding order: clusterScope then namespaceScope, each sorted as upstream sorts. */
export function boundEntries(
  binding: Binding,
): Array<{ ref: BoundRef; createOnly: boolean; wantStatus: boolean }> {
  const cs = [...(binding.spec?.workload?.clusterScope ?? [])].sort(compareClusterScope);
  const ns = [...(binding.spec?.workload?.namespaceScope ?? [])].sort(compareNamespaceScope);
  const toRef = (e: ClusterScopeDownsyncClause | NamespaceScopeDownsyncClause): BoundRef => ({
    group: e.group,
    version: e.version,
    resource: e.resource,
    namespace: 'namespace' in e ? e.namespace : '',
    name: e.name,
  });
  return [...cs, ...ns].map((e) => ({
    ref: toRef(e),
    createOnly: !!e.createOnly,
    wantStatus: !!(e.wantSingletonReportedState || e.wantMultiWECReportedState || e.statusCollectors?.length),
  }));
}

/** Reads, cleans and transforms every bound object (WEC-independent part, §3.3). */
export function prepareObjects(
  binding: Binding,
  get: ObjectGetter,
  transforms?: DigestedTransforms,
): { objects: PreparedObject[]; missing: BoundRef[] } {
  const objects: PreparedObject[] = [];
  const missing: BoundRef[] = [];
  for (const { ref, createOnly, wantStatus } of boundEntries(binding)) {
    const live = get(ref);
    if (!live) {
      missing.push(ref);
      continue;
    }
    const obj = cleanForDownsync(live);
    applyCustomTransforms(obj, ref.group, ref.resource, transforms);
    objects.push({ ref, uid: live.metadata?.uid ?? '', createOnly, wantStatus, obj });
  }
  return { objects, missing };
}

/** Compact JSON size in bytes. */
export const jsonSize = (obj: unknown): number => Buffer.byteLength(JSON.stringify(obj), 'utf8');

/**
 * Splits objects into batches: a new batch starts before an object that would bring the batch to
 * `maxSize` bytes or more, or past `maxNum` objects (upstream's rule, minus its empty first
 * batch). Objects bigger than `maxSize` go to `tooLarge`.
 */
export function shard<T extends { obj: KObject }>(
  items: readonly T[],
  maxNum: number,
  maxSize: number,
): { batches: T[][]; tooLarge: Array<{ item: T; size: number }> } {
  const batches: T[][] = [];
  const tooLarge: Array<{ item: T; size: number }> = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = jsonSize(item.obj);
    if (size > maxSize) {
      tooLarge.push({ item, size });
      continue;
    }
    if (cur.length && (size + bytes >= maxSize || cur.length + 1 > maxNum)) {
      batches.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(item);
    bytes += size;
  }
  if (cur.length) batches.push(cur);
  return { batches, tooLarge };
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Keeps names within what AppliedManifestWork naming allows, shortening long ones with a hash. */
export function fitWorkName(name: string): string {
  if (name.length <= MAX_MANIFESTWORK_NAME_LENGTH) return name;
  const head = name.slice(0, MAX_MANIFESTWORK_NAME_LENGTH - 11).replace(/[-.]+$/, '');
  return `${head}-${sha256(name).slice(0, 10)}`;
}

/** Work name: `<binding uid>-<wds>-<object uid>` with one object per work, else `<binding>-<wds>-<shard>`. */
export function manifestWorkName(
  binding: Binding,
  wdsName: string,
  maxNum: number,
  shardIndex: number,
  objectUid: string,
): string {
  return fitWorkName(
    maxNum === 1
      ? `${binding.metadata.uid ?? ''}-${wdsName}-${objectUid}`
      : `${binding.metadata.name ?? ''}-${wdsName}-${shardIndex}`,
  );
}

/** Hash of a work's labels and spec ([IMPROVE] §3.8: rewrite when content changes, not on generation). */
export function workContentHash(work: Pick<ManifestWork, 'metadata' | 'spec'>): string {
  return sha256(
    JSON.stringify(canonicalize({ labels: work.metadata.labels ?? {}, spec: work.spec ?? {} })),
  ).slice(0, 32);
}

/** The rule whose JsonRaw value `returnedFromManifestWorks` reads: the whole `.status`. */
export function statusFeedbackRule(): FeedbackRule {
  return { type: 'JSONPaths', jsonPaths: [{ name: STATUS_FEEDBACK_NAME, path: '.status' }] };
}

/** Whether the agent should be asked for the object's status (exempt kinds never receive it, §4.3.3). */
const wantsFeedback = (p: PreparedObject): boolean =>
  p.wantStatus && !isStatusReturnExempt(p.ref.group, p.obj.kind ?? '');

/**
 * The object's single manifestConfigs entry, or undefined when it needs none. One entry carries
 * both options: OCM merges matching entries field by field, but one is simpler to read and diff.
 */
export function manifestConfigOf(p: PreparedObject): ManifestConfigOption | undefined {
  const feedback = wantsFeedback(p);
  if (!p.createOnly && !feedback) return undefined;
  const id: ManifestConfigOption['resourceIdentifier'] = { resource: p.ref.resource, name: p.ref.name };
  if (p.ref.group) id.group = p.ref.group;
  if (p.ref.namespace) id.namespace = p.ref.namespace;
  const cfg: ManifestConfigOption = { resourceIdentifier: canonicalize(id) };
  if (feedback) cfg.feedbackRules = [statusFeedbackRule()];
  if (p.createOnly) cfg.updateStrategy = { type: 'CreateOnly' };
  return cfg;
}

function buildWork(
  binding: Binding,
  destination: string,
  name: string,
  wdsName: string,
  batch: PreparedObject[],
): ManifestWork {
  const spec: ManifestWork['spec'] = { workload: { manifests: batch.map((p) => p.obj) } };
  const configs = batch.map(manifestConfigOf).filter((c) => c !== undefined);
  if (configs.length) spec.manifestConfigs = configs;
  const labels = { [ORIGIN_BINDING_LABEL]: binding.metadata.name ?? '', [ORIGIN_WDS_LABEL]: wdsName };
  const work: ManifestWork = {
    apiVersion: WORK_API_VERSION,
    kind: 'ManifestWork',
    metadata: { name, namespace: destination, labels },
    spec,
  };
  work.metadata.annotations = {
    [ORIGIN_BINDING_GENERATION_ANNOTATION]: String(binding.metadata.generation ?? 0),
    [CONTENT_HASH_ANNOTATION]: workContentHash(work),
  };
  return work;
}

/** Wraps prepared objects into ManifestWorks for every destination of the Binding. */
export function wrapObjects(
  binding: Binding,
  objects: readonly PreparedObject[],
  opts: WrapOptions,
): Omit<WrapResult, 'missing'> {
  const maxNum = Math.max(1, opts.maxNumWrapped ?? DEFAULT_MAX_NUM_WRAPPED);
  const maxSize = opts.maxSizeWrapped ?? DEFAULT_MAX_SIZE_WRAPPED;
  const destinations = [...new Set((binding.spec?.destinations ?? []).map((d) => d.clusterId))].sort();
  const works: ManifestWork[] = [];
  const errors = new Set<string>();
  for (const dest of destinations) {
    let list = objects as PreparedObject[];
    if (opts.customize) {
      list = objects.map((p) => {
        const r = opts.customize!(p.obj, dest, p.ref);
        r.errors.forEach((e) => errors.add(e));
        return { ...p, obj: canonicalize(r.obj) };
      });
    }
    const { batches, tooLarge } = shard(list, maxNum, maxSize);
    for (const { item, size } of tooLarge)
      errors.add(
        `${objectIdText(item.ref)} is ${size} bytes of JSON, more than the ManifestWork limit of ${maxSize} bytes`,
      );
    batches.forEach((batch, i) =>
      works.push(
        buildWork(
          binding,
          dest,
          manifestWorkName(binding, opts.wdsName, maxNum, i, batch[0].uid),
          opts.wdsName,
          batch,
        ),
      ),
    );
  }
  return { works, errors: [...errors] };
}

/** The whole step: read, clean, transform, customise and wrap. */
export function buildManifestWorks(binding: Binding, get: ObjectGetter, opts: WrapOptions): WrapResult {
  const { objects, missing } = prepareObjects(binding, get, opts.transforms);
  const { works, errors } = wrapObjects(binding, objects, opts);
  return { works, errors, missing };
}
