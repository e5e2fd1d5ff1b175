/**
 * Conditions and status of BindingPolicy and Binding (kubestellar-semantics.md §1.1.5, §1.2,
 * §4.3.4, §4.8.8): set-condition semantics, the policy status the binding controller writes, and
 * the texts of its error entries.
 */
import type { BindingPolicyCondition, BindingPolicyStatus, BindingStatus } from '../../api/control.js';
import {
  CONDITION_STATUS_COLLECTORS_AVAILABLE,
  CONDITION_SYNCED,
  REASON_CREATING,
  REASON_RECONCILE_ERROR,
  REASON_RECONCILE_SUCCESS,
} from '../../api/constants.js';
import type { ObjectId } from './objectid.js';

type Cond = BindingPolicyCondition;

/** Equal in everything but lastTransitionTime (UNIT-05). */
export function conditionsEquivalent(a: Cond, b: Cond): boolean {
  return a.type === b.type && a.status === b.status && a.reason === b.reason && a.message === b.message;
}

/**
 * Sets a condition: unchanged (timestamp kept) when type/status/reason/message are equal,
 * otherwise replaced with lastTransitionTime = now; appended when absent. Returns a new list.
 */
export function setCondition(
  list: readonly Cond[] | undefined,
  cond: Omit<Cond, 'lastTransitionTime'>,
  now: Date,
): Cond[] {
  const out = [...(list ?? [])];
  const i = out.findIndex((c) => c.type === cond.type);
  const next: Cond = { ...cond, lastTransitionTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z') };
  if (i < 0) out.push(next);
  else if (!conditionsEquivalent(out[i], next)) out[i] = next;
  return out;
}

/** Order-sensitive list equality ignoring lastTransitionTime. */
export function conditionListsEquivalent(
  a: readonly Cond[] | undefined,
  b: readonly Cond[] | undefined,
): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((c, i) => conditionsEquivalent(c, y[i]));
}

/** An object with singleton status requested whose qualified WEC count is not 1. */
export interface SingletonProblem {
  id: ObjectId;
  numWECs: number;
}

export const SINGLETON_ERROR_PREFIX =
  'Singleton reported status return is requested but some objects have the wrong number of associated WECs, for example: ';

/** Upstream's error entry, with up to 4 examples serialised like Go's JSON of its structs. */
export function singletonErrorMessage(problems: readonly SingletonProblem[]): string | undefined {
  if (!problems.length) return undefined;
  const examples = problems.slice(0, 4).map((p) => ({
    ObjectID: {
      GVK: { Group: p.id.group, Version: p.id.version, Kind: p.id.kind },
      Resource: p.id.resource,
      ObjectName: { Namespace: p.id.namespace, Name: p.id.name },
    },
    NumWECs: p.numWECs,
  }));
  return SINGLETON_ERROR_PREFIX + JSON.stringify(examples);
}

export const CREATE_ONLY_CONFLICT_PREFIX =
  'BindingPolicies disagree on createOnly for some objects, for example: ';

/**
 * Ours ([IMPROVE], §2.7/§8 item 5): objects that this policy and another deliver with different
 * createOnly settings; the WEC outcome then depends on write order.
 */
export function createOnlyConflictMessage(
  conflicts: readonly { id: ObjectId; policies: string[] }[],
): string | undefined {
  if (!conflicts.length) return undefined;
  const examples = conflicts
    .slice(0, 4)
    .map(
      (c) =>
        `${c.id.group ? c.id.group + '/' : ''}${c.id.resource}(${c.id.namespace ? c.id.namespace + '/' : ''}${c.id.name}) in [${c.policies.join(' ')}]`,
    );
  return CREATE_ONLY_CONFLICT_PREFIX + examples.join(', ');
}

export interface PolicyStatusInput {
  generation: number | undefined;
  /** The Binding as stored (its status carries conditions and transport errors). */
  binding?: { metadata?: { generation?: number }; status?: Partial<BindingStatus> };
  /** Errors the binding controller found itself, already formatted, placed before the Binding's. */
  errors?: readonly (string | undefined)[];
  /** Previous policy status, so unchanged conditions keep their timestamps. */
  previous?: BindingPolicyStatus;
  /** [IMPROVE] also maintain a `Synced` condition (transport caught up with the Binding). */
  synced?: boolean;
  now: Date;
}

/**
 * The BindingPolicy status (§1.1.5): observedGeneration, the Binding's conditions copied verbatim,
 * and errors = the controller's own entries followed by the Binding's `status.errors`.
 */
export function computePolicyStatus(input: PolicyStatusInput): BindingPolicyStatus {
  const errors = [
    ...(input.errors ?? []).filter((e): e is string => !!e),
    ...(input.binding?.status?.errors ?? []),
  ];
  let conditions: Cond[] = [...(input.binding?.status?.conditions ?? [])];
  if (input.synced) {
    const prev = (input.previous?.conditions ?? []).filter((c) => c.type === CONDITION_SYNCED);
    conditions = setCondition([...conditions, ...prev], syncedCondition(input.binding, errors), input.now);
  }
  const status: BindingPolicyStatus = { observedGeneration: input.generation ?? 0 };
  if (conditions.length) status.conditions = conditions;
  if (errors.length) status.errors = errors;
  return status;
}

function syncedCondition(
  binding: PolicyStatusInput['binding'],
  errors: readonly string[],
): Omit<Cond, 'lastTransitionTime'> {
  if (!binding)
    return {
      type: CONDITION_SYNCED,
      status: 'Unknown',
      reason: REASON_CREATING,
      message: 'Binding not created yet',
    };
  if (errors.length)
    return { type: CONDITION_SYNCED, status: 'False', reason: REASON_RECONCILE_ERROR, message: errors[0] };
  const caughtUp = (binding.status?.observedGeneration ?? 0) === (binding.metadata?.generation ?? 0);
  return caughtUp
    ? {
        type: CONDITION_SYNCED,
        status: 'True',
        reason: REASON_RECONCILE_SUCCESS,
        message: 'Binding propagated',
      }
    : {
        type: CONDITION_SYNCED,
        status: 'Unknown',
        reason: REASON_CREATING,
        message: 'Binding not yet propagated',
      };
}

/** The `StatusCollectorsAvailable` condition of a Binding (§4.8.8). */
export function statusCollectorsCondition(
  missingOrInvalid: Iterable<string>,
): Omit<Cond, 'lastTransitionTime'> {
  const missing = [...new Set(missingOrInvalid)].sort();
  return missing.length
    ? {
        type: CONDITION_STATUS_COLLECTORS_AVAILABLE,
        status: 'False',
        reason: REASON_RECONCILE_ERROR,
        message: `Missing StatusCollector(s) [${missing.join(' ')}]`,
      }
    : {
        type: CONDITION_STATUS_COLLECTORS_AVAILABLE,
        status: 'True',
        reason: REASON_RECONCILE_SUCCESS,
        message: 'All StatusCollector(s) are available',
      };
}

/**
 * [IMPROVE] (§1.2 caveat): the Binding status a writer wants, merged into the current one so the
 * transport's {observedGeneration, errors} and the status controller's conditions never erase
 * each other. Undefined fields of `patch` keep the current value.
 */
export function mergeBindingStatus(
  current: Partial<BindingStatus> | undefined,
  patch: Partial<BindingStatus>,
): BindingStatus {
  const out: BindingStatus = {
    observedGeneration: patch.observedGeneration ?? current?.observedGeneration ?? 0,
  };
  const errors = patch.errors ?? current?.errors;
  const conditions = patch.conditions ?? current?.conditions;
  if (errors?.length) out.errors = [...errors];
  if (conditions?.length) out.conditions = [...conditions];
  return out;
}
