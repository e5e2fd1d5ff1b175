import type { KObject } from '../types.js';

/**
 * Field selector labels each built-in kind supports beyond metadata.name/metadata.namespace
 * (apiserver-compat.md §8.5; upstream `GetAttrs`/`ToSelectableFields` of each registry). Missing
 * values select as the empty string, as upstream's field sets do.
 */
type Selectors = Record<string, (o: KObject) => string | undefined>;

const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

const coreEvent: Selectors = {
  'involvedObject.kind': (o) => s(o.involvedObject?.kind),
  'involvedObject.namespace': (o) => s(o.involvedObject?.namespace),
  'involvedObject.name': (o) => s(o.involvedObject?.name),
  'involvedObject.uid': (o) => s(o.involvedObject?.uid),
  'involvedObject.apiVersion': (o) => s(o.involvedObject?.apiVersion),
  'involvedObject.resourceVersion': (o) => s(o.involvedObject?.resourceVersion),
  'involvedObject.fieldPath': (o) => s(o.involvedObject?.fieldPath),
  reason: (o) => s(o.reason),
  reportingComponent: (o) => s(o.reportingComponent),
  // `source` falls back to the reporting controller for events written through events.k8s.io.
  source: (o) => s(o.source?.component || o.reportingComponent),
  type: (o) => s(o.type),
};

/** events.k8s.io/v1 names for the same fields (regarding.* = involvedObject.*). */
const eventsV1Event: Selectors = {
  'regarding.kind': (o) => s(o.regarding?.kind),
  'regarding.namespace': (o) => s(o.regarding?.namespace),
  'regarding.name': (o) => s(o.regarding?.name),
  'regarding.uid': (o) => s(o.regarding?.uid),
  'regarding.apiVersion': (o) => s(o.regarding?.apiVersion),
  'regarding.resourceVersion': (o) => s(o.regarding?.resourceVersion),
  'regarding.fieldPath': (o) => s(o.regarding?.fieldPath),
  reason: (o) => s(o.reason),
  reportingController: (o) => s(o.reportingController),
  type: (o) => s(o.type),
};

const pod: Selectors = {
  'spec.nodeName': (o) => s(o.spec?.nodeName),
  'spec.restartPolicy': (o) => s(o.spec?.restartPolicy),
  'spec.schedulerName': (o) => s(o.spec?.schedulerName),
  'spec.serviceAccountName': (o) => s(o.spec?.serviceAccountName),
  'spec.hostNetwork': (o) => String(o.spec?.hostNetwork === true),
  'status.phase': (o) => s(o.status?.phase),
  'status.podIP': (o) => s(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
  'status.podIPs': (o) => (o.status?.podIPs ?? []).map((p: any) => s(p?.ip)).join(','),
  'status.nominatedNodeName': (o) => s(o.status?.nominatedNodeName),
};

const replicas: Selectors = { 'status.replicas': (o) => String(o.status?.replicas ?? 0) };

/** Selectors by `group/resource`. */
export const FIELD_SELECTORS: Record<string, Selectors> = {
  '/events': coreEvent,
  'events.k8s.io/events': eventsV1Event,
  '/pods': pod,
  '/services': { 'spec.clusterIP': (o) => s(o.spec?.clusterIP), 'spec.type': (o) => s(o.spec?.type) },
  '/secrets': { type: (o) => s(o.type) },
  '/namespaces': { 'status.phase': (o) => s(o.status?.phase) },
  '/replicationcontrollers': replicas,
  'apps/replicasets': replicas,
  'batch/jobs': { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
  'certificates.k8s.io/certificatesigningrequests': { 'spec.signerName': (o) => s(o.spec?.signerName) },
};
