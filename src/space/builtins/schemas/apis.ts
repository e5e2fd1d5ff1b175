import {
  anyObj,
  arr,
  atomic,
  bool,
  bytes,
  int,
  int64,
  intOrString,
  map,
  obj,
  patchStrategy,
  quantity,
  str,
  strList,
  strMap,
  time,
  type Schema,
} from '../schema-dsl.js';
import {
  condition,
  conditions,
  labelSelector,
  labelSelectorRequirement,
  metaCondition,
  resource,
} from './meta.js';
import { persistentVolumeSpec } from './core.js';
import { objectReference, topologySelectorTerm, typedLocalObjectReference } from './pod.js';

/** The non-core, non-workload built-in groups (k8s.io/api v0.34, apiextensions, apiregistration). */

// ---------------------------------------------------------------------------------------------
// rbac.authorization.k8s.io/v1

const policyRule = obj({
  verbs: strList(),
  apiGroups: strList(),
  resources: strList(),
  resourceNames: strList(),
  nonResourceURLs: strList(),
});
const subject = obj({ kind: str(), apiGroup: str(), name: str(), namespace: str() }, { atomic: true });
const roleRef = obj({ apiGroup: str(), kind: str(), name: str() }, { atomic: true });

export const role = resource({ rules: atomic(policyRule) });
export const clusterRole = resource({
  rules: atomic(policyRule),
  aggregationRule: obj({ clusterRoleSelectors: atomic(labelSelector) }),
});
export const roleBinding = resource({ subjects: atomic(subject), roleRef });

// ---------------------------------------------------------------------------------------------
// coordination.k8s.io/v1

export const lease = resource({
  spec: obj({
    holderIdentity: str(),
    leaseDurationSeconds: int(),
    acquireTime: time(),
    renewTime: time(),
    leaseTransitions: int(),
    strategy: str(),
    preferredHolder: str(),
  }),
});

// ---------------------------------------------------------------------------------------------
// networking.k8s.io/v1

const ingressBackend = obj({
  service: obj({ name: str(), port: obj({ name: str(), number: int() }, { atomic: true }) }),
  resource: typedLocalObjectReference,
});

const loadBalancerIngress = obj({
  ip: str(),
  hostname: str(),
  ports: atomic(obj({ port: int(), protocol: str(), error: str() })),
});

export const ingress = resource({
  spec: obj({
    ingressClassName: str(),
    defaultBackend: ingressBackend,
    tls: atomic(obj({ hosts: strList(), secretName: str() })),
    rules: atomic(
      obj({
        host: str(),
        http: obj({ paths: atomic(obj({ path: str(), pathType: str(), backend: ingressBackend })) }),
      }),
    ),
  }),
  status: obj({ loadBalancer: obj({ ingress: atomic(loadBalancerIngress) }) }),
});

export const ingressClass = resource({
  spec: obj({
    controller: str(),
    parameters: obj({ apiGroup: str(), kind: str(), name: str(), scope: str(), namespace: str() }),
  }),
});

const networkPolicyPort = obj({ protocol: str(), port: intOrString(), endPort: int() });
const networkPolicyPeer = obj({
  podSelector: labelSelector,
  namespaceSelector: labelSelector,
  ipBlock: obj({ cidr: str(), except: strList() }),
});

export const networkPolicy = resource({
  spec: obj({
    podSelector: labelSelector,
    ingress: atomic(obj({ ports: atomic(networkPolicyPort), from: atomic(networkPolicyPeer) })),
    egress: atomic(obj({ ports: atomic(networkPolicyPort), to: atomic(networkPolicyPeer) })),
    policyTypes: strList(),
  }),
});

// ---------------------------------------------------------------------------------------------
// policy/v1

export const podDisruptionBudget = resource({
  spec: obj({
    minAvailable: intOrString(),
    // patchStrategy=replace: a strategic merge replaces the whole selector.
    selector: patchStrategy(labelSelector, 'replace'),
    maxUnavailable: intOrString(),
    unhealthyPodEvictionPolicy: str(),
  }),
  status: obj({
    observedGeneration: int64(),
    disruptedPods: map(time()),
    disruptionsAllowed: int(),
    currentHealthy: int(),
    desiredHealthy: int(),
    expectedPods: int(),
    conditions: conditions(metaCondition),
  }),
});

// ---------------------------------------------------------------------------------------------
// autoscaling/v2

const crossVersionObjectReference = obj({ kind: str(), name: str(), apiVersion: str() });
const metricIdentifier = obj({ name: str(), selector: labelSelector });
const metricTarget = obj({
  type: str(),
  value: quantity(),
  averageValue: quantity(),
  averageUtilization: int(),
});
const metricValueStatus = obj({ value: quantity(), averageValue: quantity(), averageUtilization: int() });
const scalingRules = obj({
  stabilizationWindowSeconds: int(),
  selectPolicy: str(),
  policies: atomic(obj({ type: str(), value: int(), periodSeconds: int() })),
  tolerance: quantity(),
});

export const horizontalPodAutoscaler = resource({
  spec: obj({
    scaleTargetRef: crossVersionObjectReference,
    minReplicas: int(),
    maxReplicas: int(),
    metrics: atomic(
      obj({
        type: str(),
        object: obj({
          describedObject: crossVersionObjectReference,
          target: metricTarget,
          metric: metricIdentifier,
        }),
        pods: obj({ metric: metricIdentifier, target: metricTarget }),
        resource: obj({ name: str(), target: metricTarget }),
        containerResource: obj({ name: str(), target: metricTarget, container: str() }),
        external: obj({ metric: metricIdentifier, target: metricTarget }),
      }),
    ),
    behavior: obj({ scaleUp: scalingRules, scaleDown: scalingRules }),
  }),
  status: obj({
    observedGeneration: int64(),
    lastScaleTime: time(),
    currentReplicas: int(),
    desiredReplicas: int(),
    currentMetrics: atomic(
      obj({
        type: str(),
        object: obj({
          metric: metricIdentifier,
          current: metricValueStatus,
          describedObject: crossVersionObjectReference,
        }),
        pods: obj({ metric: metricIdentifier, current: metricValueStatus }),
        resource: obj({ name: str(), current: metricValueStatus }),
        containerResource: obj({ name: str(), current: metricValueStatus, container: str() }),
        external: obj({ metric: metricIdentifier, current: metricValueStatus }),
      }),
    ),
    conditions: conditions(condition()),
  }),
});

// ---------------------------------------------------------------------------------------------
// discovery.k8s.io/v1

export const endpointSlice = resource({
  addressType: str(),
  endpoints: atomic(
    obj({
      addresses: arr(str(), { listType: 'set' }),
      conditions: obj({ ready: bool(), serving: bool(), terminating: bool() }),
      hostname: str(),
      targetRef: objectReference,
      deprecatedTopology: strMap(),
      nodeName: str(),
      zone: str(),
      hints: obj({ forZones: atomic(obj({ name: str() })), forNodes: atomic(obj({ name: str() })) }),
    }),
  ),
  ports: atomic(obj({ name: str(), protocol: str(), port: int(), appProtocol: str() }, { atomic: true })),
});

// ---------------------------------------------------------------------------------------------
// storage.k8s.io/v1

export const storageClass = resource({
  provisioner: str(),
  parameters: strMap(),
  reclaimPolicy: str(),
  mountOptions: strList(),
  allowVolumeExpansion: bool(),
  volumeBindingMode: str(),
  allowedTopologies: atomic(topologySelectorTerm),
});

export const csiDriver = resource({
  spec: obj({
    attachRequired: bool(),
    podInfoOnMount: bool(),
    volumeLifecycleModes: arr(str(), { listType: 'set' }),
    storageCapacity: bool(),
    fsGroupPolicy: str(),
    tokenRequests: atomic(obj({ audience: str(), expirationSeconds: int64() })),
    requiresRepublish: bool(),
    seLinuxMount: bool(),
    nodeAllocatableUpdatePeriodSeconds: int64(),
  }),
});

export const csiNode = resource({
  spec: obj({
    drivers: arr(
      obj({ name: str(), nodeID: str(), topologyKeys: strList(), allocatable: obj({ count: int() }) }),
      { mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' },
    ),
  }),
});

const volumeError = obj({ time: time(), message: str(), errorCode: int() });

export const volumeAttachment = resource({
  spec: obj({
    attacher: str(),
    source: obj({ persistentVolumeName: str(), inlineVolumeSpec: persistentVolumeSpec }),
    nodeName: str(),
  }),
  status: obj({
    attached: bool(),
    attachmentMetadata: strMap(),
    attachError: volumeError,
    detachError: volumeError,
  }),
});

// ---------------------------------------------------------------------------------------------
// scheduling.k8s.io/v1

export const priorityClass = resource({
  value: int(),
  globalDefault: bool(),
  description: str(),
  preemptionPolicy: str(),
});

// ---------------------------------------------------------------------------------------------
// admissionregistration.k8s.io/v1

const byName = { mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' };
const matchCondition = obj({ name: str(), expression: str() });
const ruleWithOperations = obj({
  operations: strList(),
  apiGroups: strList(),
  apiVersions: strList(),
  resources: strList(),
  scope: str(),
});
const webhookClientConfig = obj({
  url: str(),
  service: obj({ namespace: str(), name: str(), path: str(), port: int() }),
  caBundle: bytes(),
});
const webhookCommon: Record<string, Schema> = {
  name: str(),
  clientConfig: webhookClientConfig,
  rules: atomic(ruleWithOperations),
  failurePolicy: str(),
  matchPolicy: str(),
  namespaceSelector: labelSelector,
  objectSelector: labelSelector,
  sideEffects: str(),
  timeoutSeconds: int(),
  admissionReviewVersions: strList(),
  matchConditions: arr(matchCondition, byName),
};

export const validatingWebhookConfiguration = resource({ webhooks: arr(obj(webhookCommon), byName) });
export const mutatingWebhookConfiguration = resource({
  webhooks: arr(obj({ ...webhookCommon, reinvocationPolicy: str() }), byName),
});

const namedRuleWithOperations = obj(
  {
    resourceNames: strList(),
    operations: strList(),
    apiGroups: strList(),
    apiVersions: strList(),
    resources: strList(),
    scope: str(),
  },
  { atomic: true },
);
const matchResources = obj(
  {
    namespaceSelector: labelSelector,
    objectSelector: labelSelector,
    resourceRules: atomic(namedRuleWithOperations),
    excludeResourceRules: atomic(namedRuleWithOperations),
    matchPolicy: str(),
  },
  { atomic: true },
);

export const validatingAdmissionPolicy = resource({
  spec: obj({
    paramKind: obj({ apiVersion: str(), kind: str() }, { atomic: true }),
    matchConstraints: matchResources,
    validations: atomic(obj({ expression: str(), message: str(), reason: str(), messageExpression: str() })),
    failurePolicy: str(),
    auditAnnotations: atomic(obj({ key: str(), valueExpression: str() })),
    matchConditions: arr(matchCondition, byName),
    variables: arr(obj({ name: str(), expression: str() }, { atomic: true }), byName),
  }),
  status: obj({
    observedGeneration: int64(),
    typeChecking: obj({ expressionWarnings: atomic(obj({ fieldRef: str(), warning: str() })) }),
    conditions: arr(metaCondition, { mapKeys: ['type'] }),
  }),
});

export const validatingAdmissionPolicyBinding = resource({
  spec: obj({
    policyName: str(),
    paramRef: obj(
      { name: str(), namespace: str(), selector: labelSelector, parameterNotFoundAction: str() },
      { atomic: true },
    ),
    matchResources,
    validationActions: arr(str(), { listType: 'set' }),
  }),
});

// ---------------------------------------------------------------------------------------------
// authorization.k8s.io/v1 and authentication.k8s.io/v1 (create-only reviews)

const extra = map(strList());
const resourceAttributes = obj({
  namespace: str(),
  verb: str(),
  group: str(),
  version: str(),
  resource: str(),
  subresource: str(),
  name: str(),
  fieldSelector: obj({
    rawSelector: str(),
    requirements: atomic(obj({ key: str(), operator: str(), values: strList() })),
  }),
  labelSelector: obj({ rawSelector: str(), requirements: atomic(labelSelectorRequirement) }),
});
const nonResourceAttributes = obj({ path: str(), verb: str() });
const accessReviewStatus = obj({ allowed: bool(), denied: bool(), reason: str(), evaluationError: str() });
const subjectAccessReviewSpec = obj({
  resourceAttributes,
  nonResourceAttributes,
  user: str(),
  groups: strList(),
  extra,
  uid: str(),
});

export const subjectAccessReview = resource({ spec: subjectAccessReviewSpec, status: accessReviewStatus });
export const selfSubjectAccessReview = resource({
  spec: obj({ resourceAttributes, nonResourceAttributes }),
  status: accessReviewStatus,
});
export const selfSubjectRulesReview = resource({
  spec: obj({ namespace: str() }),
  status: obj({
    resourceRules: atomic(
      obj({ verbs: strList(), apiGroups: strList(), resources: strList(), resourceNames: strList() }),
    ),
    nonResourceRules: atomic(obj({ verbs: strList(), nonResourceURLs: strList() })),
    incomplete: bool(),
    evaluationError: str(),
  }),
});

const userInfo = obj({ username: str(), uid: str(), groups: strList(), extra });

export const tokenReview = resource({
  spec: obj({ token: str(), audiences: strList() }),
  status: obj({ authenticated: bool(), user: userInfo, audiences: strList(), error: str() }),
});
export const selfSubjectReview = resource({ status: obj({ userInfo }) });

// ---------------------------------------------------------------------------------------------
// events.k8s.io/v1

export const eventsV1Event = resource({
  eventTime: time(),
  series: obj({ count: int(), lastObservedTime: time() }),
  reportingController: str(),
  reportingInstance: str(),
  action: str(),
  reason: str(),
  regarding: objectReference,
  related: objectReference,
  note: str(),
  type: str(),
  deprecatedSource: obj({ component: str(), host: str() }),
  deprecatedFirstTimestamp: time(),
  deprecatedLastTimestamp: time(),
  deprecatedCount: int(),
});

// ---------------------------------------------------------------------------------------------
// certificates.k8s.io/v1

export const certificateSigningRequest = resource({
  spec: obj({
    request: bytes(),
    signerName: str(),
    expirationSeconds: int(),
    usages: strList(),
    username: str(),
    uid: str(),
    groups: strList(),
    extra,
  }),
  status: obj({
    conditions: arr(condition('lastUpdateTime'), { mapKeys: ['type'] }),
    certificate: bytes(),
  }),
});

// ---------------------------------------------------------------------------------------------
// apiextensions.k8s.io/v1

const crdNames = obj({
  plural: str(),
  singular: str(),
  shortNames: strList(),
  kind: str(),
  listKind: str(),
  categories: strList(),
});
const serviceReference = obj({ namespace: str(), name: str(), path: str(), port: int() });

export const customResourceDefinition = resource({
  spec: obj({
    group: str(),
    names: crdNames,
    scope: str(),
    versions: atomic(
      obj({
        name: str(),
        served: bool(),
        storage: bool(),
        deprecated: bool(),
        deprecationWarning: str(),
        // The structural schema is checked by the CRD strategy, not by strict field validation.
        schema: obj({ openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }),
        subresources: obj({
          status: anyObj(),
          scale: obj({ specReplicasPath: str(), statusReplicasPath: str(), labelSelectorPath: str() }),
        }),
        additionalPrinterColumns: atomic(
          obj({
            name: str(),
            type: str(),
            format: str(),
            description: str(),
            priority: int(),
            jsonPath: str(),
          }),
        ),
        selectableFields: atomic(obj({ jsonPath: str() })),
      }),
    ),
    conversion: obj({
      strategy: str(),
      webhook: obj({
        clientConfig: obj({ url: str(), service: serviceReference, caBundle: bytes() }),
        conversionReviewVersions: strList(),
      }),
    }),
    preserveUnknownFields: bool(),
  }),
  status: obj({
    conditions: arr(condition(), { mapKeys: ['type'] }),
    acceptedNames: crdNames,
    storedVersions: strList(),
  }),
});

// ---------------------------------------------------------------------------------------------
// apiregistration.k8s.io/v1

export const apiService = resource({
  spec: obj({
    service: obj({ namespace: str(), name: str(), port: int() }),
    group: str(),
    version: str(),
    insecureSkipTLSVerify: bool(),
    caBundle: bytes(),
    groupPriorityMinimum: int(),
    versionPriority: int(),
  }),
  status: obj({ conditions: conditions(condition()) }),
});
