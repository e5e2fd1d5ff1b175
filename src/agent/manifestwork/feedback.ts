/**
 * Status feedback (provisioning.md §2.2 feedbackRules, §2.3 statusFeedback): values read from the
 * live WEC object by WellKnownStatus and JSONPaths rules, typed as OCM types them.
 *
 * The engine reads a whole object's status from a JSONPaths rule named `status` on `.status`,
 * returned as JsonRaw (src/engine/status/rules.ts); that needs OCM's `RawFeedbackJsonString`
 * gate, which this agent has on by default (`rawJson`).
 */
import type { KObject } from '../../api/meta.js';
import type { FeedbackRule, FeedbackValue, FieldValue, JsonPath } from '../../api/ocm.js';
import { evalJsonPath } from '../../util/jsonpath.js';
import { canonicalJson } from '../common/json.js';
import { DEFAULT_MAX_JSON_RAW_LENGTH } from './constants.js';

export interface FeedbackOptions {
  /**
   * Return maps, lists, non-integral numbers and multiple matches as JsonRaw (OCM's
   * `RawFeedbackJsonString` gate). Default true; false gives OCM v1.0.0's default behaviour.
   */
  rawJson?: boolean;
  /** Longest JsonRaw text (default 1024, the CRD's limit); longer values fail the rule. */
  maxJsonRawLength?: number;
}

/** Name of the feedback value carrying a whole `.status` (the engine's convention). */
export const STATUS_FEEDBACK_NAME = 'status';

/** The feedback rule the engine's status return reads: `.status` as JsonRaw under the name `status`. */
export function statusFeedbackRule(): FeedbackRule {
  return { type: 'JSONPaths', jsonPaths: [{ name: STATUS_FEEDBACK_NAME, path: '.status' }] };
}

const paths = (entries: Array<[string, string]>): JsonPath[] =>
  entries.map(([name, path]) => ({ name, path }));
const conditionStatus = (type: string) => `.status.conditions[?(@.type=="${type}")].status`;

/** The agent's compiled-in WellKnownStatus rules, keyed by `group/version/Kind` (core: `/v1/Pod`). */
export const WELL_KNOWN_STATUS: Readonly<Record<string, readonly JsonPath[]>> = {
  'apps/v1/Deployment': paths([
    ['ReadyReplicas', '.status.readyReplicas'],
    ['Replicas', '.status.replicas'],
    ['AvailableReplicas', '.status.availableReplicas'],
  ]),
  'apps/v1/DaemonSet': paths([
    ['NumberReady', '.status.numberReady'],
    ['DesiredNumberScheduled', '.status.desiredNumberScheduled'],
    ['NumberAvailable', '.status.numberAvailable'],
  ]),
  'batch/v1/Job': paths([
    ['JobComplete', conditionStatus('Complete')],
    ['JobSucceeded', '.status.succeeded'],
  ]),
  '/v1/Pod': paths([
    ['PodReady', conditionStatus('Ready')],
    ['PodPhase', '.status.phase'],
  ]),
};

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** Go's GroupVersionKind String(): `apps/v1, Kind=Deployment`, core `/v1, Kind=Pod`. */
const gvkText = (g: Gvk) => `${g.group}/${g.version}, Kind=${g.kind}`;

/** Types one selected value; a string is an error message. */
export function fieldValueOf(values: readonly unknown[], opts: FeedbackOptions = {}): FieldValue | string {
  const raw = opts.rawJson ?? true;
  const max = opts.maxJsonRawLength ?? DEFAULT_MAX_JSON_RAW_LENGTH;
  const asRaw = (v: unknown): FieldValue | string => {
    const text = canonicalJson(v);
    return text.length > max
      ? `the length of the raw JSON value is ${text.length}, more than the limit of ${max}`
      : { type: 'JsonRaw', jsonRaw: text };
  };
  if (values.length > 1 && raw) return asRaw(values);
  const v = values[0];
  if (typeof v === 'number' && Number.isInteger(v)) return { type: 'Integer', integer: v };
  if (typeof v === 'string') return { type: 'String', string: v };
  if (typeof v === 'boolean') return { type: 'Boolean', boolean: v };
  if (raw && v !== null) return asRaw(v);
  return `the type of the value is not supported: ${v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'number' ? 'float' : 'map'}`;
}

/**
 * Evaluates `rules` against the live object. Missing fields give no value and no error; a value
 * name appears once (the first rule producing it wins). Values keep rule order, so the same
 * object always yields the same list.
 */
export function evaluateFeedback(
  obj: KObject,
  rules: readonly FeedbackRule[],
  gvk: Gvk,
  opts: FeedbackOptions = {},
): { values: FeedbackValue[]; errors: string[] } {
  const values: FeedbackValue[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  const evalPath = (p: JsonPath) => {
    if (seen.has(p.name)) return;
    if (p.version && p.version !== gvk.version) {
      errors.push(
        `the version ${p.version} of path ${p.name} does not match the resource version ${gvk.version}`,
      );
      return;
    }
    let found: unknown[];
    try {
      found = evalJsonPath(obj, p.path);
    } catch (e) {
      errors.push(`failed to parse path ${p.name}: ${(e as Error).message}`);
      return;
    }
    if (!found.length) return;
    const fv = fieldValueOf(found, opts);
    if (typeof fv === 'string') {
      errors.push(`failed to read path ${p.name}: ${fv}`);
      return;
    }
    seen.add(p.name);
    values.push({ name: p.name, fieldValue: fv });
  };
  for (const rule of rules) {
    if (rule.type === 'WellKnownStatus') {
      const known = WELL_KNOWN_STATUS[`${gvk.group}/${gvk.version}/${gvk.kind}`];
      if (!known) errors.push(`cannot find the wellknown statuses for resource with gvk ${gvkText(gvk)}`);
      else known.forEach(evalPath);
    } else if (rule.type === 'JSONPaths') {
      (rule.jsonPaths ?? []).forEach(evalPath);
    } else {
      errors.push(`unknown feedback rule type ${JSON.stringify((rule as FeedbackRule).type)}`);
    }
  }
  return { values, errors };
}
