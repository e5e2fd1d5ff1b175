import { isDeepStrictEqual } from 'node:util';
import { fieldErr, type FieldError } from '../../errors.js';
import type { KObject, Strategy } from '../../types.js';
import { goLabelSelector, goStringMap } from '../format.js';
import {
  asArray,
  ensureObject,
  goInvalid,
  immutableSelector,
  isObject,
  nonNegative,
  selectorIsEmpty,
  selectorMatches,
  templateLabelsMismatch,
  unset,
  validateLabelSelector,
} from './common.js';
import { defaultPodTemplate, defaultPvcSpec, validatePodSpec } from './pod.js';

/**
 * apps/v1 workloads and ReplicationController: defaults (apiserver-compat.md §15.3) and the
 * selector rules every controller-owned kind shares: `spec.selector` is required, must match the
 * template labels and cannot change (apps/v1).
 */

const missing = (v: unknown): boolean => v === undefined || v === null;

// ---------------------------------------------------------------------------------------------
// defaults

export function defaultDeployment(obj: KObject): void {
  const spec = ensureObject(obj, 'spec');
  if (missing(spec.replicas)) spec.replicas = 1;
  const strategy = ensureObject(spec, 'strategy');
  if (unset(strategy.type)) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObject(strategy, 'rollingUpdate');
    if (missing(ru.maxUnavailable)) ru.maxUnavailable = '25%';
    if (missing(ru.maxSurge)) ru.maxSurge = '25%';
  }
  if (missing(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  if (missing(spec.progressDeadlineSeconds)) spec.progressDeadlineSeconds = 600;
  defaultPodTemplate(spec.template);
}

/** PersistentVolumeClaim defaults, also applied to StatefulSet volumeClaimTemplates. */
export function defaultPvc(pvc: any): void {
  if (!isObject(pvc)) return;
  defaultPvcSpec(ensureObject(pvc, 'spec'));
  const status = ensureObject(pvc, 'status');
  if (unset(status.phase)) status.phase = 'Pending';
}

export function defaultStatefulSet(obj: KObject): void {
  const spec = ensureObject(obj, 'spec');
  if (unset(spec.podManagementPolicy)) spec.podManagementPolicy = 'OrderedReady';
  const us = ensureObject(spec, 'updateStrategy');
  // The rollingUpdate block is only created when the type itself was defaulted.
  if (unset(us.type)) {
    us.type = 'RollingUpdate';
    if (missing(us.rollingUpdate)) us.rollingUpdate = {};
  }
  if (us.type === 'RollingUpdate' && isObject(us.rollingUpdate) && missing(us.rollingUpdate.partition))
    us.rollingUpdate.partition = 0;
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  if (unset(retention.whenDeleted)) retention.whenDeleted = 'Retain';
  if (unset(retention.whenScaled)) retention.whenScaled = 'Retain';
  if (missing(spec.replicas)) spec.replicas = 1;
  if (missing(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  defaultPodTemplate(spec.template);
  for (const pvc of asArray(spec.volumeClaimTemplates)) defaultPvc(pvc);
}

export function defaultDaemonSet(obj: KObject): void {
  const spec = ensureObject(obj, 'spec');
  const us = ensureObject(spec, 'updateStrategy');
  if (unset(us.type)) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = ensureObject(us, 'rollingUpdate');
    if (missing(ru.maxUnavailable)) ru.maxUnavailable = 1;
    if (missing(ru.maxSurge)) ru.maxSurge = 0;
  }
  if (missing(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  defaultPodTemplate(spec.template);
}

export function defaultReplicaSet(obj: KObject): void {
  const spec = ensureObject(obj, 'spec');
  if (missing(spec.replicas)) spec.replicas = 1;
  defaultPodTemplate(spec.template);
}

/** RC: selector and the RC's own labels default to the template labels. */
export function defaultReplicationController(obj: KObject): void {
  const spec = ensureObject(obj, 'spec');
  const labels = spec.template?.metadata?.labels;
  if (isObject(labels)) {
    if (!isObject(spec.selector) || !Object.keys(spec.selector).length) spec.selector = { ...labels };
    obj.metadata ??= {};
    if (!isObject(obj.metadata.labels) || !Object.keys(obj.metadata.labels).length)
      obj.metadata.labels = { ...labels };
  }
  if (missing(spec.replicas)) spec.replicas = 1;
  defaultPodTemplate(spec.template);
}

// ---------------------------------------------------------------------------------------------
// validation

interface SelectorRules {
  /** Name used in "empty selector is invalid for <kind>" (upstream reuses "deployment" for RS). */
  emptyName: string;
}

/** Selector presence, syntax, non-emptiness and template match (`ValidateDeploymentSpec` and friends). */
export function validateSelectorAndTemplate(spec: any, rules: SelectorRules): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec?.selector;
  if (missing(sel)) errs.push(fieldErr.required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(sel, 'spec.selector'));
    if (selectorIsEmpty(sel))
      errs.push(
        goInvalid('spec.selector', goLabelSelector(sel), `empty selector is invalid for ${rules.emptyName}`),
      );
  }
  const template = spec?.template;
  if (!isObject(template)) {
    errs.push(fieldErr.required('spec.template'));
    return errs;
  }
  const labels = template.metadata?.labels;
  // A missing selector matches nothing; an empty one matches everything (and is reported above).
  const matches = missing(sel) ? false : selectorMatches(sel, labels);
  if (matches === undefined)
    errs.push(goInvalid('spec.selector', goLabelSelector(sel), 'invalid label selector'));
  else if (!matches && (missing(sel) || !selectorIsEmpty(sel)))
    errs.push(templateLabelsMismatch('spec.template', labels));
  const claims = (Array.isArray(spec?.volumeClaimTemplates) ? spec.volumeClaimTemplates : [])
    .map((t: any) => t?.metadata?.name)
    .filter((n: unknown): n is string => typeof n === 'string');
  errs.push(...validatePodSpec(template.spec, 'spec.template.spec', claims));
  const rp = template.spec?.restartPolicy;
  if (!unset(rp) && rp !== 'Always')
    errs.push(fieldErr.notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  return errs;
}

function replicasErrors(spec: any): FieldError[] {
  return [
    ...nonNegative('spec.replicas', spec?.replicas),
    ...nonNegative('spec.minReadySeconds', spec?.minReadySeconds),
  ];
}

const DEPLOYMENT_STRATEGIES = ['Recreate', 'RollingUpdate'];

function validateDeployment(obj: KObject, old: KObject | undefined): FieldError[] {
  const spec = obj.spec ?? {};
  const errs = [...replicasErrors(spec), ...validateSelectorAndTemplate(spec, { emptyName: 'deployment' })];
  const st = spec.strategy ?? {};
  if (!DEPLOYMENT_STRATEGIES.includes(st.type))
    errs.push(fieldErr.notSupported('spec.strategy.type', st.type ?? '', DEPLOYMENT_STRATEGIES));
  else if (st.type === 'Recreate' && !missing(st.rollingUpdate))
    errs.push(
      fieldErr.forbidden(
        'spec.strategy.rollingUpdate',
        "may not be specified when strategy `type` is 'Recreate'",
      ),
    );
  errs.push(...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  if (old) errs.push(...immutableSelector('spec.selector', spec.selector, old.spec?.selector));
  return errs;
}

function validateReplicaSet(obj: KObject, old: KObject | undefined): FieldError[] {
  const spec = obj.spec ?? {};
  const errs = [...replicasErrors(spec), ...validateSelectorAndTemplate(spec, { emptyName: 'deployment' })];
  if (old) errs.push(...immutableSelector('spec.selector', spec.selector, old.spec?.selector));
  return errs;
}

function validateDaemonSet(obj: KObject, old: KObject | undefined): FieldError[] {
  const spec = obj.spec ?? {};
  const errs = validateSelectorAndTemplate(spec, { emptyName: 'daemonset' });
  const type = spec.updateStrategy?.type;
  if (!['OnDelete', 'RollingUpdate'].includes(type))
    errs.push(fieldErr.notSupported('spec.updateStrategy.type', type ?? '', ['OnDelete', 'RollingUpdate']));
  if (old) errs.push(...immutableSelector('spec.selector', spec.selector, old.spec?.selector));
  return errs;
}

/** Fields of a StatefulSet spec an update may change (`ValidateStatefulSetUpdate`). */
const STS_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

function validateStatefulSet(obj: KObject, old: KObject | undefined): FieldError[] {
  const spec = obj.spec ?? {};
  const errs = [...replicasErrors(spec), ...validateSelectorAndTemplate(spec, { emptyName: 'statefulset' })];
  const policy = spec.podManagementPolicy;
  if (!['OrderedReady', 'Parallel'].includes(policy))
    errs.push(fieldErr.notSupported('spec.podManagementPolicy', policy ?? '', ['OrderedReady', 'Parallel']));
  const type = spec.updateStrategy?.type;
  if (!['OnDelete', 'RollingUpdate'].includes(type))
    errs.push(fieldErr.notSupported('spec.updateStrategy.type', type ?? '', ['OnDelete', 'RollingUpdate']));
  if (old) {
    const strip = (s: any) => {
      const c = { ...(s ?? {}) };
      for (const k of STS_MUTABLE) delete c[k];
      return c;
    };
    if (!isDeepStrictEqual(strip(spec), strip(old.spec)))
      errs.push(
        fieldErr.forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      );
  }
  return errs;
}

/** RC selectors are plain maps; an empty template is allowed only without a selector. */
function validateReplicationController(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs = replicasErrors(spec);
  const sel = spec.selector;
  if (!isObject(sel) || !Object.keys(sel).length) errs.push(fieldErr.required('spec.selector'));
  const template = spec.template;
  if (!isObject(template)) {
    errs.push(fieldErr.required('spec.template'));
    return errs;
  }
  const labels = template.metadata?.labels;
  if (isObject(sel) && Object.keys(sel).length && !Object.entries(sel).every(([k, v]) => labels?.[k] === v))
    errs.push(
      goInvalid(
        'spec.template.metadata.labels',
        goStringMap(labels),
        '`selector` does not match template `labels`',
      ),
    );
  errs.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  const rp = template.spec?.restartPolicy;
  if (!unset(rp) && rp !== 'Always')
    errs.push(fieldErr.notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// strategies

function withDefaults(
  defaults: (o: KObject) => void,
  validate: (o: KObject, old?: KObject) => FieldError[],
): Strategy {
  return {
    prepareCreate: (obj) => defaults(obj),
    prepareUpdate: (obj) => defaults(obj),
    validate: (obj, old) => validate(obj, old),
  };
}

export const deploymentStrategy = withDefaults(defaultDeployment, validateDeployment);
export const replicaSetStrategy = withDefaults(defaultReplicaSet, validateReplicaSet);
export const statefulSetStrategy = withDefaults(defaultStatefulSet, validateStatefulSet);
export const daemonSetStrategy = withDefaults(defaultDaemonSet, validateDaemonSet);
export const replicationControllerStrategy = withDefaults(defaultReplicationController, (o) =>
  validateReplicationController(o),
);

/** ControllerRevision: `data` and `revision` never change. */
export const controllerRevisionStrategy: Strategy = {
  validate(obj, old) {
    const errs = nonNegative('revision', obj.revision);
    if (old && !isDeepStrictEqual(obj.data ?? null, old.data ?? null))
      errs.push({ type: 'FieldValueInvalid', field: 'data', omitValue: true, detail: 'field is immutable' });
    return errs;
  },
};
