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
  resourceList,
  str,
  strList,
  strMap,
  time,
  type Schema,
} from '../schema-dsl.js';
import { condition, conditions, metaCondition, resource } from './meta.js';
import {
  hostPathSource,
  localObjectReference,
  nfsSource,
  nodeSelector,
  objectReference,
  podTemplateSpec,
  secretReference,
} from './pod.js';

/** core/v1 kinds other than Pod (k8s.io/api v0.34). */

export const namespace = resource({
  spec: obj({ finalizers: strList() }),
  status: obj({ phase: str(), conditions: conditions(condition()) }),
});

export const configMap = resource({
  immutable: bool(),
  data: strMap(),
  binaryData: map(bytes()),
});

export const secret = resource({
  immutable: bool(),
  data: map(bytes()),
  stringData: strMap(),
  type: str(),
});

export const serviceAccount = resource({
  secrets: arr(objectReference, { mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
  imagePullSecrets: atomic(localObjectReference),
  automountServiceAccountToken: bool(),
});

/** ServicePort: SSA keys on port+protocol; protocol's default makes `{port: 80}` the TCP entry. */
const servicePort = obj({
  name: str(),
  protocol: str({ default: 'TCP' }),
  appProtocol: str(),
  port: int(),
  targetPort: intOrString(),
  nodePort: int(),
});

const portStatus = obj({ port: int(), protocol: str(), error: str() });

export const service = resource({
  spec: obj({
    ports: arr(servicePort, { mapKeys: ['port', 'protocol'], mergeKey: 'port', strategy: 'merge' }),
    selector: strMap({ mapType: 'atomic' }),
    clusterIP: str(),
    clusterIPs: strList(),
    type: str(),
    externalIPs: strList(),
    sessionAffinity: str(),
    loadBalancerIP: str(),
    loadBalancerSourceRanges: strList(),
    externalName: str(),
    externalTrafficPolicy: str(),
    healthCheckNodePort: int(),
    publishNotReadyAddresses: bool(),
    sessionAffinityConfig: obj({ clientIP: obj({ timeoutSeconds: int() }) }),
    ipFamilies: strList(),
    ipFamilyPolicy: str(),
    allocateLoadBalancerNodePorts: bool(),
    loadBalancerClass: str(),
    internalTrafficPolicy: str(),
    trafficDistribution: str(),
  }),
  status: obj({
    loadBalancer: obj({
      ingress: atomic(obj({ ip: str(), hostname: str(), ipMode: str(), ports: atomic(portStatus) })),
    }),
    conditions: conditions(metaCondition),
  }),
});

const eventSeries = obj({ count: int(), lastObservedTime: time() });

export const event = resource({
  involvedObject: objectReference,
  reason: str(),
  message: str(),
  source: obj({ component: str(), host: str() }),
  firstTimestamp: time(),
  lastTimestamp: time(),
  count: int(),
  type: str(),
  eventTime: time(),
  series: eventSeries,
  action: str(),
  related: objectReference,
  reportingComponent: str(),
  reportingInstance: str(),
});

const endpointAddress = obj(
  { ip: str(), hostname: str(), nodeName: str(), targetRef: objectReference },
  { atomic: true },
);

export const endpoints = resource({
  subsets: atomic(
    obj({
      addresses: atomic(endpointAddress),
      notReadyAddresses: atomic(endpointAddress),
      ports: atomic(obj({ name: str(), port: int(), protocol: str(), appProtocol: str() }, { atomic: true })),
    }),
  ),
});

/** In-tree PV plugins that are deprecated or removed keep whatever they are given. */
const LEGACY_PV_SOURCES = [
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'glusterfs',
  'rbd',
  'iscsi',
  'cinder',
  'cephfs',
  'fc',
  'flocker',
  'flexVolume',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

export const persistentVolumeSpec: Schema = obj({
  capacity: resourceList(),
  hostPath: hostPathSource,
  nfs: nfsSource,
  local: obj({ path: str(), fsType: str() }),
  csi: obj({
    driver: str(),
    volumeHandle: str(),
    readOnly: bool(),
    fsType: str(),
    volumeAttributes: strMap(),
    controllerPublishSecretRef: secretReference,
    nodeStageSecretRef: secretReference,
    nodePublishSecretRef: secretReference,
    controllerExpandSecretRef: secretReference,
    nodeExpandSecretRef: secretReference,
  }),
  ...Object.fromEntries(LEGACY_PV_SOURCES.map((n) => [n, anyObj()])),
  accessModes: strList(),
  claimRef: objectReference,
  persistentVolumeReclaimPolicy: str(),
  storageClassName: str(),
  mountOptions: strList(),
  volumeMode: str(),
  nodeAffinity: obj({ required: nodeSelector }),
  volumeAttributesClassName: str(),
});

export const persistentVolume = resource({
  spec: persistentVolumeSpec,
  status: obj({ phase: str(), message: str(), reason: str(), lastPhaseTransitionTime: time() }),
});

export const replicationController = resource({
  spec: obj({
    replicas: int(),
    minReadySeconds: int(),
    selector: strMap({ mapType: 'atomic' }),
    template: podTemplateSpec,
  }),
  status: obj({
    replicas: int(),
    fullyLabeledReplicas: int(),
    readyReplicas: int(),
    availableReplicas: int(),
    observedGeneration: int64(),
    conditions: conditions(condition()),
  }),
});

export const resourceQuota = resource({
  spec: obj({
    hard: resourceList(),
    scopes: strList(),
    scopeSelector: obj(
      { matchExpressions: atomic(obj({ scopeName: str(), operator: str(), values: strList() })) },
      { atomic: true },
    ),
  }),
  status: obj({ hard: resourceList(), used: resourceList() }),
});

export const limitRange = resource({
  spec: obj({
    limits: atomic(
      obj({
        type: str(),
        max: resourceList(),
        min: resourceList(),
        default: resourceList(),
        defaultRequest: resourceList(),
        maxLimitRequestRatio: resourceList(),
      }),
    ),
  }),
});
