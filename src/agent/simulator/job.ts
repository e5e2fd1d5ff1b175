/**
 * Simulated Job controller: starts the Job, then after the delay completes it (conditions
 * SuccessCriteriaMet + Complete, reason CompletionsReached, as Kubernetes ≥ 1.31 writes them) or,
 * under `behavior: fail`, fails it (FailureTarget + Failed, reason BackoffLimitExceeded).
 * Finished Jobs are left alone.
 */
import type { KObject } from '../../api/meta.js';
import { parseTime } from '../common/time.js';
import {
  condition,
  conditionsOf,
  finish,
  remaining,
  time,
  type SimContext,
  type SimResult,
} from './common.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Pods that must succeed: `completions`, or 1 for a work-queue Job (completions unset). */
export const completionsOf = (obj: KObject): number => num(obj.spec?.completions) ?? 1;

const COMPLETE_MSG = 'Reached expected number of succeeded pods';
const FAILED_MSG = 'Job has reached the specified backoff limit';

export function simulateJob(ctx: SimContext): SimResult | undefined {
  const { obj, nowSec } = ctx;
  const prev = conditionsOf(obj);
  const finished = prev.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (finished) return undefined;
  const cur = obj.status ?? {};
  const base = { ready: 0, terminating: 0, uncountedTerminatedPods: {} };

  if (obj.spec?.suspend === true)
    return finish(obj, {
      conditions: [
        condition(
          prev,
          { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' },
          nowSec,
          { probeTime: true },
        ),
      ],
      ...base,
    });

  const start = parseTime(cur.startTime) ?? nowSec;
  const left = remaining(ctx, start);
  const completions = completionsOf(obj);
  const running = Math.max(1, Math.min(num(obj.spec?.parallelism) ?? 1, completions));
  // Resumed Jobs carry a Suspended=False condition, as upstream does.
  const suspended = prev.find((c) => c.type === 'Suspended');
  const resumed = suspended
    ? [
        condition(
          prev,
          { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' },
          nowSec,
          { probeTime: true },
        ),
      ]
    : [];

  if (ctx.behavior === 'stall' || left > 0) {
    const status: Record<string, unknown> = {
      startTime: time(start),
      active: running,
      ...base,
      ready: running,
    };
    if (resumed.length) status.conditions = resumed;
    return finish(obj, status, ctx.behavior === 'stall' ? 0 : left);
  }
  if (ctx.behavior === 'fail') {
    const failed = (num(obj.spec?.backoffLimit) ?? 6) + 1;
    return finish(obj, {
      conditions: [
        ...resumed,
        condition(
          prev,
          { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: FAILED_MSG },
          nowSec,
          { probeTime: true },
        ),
        condition(
          prev,
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: FAILED_MSG },
          nowSec,
          { probeTime: true },
        ),
      ],
      startTime: time(start),
      failed,
      ...base,
    });
  }
  return finish(obj, {
    conditions: [
      ...resumed,
      condition(
        prev,
        { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: COMPLETE_MSG },
        nowSec,
        { probeTime: true },
      ),
      condition(
        prev,
        { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: COMPLETE_MSG },
        nowSec,
        { probeTime: true },
      ),
    ],
    startTime: time(start),
    completionTime: time(Math.max(nowSec, start)),
    succeeded: completions,
    ...base,
  });
}
