import {
  anyObj,
  arr,
  atomic,
  bool,
  int64,
  obj,
  str,
  strList,
  strMap,
  time,
  type Schema,
} from '../schema-dsl.js';

/** k8s.io/apimachinery meta/v1 types shared by every kind. */

export const ownerReference = obj(
  {
    apiVersion: str(),
    kind: str(),
    name: str(),
    uid: str(),
    controller: bool(),
    blockOwnerDeletion: bool(),
  },
  { atomic: true },
);

export const objectMeta: Schema = obj({
  name: str(),
  generateName: str(),
  namespace: str(),
  selfLink: str(),
  uid: str(),
  resourceVersion: str(),
  generation: int64(),
  creationTimestamp: time(),
  deletionTimestamp: time(),
  deletionGracePeriodSeconds: int64(),
  labels: strMap(),
  annotations: strMap(),
  ownerReferences: arr(ownerReference, { mapKeys: ['uid'], mergeKey: 'uid', strategy: 'merge' }),
  finalizers: arr(str(), { listType: 'set', strategy: 'merge' }),
  managedFields: atomic(anyObj()),
});

export const labelSelectorRequirement = obj({ key: str(), operator: str(), values: strList() });

export const labelSelector = obj(
  { matchLabels: strMap(), matchExpressions: atomic(labelSelectorRequirement) },
  { atomic: true },
);

/** metav1.Condition, the standard condition type of newer APIs. */
export const metaCondition = obj({
  type: str(),
  status: str(),
  observedGeneration: int64(),
  lastTransitionTime: time(),
  reason: str(),
  message: str(),
});

/** The usual `conditions` list: merged by `type` for SMP, a map on `type` for SSA. */
export function conditions(item: Schema): Schema {
  return arr(item, { mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' });
}

/** A condition type with the given extra timestamps (lastUpdateTime, lastProbeTime...). */
export function condition(...times: string[]): Schema {
  const props: Record<string, Schema> = { type: str(), status: str() };
  for (const t of times) props[t] = time();
  props.lastTransitionTime = time();
  props.reason = str();
  props.message = str();
  return obj(props);
}

/** A top-level kind: apiVersion, kind and metadata plus its own fields. */
export function resource(props: Record<string, Schema>): Schema {
  return obj({ apiVersion: str(), kind: str(), metadata: objectMeta, ...props });
}
