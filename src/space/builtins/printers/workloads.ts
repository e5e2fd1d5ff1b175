import type { KObject } from '../../types.js';
import { age, humanDuration } from '../../humanize.js';
import { formatLabels, formatLabelSelector, lengthOf, selectorString } from '../format.js';
import {
  AGE,
  CONTAINERS,
  IMAGES,
  NAME,
  SELECTOR,
  col,
  conditionTrue,
  containerCells,
  created,
  int,
  name,
  printer,
} from './common.js';

/** apps/v1 and batch/v1 printers. */

// ---------------------------------------------------------------------------------------------
// apps

export const deployment = printer(
  [
    NAME,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col(
      'Up-to-date',
      'string',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    col(
      'Available',
      'string',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  (o, now) => [
    name(o),
    `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}`,
    int(o.status?.updatedReplicas),
    int(o.status?.availableReplicas),
    created(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    selectorString(o.spec?.selector) ?? '<invalid>',
  ],
);

export const statefulSet = printer(
  [NAME, col('Ready', 'string', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES],
  (o, now) => [
    name(o),
    `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}`,
    created(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
  ],
);

export const daemonSet = printer(
  [
    NAME,
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    col(
      'Current',
      'integer',
      'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
    ),
    col(
      'Ready',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
    ),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col(
      'Available',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.',
    ),
    col(
      'Node Selector',
      'string',
      'NodeSelector is a selector which must be true for the pod to fit on a node.',
    ),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  (o, now) => [
    name(o),
    int(o.status?.desiredNumberScheduled),
    int(o.status?.currentNumberScheduled),
    int(o.status?.numberReady),
    int(o.status?.updatedNumberScheduled),
    int(o.status?.numberAvailable),
    formatLabels(o.spec?.template?.spec?.nodeSelector),
    created(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    formatLabelSelector(o.spec?.selector),
  ],
);

/** `printControllerRevision`: the controlling owner as `kind.group/name`. */
export const controllerRevision = printer(
  [
    NAME,
    col('Controller', 'string', 'Controller of the object'),
    col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    AGE,
  ],
  (o, now) => {
    const ref = (o.metadata?.ownerReferences ?? []).find((r) => r?.controller === true);
    let controller = '<none>';
    if (ref) {
      const apiVersion = String(ref.apiVersion ?? '');
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      controller = ref.kind
        ? `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`
        : ref.name;
    }
    return [name(o), controller, int(o.revision), created(o, now)];
  },
);

// ---------------------------------------------------------------------------------------------
// batch

function jobStatus(o: KObject): string {
  const conds = o.status?.conditions;
  if (conditionTrue(conds, 'Complete')) return 'Complete';
  if (conditionTrue(conds, 'Failed')) return 'Failed';
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  if (conditionTrue(conds, 'Suspended')) return 'Suspended';
  if (conditionTrue(conds, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(o: KObject): string {
  const succeeded = int(o.status?.succeeded);
  if (typeof o.spec?.completions === 'number') return `${succeeded}/${o.spec.completions}`;
  const parallelism = int(o.spec?.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(o: KObject, now: Date): string {
  const start = Date.parse(o.status?.startTime ?? '');
  if (Number.isNaN(start)) return '';
  const end = Date.parse(o.status?.completionTime ?? '');
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

export const job = printer(
  [
    NAME,
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    col('Duration', 'string', 'Time required to complete the job.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  (o, now) => [
    name(o),
    jobStatus(o),
    jobCompletions(o),
    jobDuration(o, now),
    created(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    formatLabelSelector(o.spec?.selector),
  ],
);

const boolPtr = (v: unknown): string => (v === true ? 'True' : v === false ? 'False' : '<unset>');

export const cronJob = printer(
  [
    NAME,
    col('Schedule', 'string', 'The schedule in Cron format.'),
    col('Timezone', 'string', 'The time zone name for the given schedule.'),
    col('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions.'),
    col('Active', 'integer', 'A list of pointers to currently running jobs.'),
    col('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  (o, now) => [
    name(o),
    o.spec?.schedule ?? '',
    o.spec?.timeZone ?? '<none>',
    boolPtr(o.spec?.suspend),
    lengthOf(o.status?.active),
    o.status?.lastScheduleTime ? age(o.status.lastScheduleTime, now) : '<none>',
    created(o, now),
    ...containerCells(o.spec?.jobTemplate?.spec?.template?.spec?.containers),
    formatLabelSelector(o.spec?.jobTemplate?.spec?.selector),
  ],
);
