import {
  anyValue,
  arr,
  atomic,
  bool,
  int,
  int64,
  intOrString,
  obj,
  patchStrategy,
  str,
  time,
} from '../schema-dsl.js';
import { condition, conditions, labelSelector, objectMeta, resource } from './meta.js';
import { objectReference, persistentVolumeClaim, podTemplateSpec } from './pod.js';

/** apps/v1 and batch/v1 (k8s.io/api v0.34). */

export const deployment = resource({
  spec: obj({
    replicas: int(),
    selector: labelSelector,
    template: podTemplateSpec,
    // retainKeys: switching to Recreate drops rollingUpdate in a strategic merge.
    strategy: patchStrategy(
      obj({ type: str(), rollingUpdate: obj({ maxUnavailable: intOrString(), maxSurge: intOrString() }) }),
      'retainKeys',
    ),
    minReadySeconds: int(),
    revisionHistoryLimit: int(),
    paused: bool(),
    progressDeadlineSeconds: int(),
  }),
  status: obj({
    observedGeneration: int64(),
    replicas: int(),
    updatedReplicas: int(),
    readyReplicas: int(),
    availableReplicas: int(),
    unavailableReplicas: int(),
    terminatingReplicas: int(),
    conditions: conditions(condition('lastUpdateTime')),
    collisionCount: int(),
  }),
});

export const replicaSet = resource({
  spec: obj({
    replicas: int(),
    minReadySeconds: int(),
    selector: labelSelector,
    template: podTemplateSpec,
  }),
  status: obj({
    replicas: int(),
    fullyLabeledReplicas: int(),
    readyReplicas: int(),
    availableReplicas: int(),
    terminatingReplicas: int(),
    observedGeneration: int64(),
    conditions: conditions(condition()),
  }),
});

export const statefulSet = resource({
  spec: obj({
    replicas: int(),
    selector: labelSelector,
    template: podTemplateSpec,
    volumeClaimTemplates: atomic(persistentVolumeClaim),
    serviceName: str(),
    podManagementPolicy: str(),
    updateStrategy: obj({
      type: str(),
      rollingUpdate: obj({ partition: int(), maxUnavailable: intOrString() }),
    }),
    revisionHistoryLimit: int(),
    minReadySeconds: int(),
    persistentVolumeClaimRetentionPolicy: obj({ whenDeleted: str(), whenScaled: str() }),
    ordinals: obj({ start: int() }),
  }),
  status: obj({
    observedGeneration: int64(),
    replicas: int(),
    readyReplicas: int(),
    currentReplicas: int(),
    updatedReplicas: int(),
    currentRevision: str(),
    updateRevision: str(),
    collisionCount: int(),
    conditions: conditions(condition()),
    availableReplicas: int(),
  }),
});

export const daemonSet = resource({
  spec: obj({
    selector: labelSelector,
    template: podTemplateSpec,
    updateStrategy: obj({
      type: str(),
      rollingUpdate: obj({ maxUnavailable: intOrString(), maxSurge: intOrString() }),
    }),
    minReadySeconds: int(),
    revisionHistoryLimit: int(),
  }),
  status: obj({
    currentNumberScheduled: int(),
    numberMisscheduled: int(),
    desiredNumberScheduled: int(),
    numberReady: int(),
    observedGeneration: int64(),
    updatedNumberScheduled: int(),
    numberAvailable: int(),
    numberUnavailable: int(),
    collisionCount: int(),
    conditions: conditions(condition()),
  }),
});

export const controllerRevision = resource({
  // runtime.RawExtension: any embedded object.
  data: anyValue(),
  revision: int64(),
});

const podFailurePolicy = obj({
  rules: atomic(
    obj({
      action: str(),
      onExitCodes: obj({ containerName: str(), operator: str(), values: arr(int(), { listType: 'set' }) }),
      onPodConditions: atomic(obj({ type: str(), status: str() })),
    }),
  ),
});

export const jobSpec = obj({
  parallelism: int(),
  completions: int(),
  activeDeadlineSeconds: int64(),
  podFailurePolicy,
  successPolicy: obj({ rules: atomic(obj({ succeededIndexes: str(), succeededCount: int() })) }),
  backoffLimit: int(),
  backoffLimitPerIndex: int(),
  maxFailedIndexes: int(),
  selector: labelSelector,
  manualSelector: bool(),
  template: podTemplateSpec,
  ttlSecondsAfterFinished: int(),
  completionMode: str(),
  suspend: bool(),
  podReplacementPolicy: str(),
  managedBy: str(),
});

export const job = resource({
  spec: jobSpec,
  status: obj({
    // SMP merges Job conditions by type, while SSA treats the list as atomic.
    conditions: arr(condition('lastProbeTime'), { listType: 'atomic', mergeKey: 'type', strategy: 'merge' }),
    startTime: time(),
    completionTime: time(),
    active: int(),
    succeeded: int(),
    failed: int(),
    terminating: int(),
    completedIndexes: str(),
    failedIndexes: str(),
    uncountedTerminatedPods: obj({
      succeeded: arr(str(), { listType: 'set' }),
      failed: arr(str(), { listType: 'set' }),
    }),
    ready: int(),
  }),
});

export const cronJob = resource({
  spec: obj({
    schedule: str(),
    timeZone: str(),
    startingDeadlineSeconds: int64(),
    concurrencyPolicy: str(),
    suspend: bool(),
    jobTemplate: obj({ metadata: objectMeta, spec: jobSpec }),
    successfulJobsHistoryLimit: int(),
    failedJobsHistoryLimit: int(),
  }),
  status: obj({
    active: atomic(objectReference),
    lastScheduleTime: time(),
    lastSuccessfulTime: time(),
  }),
});
