/**
 * metav1.Condition bookkeeping as `meta.SetStatusCondition` does it: lastTransitionTime moves only
 * when the status changes, so rebuilding the same conditions from the same facts is a no-op.
 */
import type { Condition, ConditionStatus } from '../../api/meta.js';
import { rfc3339, type Instant } from './time.js';

/** A condition without its transition time (which this module decides). */
export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
}

/**
 * The condition to store: `next` with the previous lastTransitionTime when the status did not
 * change, else `now`.
 */
export function settle(
  prev: readonly Condition[] | undefined,
  next: ConditionInput,
  now: Instant,
): Condition {
  const old = prev?.find((c) => c.type === next.type);
  const lastTransitionTime =
    old && old.status === next.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now);
  const out: Condition = {
    type: next.type,
    status: next.status,
    lastTransitionTime,
    reason: next.reason,
    message: next.message,
  };
  if (next.observedGeneration !== undefined) out.observedGeneration = next.observedGeneration;
  return out;
}

/** Settles each condition of `next`, in the given order. */
export function settleAll(
  prev: readonly Condition[] | undefined,
  next: readonly ConditionInput[],
  now: Instant,
): Condition[] {
  return next.map((c) => settle(prev, c, now));
}

export function findCondition<T extends { type: string }>(
  list: readonly T[] | undefined,
  type: string,
): T | undefined {
  return list?.find((c) => c.type === type);
}

/** True when `list` has condition `type` with status "True". */
export function isTrue(list: readonly { type: string; status: string }[] | undefined, type: string): boolean {
  return findCondition(list, type)?.status === 'True';
}
