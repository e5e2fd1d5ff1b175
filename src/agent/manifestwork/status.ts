/**
 * The ManifestWork status the agent writes back to the hub (provisioning.md §2.3): per-manifest
 * conditions and feedback values plus the work-level Applied / Available / Degraded conditions,
 * with OCM's reasons and messages. Rebuilding from unchanged facts yields an identical status
 * (transition times are kept), so `changed` is false and nothing needs writing.
 */
import type { Condition, KObject } from '../../api/meta.js';
import type {
  ConditionRule,
  FeedbackValue,
  ManifestCondition,
  ManifestWork,
  ManifestWorkStatus,
} from '../../api/ocm.js';
import { WorkConditions } from '../../api/ocm.js';
import { settle, settleAll, type ConditionInput } from '../common/conditions.js';
import { jsonEqual } from '../common/json.js';
import type { Instant } from '../common/time.js';
import { waitMessage } from './apply.js';
import { WorkReasons as R } from './constants.js';
import { evaluateFeedback, type FeedbackOptions, type Gvk } from './feedback.js';
import { degradedReason, wellKnownCondition } from './health.js';
import type { ManifestPlan, WorkPlan } from './plan.js';

/** What happened to one manifest in this pass. */
export interface ManifestOutcome {
  /** The write succeeded, or nothing needed writing. */
  applied?: boolean;
  /** The write failed with this message (e.g. the API error text). */
  applyError?: string;
  /** The object as read from the WEC afterwards; absent when it does not exist. */
  live?: KObject;
  /** Reading the object failed for another reason than "not found". */
  fetchError?: string;
}

export interface WorkStatusInput {
  work: ManifestWork;
  plan: WorkPlan;
  /** Outcome per ordinal; a missing entry keeps the manifest's previous Applied condition. */
  outcomes: ReadonlyMap<number, ManifestOutcome>;
  now: Instant;
  feedback?: FeedbackOptions;
  /** Write the (non-OCM) work-level Degraded condition. Default true. */
  degraded?: boolean;
}

const gvkOf = (p: ManifestPlan): Gvk => ({
  group: p.meta.group ?? '',
  version: p.meta.version ?? '',
  kind: p.meta.kind ?? '',
});

const describe = (p: ManifestPlan): string => {
  const where = p.meta.namespace ? `${p.meta.namespace}/${p.meta.name}` : p.meta.name;
  return `${p.meta.kind} ${where}`;
};

/** go's utilerrors.NewAggregate text: one error as is, several as `[a, b]`. */
const aggregate = (errs: readonly string[]) => (errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);

/** The previous entry for the same ordinal and object, if any. */
function previousManifest(
  prev: ManifestWorkStatus | undefined,
  p: ManifestPlan,
): ManifestCondition | undefined {
  const m = prev?.resourceStatus?.manifests?.find((x) => x.resourceMeta?.ordinal === p.ordinal);
  if (!m) return undefined;
  const a = m.resourceMeta;
  const same =
    (a.group ?? '') === (p.meta.group ?? '') &&
    (a.kind ?? '') === (p.meta.kind ?? '') &&
    (a.name ?? '') === (p.meta.name ?? '') &&
    (a.namespace ?? '') === (p.meta.namespace ?? '');
  return same ? m : undefined;
}

function appliedCondition(
  p: ManifestPlan,
  o: ManifestOutcome | undefined,
  prev: Condition | undefined,
  gen?: number,
): ConditionInput {
  const failed = (msg: string): ConditionInput => ({
    type: WorkConditions.Applied,
    status: 'False',
    reason: R.ManifestApplyFailed,
    message: `Failed to apply manifest: ${msg}`,
    observedGeneration: gen,
  });
  if (p.error) return failed(p.error);
  if (p.wait) return failed(waitMessage(p.wait));
  if (o?.applyError) return failed(o.applyError);
  if (o?.applied)
    return {
      type: WorkConditions.Applied,
      status: 'True',
      reason: R.ManifestApplied,
      message: 'Apply manifest complete',
      observedGeneration: gen,
    };
  if (prev)
    return {
      type: prev.type,
      status: prev.status as ConditionInput['status'],
      reason: prev.reason,
      message: prev.message,
      observedGeneration: gen,
    };
  return failed('not applied yet');
}

function availableCondition(p: ManifestPlan, o: ManifestOutcome | undefined, gen?: number): ConditionInput {
  const c = (status: ConditionInput['status'], reason: string, message: string): ConditionInput => ({
    type: WorkConditions.Available,
    status,
    reason,
    message,
    observedGeneration: gen,
  });
  if (!p.id) return c('Unknown', R.IncompleteResourceMeta, 'Resource meta is incompleted');
  if (o?.live) return c('True', R.ResourceAvailable, 'Resource is available');
  if (o?.fetchError)
    return c('Unknown', R.FetchingResourceFailed, `Failed to fetch resource: ${o.fetchError}`);
  return c('False', R.ResourceNotAvailable, 'Resource is not available');
}

function feedbackOf(
  p: ManifestPlan,
  o: ManifestOutcome | undefined,
  opts: FeedbackOptions | undefined,
  gen?: number,
): { values: FeedbackValue[]; condition: ConditionInput } {
  const c = (status: ConditionInput['status'], reason: string, message: string): ConditionInput => ({
    type: WorkConditions.StatusFeedbackSynced,
    status,
    reason,
    message,
    observedGeneration: gen,
  });
  if (!p.feedbackRules.length) return { values: [], condition: c('True', R.NoFeedbackSynced, '') };
  if (!o?.live) {
    const why = o?.fetchError ?? 'the resource is not found';
    return {
      values: [],
      condition: c('False', R.FeedbackSyncFailed, `Sync status feedback failed with error ${why}`),
    };
  }
  const { values, errors } = evaluateFeedback(o.live, p.feedbackRules, gvkOf(p), opts);
  return errors.length
    ? {
        values,
        condition: c(
          'False',
          R.FeedbackSyncFailed,
          `Sync status feedback failed with error ${aggregate(errors)}`,
        ),
      }
    : { values, condition: c('True', R.FeedbackSynced, '') };
}

function ruleCondition(rule: ConditionRule, p: ManifestPlan, live: KObject, gen?: number): ConditionInput {
  const c = (status: ConditionInput['status'], reason: string, message: string): ConditionInput => ({
    type: rule.condition,
    status,
    reason,
    message,
    observedGeneration: gen,
  });
  if (rule.type === 'CEL')
    return c('False', R.ConditionRuleInvalid, 'CEL condition rules are not supported by this agent');
  const v = wellKnownCondition(live, gvkOf(p), rule.condition);
  if (v === undefined) {
    const g = gvkOf(p);
    return c(
      'False',
      R.ConditionRuleInvalid,
      `no well-known condition ${rule.condition} for ${g.group}/${g.version}, Kind=${g.kind}`,
    );
  }
  return c(v ? 'True' : 'False', R.ConditionRuleEvaluated, rule.message ?? '');
}

/** OCM's aggregation of per-manifest Available conditions. */
function aggregateAvailable(manifests: readonly ManifestCondition[], gen?: number): ConditionInput {
  let available = 0;
  let unavailable = 0;
  let unknown = 0;
  for (const m of manifests) {
    const s = m.conditions.find((c) => c.type === WorkConditions.Available)?.status;
    if (s === 'True') available++;
    else if (s === 'False') unavailable++;
    else if (s === 'Unknown') unknown++;
  }
  const n = manifests.length;
  const c = (status: ConditionInput['status'], reason: string, message: string): ConditionInput => ({
    type: WorkConditions.Available,
    status,
    reason,
    message,
    observedGeneration: gen,
  });
  if (unavailable)
    return c('False', R.ResourcesNotAvailable, `${unavailable} of ${n} resources are not available`);
  if (unknown)
    return c('Unknown', R.ResourcesStatusUnknown, `${unknown} of ${n} resources have unknown status`);
  if (!available) return c('Unknown', R.ResourcesStatusUnknown, 'cannot get any available resource ');
  return c('True', R.ResourcesAvailable, 'All resources are available');
}

/** Builds the status; `changed` is false when it equals `work.status`. */
export function buildManifestWorkStatus(input: WorkStatusInput): {
  status: ManifestWorkStatus;
  changed: boolean;
} {
  const { work, plan, outcomes, now } = input;
  const gen = work.metadata.generation;
  const prev = work.status;
  const manifests: ManifestCondition[] = [];
  const degraded: string[] = [];

  for (const p of plan.manifests) {
    const o = outcomes.get(p.ordinal);
    const prevM = previousManifest(prev, p);
    const prevApplied = prevM?.conditions.find((c) => c.type === WorkConditions.Applied);
    const fb = feedbackOf(p, o, input.feedback, gen);
    const inputs: ConditionInput[] = [
      appliedCondition(p, o, prevApplied, gen),
      availableCondition(p, o, gen),
      fb.condition,
    ];
    if (o?.live) {
      for (const rule of p.conditionRules) inputs.push(ruleCondition(rule, p, o.live, gen));
      const why = degradedReason(o.live, gvkOf(p));
      if (why) degraded.push(`${describe(p)}: ${why}`);
    }
    manifests.push({
      resourceMeta: { ...p.meta },
      statusFeedback: fb.values.length ? { values: fb.values } : {},
      conditions: settleAll(prevM?.conditions, dedupeTypes(inputs), now),
    });
  }

  const allApplied = manifests.every(
    (m) => m.conditions.find((c) => c.type === WorkConditions.Applied)?.status === 'True',
  );
  const workInputs: ConditionInput[] = [
    allApplied
      ? {
          type: WorkConditions.Applied,
          status: 'True',
          reason: R.WorkApplied,
          message: 'Apply manifest work complete',
          observedGeneration: gen,
        }
      : {
          type: WorkConditions.Applied,
          status: 'False',
          reason: R.WorkApplyFailed,
          message: 'Failed to apply manifest work',
          observedGeneration: gen,
        },
    aggregateAvailable(manifests, gen),
  ];
  if (input.degraded ?? true)
    workInputs.push(
      degraded.length
        ? {
            type: WorkConditions.Degraded,
            status: 'True',
            reason: R.ResourcesDegraded,
            message: `${degraded.length} of ${manifests.length} resources are degraded: ${degraded.join('; ')}`,
            observedGeneration: gen,
          }
        : {
            type: WorkConditions.Degraded,
            status: 'False',
            reason: R.ResourcesNotDegraded,
            message: 'No resource is degraded',
            observedGeneration: gen,
          },
    );
  const ours = new Set(workInputs.map((c) => c.type));
  if (!(input.degraded ?? true)) ours.add(WorkConditions.Degraded);
  const conditions = [
    ...workInputs.map((c) => settle(prev?.conditions, c, now)),
    // Conditions written by someone else stay, after ours, in their order.
    ...(prev?.conditions ?? []).filter((c) => !ours.has(c.type)),
  ];
  const status: ManifestWorkStatus = { conditions, resourceStatus: { manifests } };
  return { status, changed: !jsonEqual(prev ?? {}, status) };
}

/** A condition rule may not shadow Applied/Available/StatusFeedbackSynced (first one wins). */
function dedupeTypes(list: ConditionInput[]): ConditionInput[] {
  const seen = new Set<string>();
  return list.filter((c) => !seen.has(c.type) && !!seen.add(c.type));
}

/**
 * True when the work's current generation was applied successfully (its Applied condition is True
 * for this generation): a later pass may then skip rewriting objects that already match.
 */
export function generationApplied(work: ManifestWork): boolean {
  const c = work.status?.conditions?.find((x) => x.type === WorkConditions.Applied);
  return c?.status === 'True' && c.observedGeneration === work.metadata.generation;
}
