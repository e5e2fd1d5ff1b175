import { isDeepStrictEqual } from 'node:util';
import { fieldErr, type FieldError } from '../../errors.js';
import type { KObject, Strategy } from '../../types.js';
import { goLabelSelector, goStringMap } from '../format.js';
import {
  asArray,
  ensureObject,
  goInvalid,
  immutable,
  immutableSelector,
  isObject,
  nonNegative,
  selectorMatches,
  templateLabelsMismatch,
  unset,
  validateLabelSelector,
} from './common.js';
import { defaultPodTemplate, validatePodSpec } from './pod.js';

/**
 * batch/v1 Job and CronJob (apiserver-compat.md §15.1): Job defaults, the generated selector and
 * pod labels that tie a Job to its pods, template immutability and the restartPolicy rule.
 */

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

const missing = (v: unknown): boolean => v === undefined || v === null;
const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];

// ---------------------------------------------------------------------------------------------
// Job

/** SetDefaults_Job (the Job's own labels are filled in later, see `copyTemplateLabels`). */
export function defaultJobSpec(spec: Record<string, any>): void {
  if (missing(spec.completions) && missing(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (missing(spec.parallelism)) spec.parallelism = 1;
  if (missing(spec.backoffLimit)) spec.backoffLimit = missing(spec.backoffLimitPerIndex) ? 6 : 2147483647;
  if (unset(spec.completionMode)) spec.completionMode = 'NonIndexed';
  if (missing(spec.suspend)) spec.suspend = false;
  for (const rule of asArray(spec.podFailurePolicy?.rules))
    for (const pattern of asArray(rule?.onPodConditions))
      if (isObject(pattern) && unset(pattern.status)) pattern.status = 'True';
  if (unset(spec.podReplacementPolicy))
    spec.podReplacementPolicy = isObject(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed';
  defaultPodTemplate(spec.template);
}

/**
 * A Job without labels takes its template's labels. Upstream's defaulting shares the template's
 * label map, and it runs again when the created object is read back, so the generated
 * controller-uid/job-name labels show up on the Job as well.
 */
function copyTemplateLabels(obj: KObject): void {
  const labels = obj.spec?.template?.metadata?.labels;
  obj.metadata ??= {};
  if (isObject(labels) && (!isObject(obj.metadata.labels) || !Object.keys(obj.metadata.labels).length))
    obj.metadata.labels = { ...labels };
}

/** `generateSelector`: pod labels and a selector on the Job's uid (set before prepareCreate). */
function generateSelector(obj: KObject): void {
  const uid = obj.metadata?.uid ?? '';
  const name = obj.metadata?.name ?? '';
  const template = ensureObject(obj.spec!, 'template');
  const meta = ensureObject(template, 'metadata');
  const labels = ensureObject(meta, 'labels');
  // Labels the user set are kept; a conflict is reported by validation.
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(k in labels)) labels[k] = uid;
  const selector = ensureObject(obj.spec!, 'selector');
  const matchLabels = ensureObject(selector, 'matchLabels');
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = uid;
}

/** `ValidateHasLabel` for a generated pod label. */
function hasLabel(labels: Record<string, string> | undefined, key: string, want: string): FieldError[] {
  const path = `spec.template.metadata.labels[${key}]`;
  if (!labels || !(key in labels)) return [fieldErr.required(path, `must be '${want}'`)];
  if (labels[key] !== want) return [goInvalid(path, goStringMap(labels), `must be '${want}'`)];
  return [];
}

function validateGeneratedSelector(obj: KObject): FieldError[] {
  const uid = obj.metadata?.uid ?? '';
  const name = obj.metadata?.name ?? '';
  const labels = obj.spec?.template?.metadata?.labels;
  const errs = [
    ...hasLabel(labels, LEGACY_CONTROLLER_UID_LABEL, uid),
    ...hasLabel(labels, LEGACY_JOB_NAME_LABEL, name),
    ...hasLabel(labels, CONTROLLER_UID_LABEL, uid),
    ...hasLabel(labels, JOB_NAME_LABEL, name),
  ];
  if (selectorMatches(obj.spec?.selector, { [CONTROLLER_UID_LABEL]: uid }) === false)
    errs.push(
      goInvalid('spec.selector', goLabelSelector(obj.spec?.selector), '`selector` not auto-generated'),
    );
  return errs;
}

function validateJobSpec(spec: any): FieldError[] {
  const errs: FieldError[] = [
    ...nonNegative('spec.parallelism', spec.parallelism),
    ...nonNegative('spec.completions', spec.completions),
    ...nonNegative('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds),
    ...nonNegative('spec.backoffLimit', spec.backoffLimit),
    ...nonNegative('spec.ttlSecondsAfterFinished', spec.ttlSecondsAfterFinished),
  ];
  const manual = spec.manualSelector === true;
  if (manual && missing(spec.selector)) errs.push(fieldErr.required('spec.selector'));
  if (!missing(spec.selector)) errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const labels = spec.template?.metadata?.labels;
  if (!missing(spec.selector) && selectorMatches(spec.selector, labels) === false)
    errs.push(templateLabelsMismatch('spec.template', labels));
  if (!['NonIndexed', 'Indexed'].includes(spec.completionMode))
    errs.push(
      fieldErr.notSupported('spec.completionMode', spec.completionMode ?? '', ['NonIndexed', 'Indexed']),
    );
  else if (spec.completionMode === 'Indexed' && missing(spec.completions))
    errs.push(fieldErr.required('spec.completions', 'when completion mode is Indexed'));
  if (!isObject(spec.template)) errs.push(fieldErr.required('spec.template'));
  else {
    errs.push(...validatePodSpec(spec.template.spec, 'spec.template.spec'));
    const rp = spec.template.spec?.restartPolicy;
    if (!JOB_RESTART_POLICIES.includes(rp))
      errs.push(fieldErr.notSupported('spec.template.spec.restartPolicy', rp ?? '', JOB_RESTART_POLICIES));
  }
  return errs;
}

/** Scheduling directives a suspended Job that never started may still change. */
const SUSPENDED_MUTABLE = ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates'];

function templateForCompare(template: any, relaxed: boolean): any {
  const t = structuredClone(template ?? {});
  if (relaxed) {
    if (isObject(t.metadata)) {
      delete t.metadata.labels;
      delete t.metadata.annotations;
    }
    if (isObject(t.spec)) for (const k of SUSPENDED_MUTABLE) delete t.spec[k];
  }
  return t;
}

function validateJobUpdate(obj: KObject, old: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const prev = old.spec ?? {};
  const errs: FieldError[] = [];
  const relaxed = prev.suspend === true && !old.status?.startTime;
  if (
    !isDeepStrictEqual(templateForCompare(spec.template, relaxed), templateForCompare(prev.template, relaxed))
  )
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.template',
      omitValue: true,
      detail: 'field is immutable',
    });
  errs.push(...immutableSelector('spec.selector', spec.selector, prev.selector));
  errs.push(...immutable('spec.completionMode', spec.completionMode, prev.completionMode));
  if (spec.completionMode !== 'Indexed')
    errs.push(...immutable('spec.completions', spec.completions, prev.completions));
  if (!isDeepStrictEqual(spec.podFailurePolicy ?? null, prev.podFailurePolicy ?? null))
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.podFailurePolicy',
      omitValue: true,
      detail: 'field is immutable',
    });
  errs.push(...immutable('spec.backoffLimitPerIndex', spec.backoffLimitPerIndex, prev.backoffLimitPerIndex));
  errs.push(...immutable('spec.managedBy', spec.managedBy, prev.managedBy));
  return errs;
}

export const jobStrategy: Strategy = {
  prepareCreate(obj) {
    const spec = ensureObject(obj, 'spec');
    defaultJobSpec(spec);
    if (spec.manualSelector !== true) generateSelector(obj);
    copyTemplateLabels(obj);
  },
  prepareUpdate(obj) {
    defaultJobSpec(ensureObject(obj, 'spec'));
    copyTemplateLabels(obj);
  },
  validate(obj, old) {
    const spec = obj.spec ?? {};
    const errs = validateJobSpec(spec);
    if (!old && spec.manualSelector !== true) errs.push(...validateGeneratedSelector(obj));
    if (old) errs.push(...validateJobUpdate(obj, old));
    return errs;
  },
};

// ---------------------------------------------------------------------------------------------
// CronJob

const DESCRIPTORS = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);
const CRON_BOUNDS: Array<[number, number, Record<string, number>?]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [
    1,
    12,
    { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
  ],
  [0, 6, { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }],
];

/** Problems with one cron field (robfig/cron's standard parser, with its messages). */
function cronFieldError(
  field: string,
  [min, max, names]: [number, number, Record<string, number>?],
): string | undefined {
  for (const expr of field.split(',')) {
    const [rangePart, stepPart, ...rest] = expr.split('/');
    if (rest.length) return `too many slashes: ${expr}`;
    const num = (s: string): number | string => {
      const named = names?.[s.toLowerCase()];
      if (named !== undefined) return named;
      if (!/^[0-9]+$/.test(s))
        return `failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
      return Number(s);
    };
    let lo = min;
    let hi = max;
    if (rangePart !== '*' && rangePart !== '?') {
      const bounds = rangePart.split('-');
      if (bounds.length > 2) return `too many hyphens: ${expr}`;
      const a = num(bounds[0]);
      if (typeof a === 'string') return a;
      const b = bounds.length === 2 ? num(bounds[1]) : a;
      if (typeof b === 'string') return b;
      [lo, hi] = [a, b];
    }
    if (stepPart !== undefined) {
      const step = num(stepPart);
      if (typeof step === 'string') return step;
      if (step === 0) return `step of range should be a positive number: ${expr}`;
    }
    if (lo < min) return `beginning of range (${lo}) below minimum (${min}): ${expr}`;
    if (hi > max) return `end of range (${hi}) above maximum (${max}): ${expr}`;
    if (lo > hi) return `beginning of range (${lo}) beyond end of range (${hi}): ${expr}`;
  }
  return undefined;
}

/** `cron.ParseStandard` error text, or undefined for a valid schedule. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.startsWith('@')) {
    if (DESCRIPTORS.has(s)) return undefined;
    if (s.startsWith('@every '))
      return /^@every\s+((\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/.test(s)
        ? undefined
        : `failed to parse duration ${s}`;
    return `unrecognized descriptor: ${s}`;
  }
  let fields = s.split(/\s+/).filter(Boolean);
  // A leading TZ=/CRON_TZ= is accepted by the parser (validation then forbids it).
  if (fields[0]?.startsWith('TZ=') || fields[0]?.startsWith('CRON_TZ=')) fields = fields.slice(1);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    const e = cronFieldError(fields[i], CRON_BOUNDS[i]);
    if (e) return e;
  }
  return undefined;
}

function timeZoneErrors(tz: unknown): FieldError[] {
  if (missing(tz)) return [];
  const v = String(tz);
  if (!v) return [fieldErr.invalid('spec.timeZone', v, 'timeZone must be nil or non-empty string')];
  if (v.toLowerCase() === 'local')
    return [
      fieldErr.invalid(
        'spec.timeZone',
        v,
        'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
      ),
    ];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return [];
  } catch {
    return [fieldErr.invalid('spec.timeZone', v, `unknown time zone ${v}`)];
  }
}

export function defaultCronJob(obj: KObject): void {
  const spec = ensureObject(obj, 'spec');
  if (unset(spec.concurrencyPolicy)) spec.concurrencyPolicy = 'Allow';
  if (missing(spec.suspend)) spec.suspend = false;
  if (missing(spec.successfulJobsHistoryLimit)) spec.successfulJobsHistoryLimit = 3;
  if (missing(spec.failedJobsHistoryLimit)) spec.failedJobsHistoryLimit = 1;
  defaultPodTemplate(spec.jobTemplate?.spec?.template);
}

const CONCURRENCY = ['Allow', 'Forbid', 'Replace'];

function validateCronJob(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (unset(spec.schedule)) errs.push(fieldErr.required('spec.schedule'));
  else {
    const e = cronScheduleError(String(spec.schedule));
    if (e) errs.push(fieldErr.invalid('spec.schedule', spec.schedule, e));
    if (String(spec.schedule).includes('TZ'))
      errs.push(
        fieldErr.invalid(
          'spec.schedule',
          spec.schedule,
          'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
        ),
      );
  }
  errs.push(...timeZoneErrors(spec.timeZone));
  if (!CONCURRENCY.includes(spec.concurrencyPolicy))
    errs.push(fieldErr.notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy ?? '', CONCURRENCY));
  errs.push(
    ...nonNegative('spec.startingDeadlineSeconds', spec.startingDeadlineSeconds),
    ...nonNegative('spec.successfulJobsHistoryLimit', spec.successfulJobsHistoryLimit),
    ...nonNegative('spec.failedJobsHistoryLimit', spec.failedJobsHistoryLimit),
  );
  const template = spec.jobTemplate?.spec?.template;
  if (!isObject(template)) errs.push(fieldErr.required('spec.jobTemplate.spec.template'));
  else {
    errs.push(...validatePodSpec(template.spec, 'spec.jobTemplate.spec.template.spec'));
    const rp = template.spec?.restartPolicy;
    if (!JOB_RESTART_POLICIES.includes(rp))
      errs.push(
        fieldErr.notSupported(
          'spec.jobTemplate.spec.template.spec.restartPolicy',
          rp ?? '',
          JOB_RESTART_POLICIES,
        ),
      );
  }
  return errs;
}

export const cronJobStrategy: Strategy = {
  prepareCreate: (obj) => defaultCronJob(obj),
  prepareUpdate: (obj) => defaultCronJob(obj),
  validate: (obj) => validateCronJob(obj),
};
