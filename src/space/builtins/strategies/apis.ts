import { isDeepStrictEqual } from 'node:util';
import { fieldErr, type FieldError } from '../../errors.js';
import type { KObject, Strategy } from '../../types.js';
import { goQuote } from '../format.js';
import { asArray, ensureObject, goInvalid, isObject, unset } from './common.js';

/** RBAC, networking, autoscaling, scheduling, storage and admission registration defaults and rules. */

const missing = (v: unknown): boolean => v === undefined || v === null;

function both(fn: (o: KObject) => void, validate?: Strategy['validate']): Strategy {
  return { prepareCreate: (o) => fn(o), prepareUpdate: (o) => fn(o), ...(validate ? { validate } : {}) };
}

// ---------------------------------------------------------------------------------------------
// rbac.authorization.k8s.io

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Go `%#v` of an internal rbac.RoleRef, as "cannot change roleRef" prints it. */
const goRoleRef = (r: any): string =>
  `rbac.RoleRef{APIGroup:${goQuote(String(r?.apiGroup ?? ''))}, Kind:${goQuote(String(r?.kind ?? ''))}, Name:${goQuote(String(r?.name ?? ''))}}`;

function validateRules(rules: unknown): FieldError[] {
  const errs: FieldError[] = [];
  asArray(rules).forEach((r, i) => {
    const p = `rules[${i}]`;
    if (!asArray(r?.verbs).length)
      errs.push(fieldErr.required(`${p}.verbs`, 'verbs must contain at least one value'));
    const nonResource = asArray(r?.nonResourceURLs).length > 0;
    if (!nonResource && !asArray(r?.apiGroups).length && !asArray(r?.resources).length) return;
    if (!nonResource && !asArray(r?.apiGroups).length)
      errs.push(fieldErr.required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
    if (!nonResource && !asArray(r?.resources).length)
      errs.push(fieldErr.required(`${p}.resources`, 'resource rules must supply at least one resource'));
  });
  return errs;
}

function validateBinding(obj: KObject, old: KObject | undefined, clusterScoped: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = obj.roleRef ?? {};
  const kinds = clusterScoped ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (ref.apiGroup !== RBAC_GROUP)
    errs.push(fieldErr.notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  if (!kinds.includes(ref.kind)) errs.push(fieldErr.notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (unset(ref.name)) errs.push(fieldErr.required('roleRef.name'));
  asArray(obj.subjects).forEach((s, i) => {
    const p = `subjects[${i}]`;
    if (unset(s?.name)) errs.push(fieldErr.required(`${p}.name`));
    switch (s?.kind) {
      case 'ServiceAccount':
        if (!unset(s.apiGroup)) errs.push(fieldErr.notSupported(`${p}.apiGroup`, s.apiGroup, ['']));
        if (clusterScoped && unset(s.namespace)) errs.push(fieldErr.required(`${p}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC_GROUP)
          errs.push(fieldErr.notSupported(`${p}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
        break;
      default:
        errs.push(fieldErr.notSupported(`${p}.kind`, s?.kind ?? '', ['ServiceAccount', 'User', 'Group']));
    }
  });
  if (old && !isDeepStrictEqual(roleRefKey(obj.roleRef), roleRefKey(old.roleRef)))
    errs.push(goInvalid('roleRef', goRoleRef(obj.roleRef), 'cannot change roleRef'));
  return errs;
}

const roleRefKey = (r: any) => [r?.apiGroup ?? '', r?.kind ?? '', r?.name ?? ''];

export const roleStrategy: Strategy = { validate: (o) => validateRules(o.rules) };
export const roleBindingStrategy: Strategy = { validate: (o, old) => validateBinding(o, old, false) };
export const clusterRoleBindingStrategy: Strategy = { validate: (o, old) => validateBinding(o, old, true) };

// ---------------------------------------------------------------------------------------------
// networking.k8s.io

export const networkPolicyStrategy = both((o) => {
  const spec = ensureObject(o, 'spec');
  if (!isObject(spec.podSelector)) spec.podSelector = {};
  if (!asArray(spec.policyTypes).length)
    spec.policyTypes = asArray(spec.egress).length ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const rule of [...asArray(spec.ingress), ...asArray(spec.egress)])
    for (const p of asArray(rule?.ports)) if (isObject(p) && unset(p.protocol)) p.protocol = 'TCP';
});

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateIngress(o: KObject): FieldError[] {
  const errs: FieldError[] = [];
  asArray(o.spec?.rules).forEach((r, i) => {
    asArray(r?.http?.paths).forEach((p, j) => {
      const path = `spec.rules[${i}].http.paths[${j}]`;
      if (unset(p?.pathType)) errs.push(fieldErr.required(`${path}.pathType`, 'pathType must be specified'));
      else if (!PATH_TYPES.includes(p.pathType))
        errs.push(fieldErr.notSupported(`${path}.pathType`, p.pathType, PATH_TYPES));
      else if (p.pathType !== 'ImplementationSpecific' && !String(p.path ?? '').startsWith('/'))
        errs.push(fieldErr.invalid(`${path}.path`, p.path ?? '', 'must be an absolute path'));
      const b = p?.backend ?? {};
      if (!b.service && !b.resource)
        errs.push(
          fieldErr.invalid(`${path}.backend`, '', 'one backend (service or resource) must be specified'),
        );
    });
  });
  return errs;
}

export const ingressStrategy: Strategy = { validate: (o) => validateIngress(o) };

// ---------------------------------------------------------------------------------------------
// autoscaling/v2

const scaleUpDefaults = () => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
});
const scaleDownDefaults = () => ({
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
});

function fillRules(given: any, defaults: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...defaults };
  if (isObject(given))
    for (const k of ['stabilizationWindowSeconds', 'selectPolicy', 'policies', 'tolerance'])
      if (!missing(given[k])) out[k] = given[k];
  return out;
}

export const hpaStrategy = both((o) => {
  const spec = ensureObject(o, 'spec');
  if (missing(spec.minReplicas)) spec.minReplicas = 1;
  if (!asArray(spec.metrics).length)
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ];
  // Behavior defaults fill in only when a behavior was given.
  if (isObject(spec.behavior)) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, scaleUpDefaults());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, scaleDownDefaults());
  }
});

// ---------------------------------------------------------------------------------------------
// scheduling, storage

export const priorityClassStrategy = both(
  (o) => {
    if (unset(o.preemptionPolicy)) o.preemptionPolicy = 'PreemptLowerPriority';
  },
  (o, old) => {
    const errs: FieldError[] = [];
    if (typeof o.value !== 'number') errs.push(fieldErr.required('value'));
    if (old && o.value !== old.value)
      errs.push(fieldErr.forbidden('value', 'may not be changed in an update.'));
    return errs;
  },
);

export const storageClassStrategy = both(
  (o) => {
    if (unset(o.reclaimPolicy)) o.reclaimPolicy = 'Delete';
    if (unset(o.volumeBindingMode)) o.volumeBindingMode = 'Immediate';
  },
  (o, old) => {
    const errs: FieldError[] = [];
    if (unset(o.provisioner)) errs.push(fieldErr.required('provisioner'));
    if (old) {
      if (!isDeepStrictEqual(o.parameters ?? {}, old.parameters ?? {}))
        errs.push(fieldErr.forbidden('parameters', 'updates to parameters are forbidden.'));
      if (o.provisioner !== old.provisioner)
        errs.push(fieldErr.forbidden('provisioner', 'updates to provisioner are forbidden.'));
      if (o.reclaimPolicy !== old.reclaimPolicy)
        errs.push(fieldErr.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
      if (o.volumeBindingMode !== old.volumeBindingMode)
        errs.push(fieldErr.forbidden('volumeBindingMode', 'field is immutable'));
    }
    return errs;
  },
);

export const csiDriverStrategy = both((o) => {
  const spec = ensureObject(o, 'spec');
  const defaults: Record<string, unknown> = {
    attachRequired: true,
    podInfoOnMount: false,
    storageCapacity: false,
    fsGroupPolicy: 'ReadWriteOnceWithFSType',
    requiresRepublish: false,
    seLinuxMount: false,
  };
  for (const [k, v] of Object.entries(defaults)) if (missing(spec[k])) spec[k] = v;
  if (!asArray(spec.volumeLifecycleModes).length) spec.volumeLifecycleModes = ['Persistent'];
});

// ---------------------------------------------------------------------------------------------
// admissionregistration.k8s.io

function defaultWebhooks(o: KObject, mutating: boolean): void {
  for (const w of asArray(o.webhooks)) {
    if (!isObject(w)) continue;
    if (unset(w.failurePolicy)) w.failurePolicy = 'Fail';
    if (unset(w.matchPolicy)) w.matchPolicy = 'Equivalent';
    if (!isObject(w.namespaceSelector)) w.namespaceSelector = {};
    if (!isObject(w.objectSelector)) w.objectSelector = {};
    if (missing(w.timeoutSeconds)) w.timeoutSeconds = 10;
    if (mutating && unset(w.reinvocationPolicy)) w.reinvocationPolicy = 'Never';
    for (const r of asArray(w.rules)) if (isObject(r) && unset(r.scope)) r.scope = '*';
    const svc = w.clientConfig?.service;
    if (isObject(svc) && missing(svc.port)) svc.port = 443;
  }
}

function validateWebhooks(o: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArray(o.webhooks).forEach((w, i) => {
    const p = `webhooks[${i}]`;
    if (unset(w?.name)) errs.push(fieldErr.required(`${p}.name`));
    else if (names.has(w.name)) errs.push(fieldErr.duplicate(`${p}.name`, w.name));
    else names.add(w.name);
    if (unset(w?.sideEffects))
      errs.push(fieldErr.required(`${p}.sideEffects`, 'must specify one of None, NoneOnDryRun'));
    if (!asArray(w?.admissionReviewVersions).length)
      errs.push(fieldErr.required(`${p}.admissionReviewVersions`, 'must specify one of v1, v1beta1'));
    const cc = w?.clientConfig ?? {};
    if (!cc.url && !cc.service)
      errs.push(fieldErr.required(`${p}.clientConfig`, 'exactly one of url or service is required'));
  });
  return errs;
}

export const mutatingWebhookStrategy = both(
  (o) => defaultWebhooks(o, true),
  (o) => validateWebhooks(o),
);
export const validatingWebhookStrategy = both(
  (o) => defaultWebhooks(o, false),
  (o) => validateWebhooks(o),
);

function defaultMatchResources(m: any): void {
  if (!isObject(m)) return;
  if (!isObject(m.namespaceSelector)) m.namespaceSelector = {};
  if (!isObject(m.objectSelector)) m.objectSelector = {};
  if (unset(m.matchPolicy)) m.matchPolicy = 'Equivalent';
  for (const r of [...asArray(m.resourceRules), ...asArray(m.excludeResourceRules)])
    if (isObject(r) && unset(r.scope)) r.scope = '*';
}

export const validatingAdmissionPolicyStrategy = both((o) => {
  const spec = ensureObject(o, 'spec');
  if (unset(spec.failurePolicy)) spec.failurePolicy = 'Fail';
  defaultMatchResources(spec.matchConstraints);
});

export const validatingAdmissionPolicyBindingStrategy = both((o) => {
  const spec = ensureObject(o, 'spec');
  defaultMatchResources(spec.matchResources);
});
