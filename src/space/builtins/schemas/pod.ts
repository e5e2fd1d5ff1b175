import {
  anyObj,
  arr,
  atomic,
  bool,
  extend,
  int,
  int64,
  intOrString,
  map,
  obj,
  quantity,
  resourceList,
  str,
  strList,
  strMap,
  time,
  type Schema,
} from '../schema-dsl.js';
import { condition, conditions, labelSelector, objectMeta, resource } from './meta.js';

/**
 * core/v1 PodSpec and everything it reaches (k8s.io/api v0.34), plus the PersistentVolumeClaim
 * types that StatefulSet templates and ephemeral volumes embed. List extensions follow the
 * `+listType`/`+listMapKey` markers and `patchStrategy`/`patchMergeKey` tags of the Go types.
 */

// ---------------------------------------------------------------------------------------------
// references and selectors

export const localObjectReference = obj({ name: str() }, { atomic: true });
export const objectReference = obj(
  {
    kind: str(),
    namespace: str(),
    name: str(),
    uid: str(),
    apiVersion: str(),
    resourceVersion: str(),
    fieldPath: str(),
  },
  { atomic: true },
);
export const typedLocalObjectReference = obj({ apiGroup: str(), kind: str(), name: str() }, { atomic: true });
export const typedObjectReference = obj({ apiGroup: str(), kind: str(), name: str(), namespace: str() });
export const secretReference = obj({ name: str(), namespace: str() }, { atomic: true });

const objectFieldSelector = obj({ apiVersion: str(), fieldPath: str() }, { atomic: true });
const resourceFieldSelector = obj(
  { containerName: str(), resource: str(), divisor: quantity() },
  { atomic: true },
);
const keySelector = obj({ name: str(), key: str(), optional: bool() }, { atomic: true });
const fileKeySelector = obj(
  { volumeName: str(), path: str(), key: str(), optional: bool() },
  { atomic: true },
);

const nodeSelectorRequirement = obj({ key: str(), operator: str(), values: strList() });
export const nodeSelectorTerm = obj(
  { matchExpressions: atomic(nodeSelectorRequirement), matchFields: atomic(nodeSelectorRequirement) },
  { atomic: true },
);
export const nodeSelector = obj({ nodeSelectorTerms: atomic(nodeSelectorTerm) }, { atomic: true });
export const topologySelectorTerm = obj(
  { matchLabelExpressions: atomic(obj({ key: str(), values: strList() })) },
  { atomic: true },
);

// ---------------------------------------------------------------------------------------------
// containers

export const resourceRequirements = obj({
  limits: resourceList(),
  requests: resourceList(),
  claims: arr(obj({ name: str(), request: str() }), { mapKeys: ['name'] }),
});

const envVar = obj({
  name: str(),
  value: str(),
  valueFrom: obj({
    fieldRef: objectFieldSelector,
    resourceFieldRef: resourceFieldSelector,
    configMapKeyRef: keySelector,
    secretKeyRef: keySelector,
    fileKeyRef: fileKeySelector,
  }),
});

const envFromSource = obj({
  prefix: str(),
  configMapRef: obj({ name: str(), optional: bool() }),
  secretRef: obj({ name: str(), optional: bool() }),
});

/** ContainerPort: SSA keys on containerPort+protocol, and protocol's default lets `{containerPort: 80}` match. */
const containerPort = obj({
  name: str(),
  hostPort: int(),
  containerPort: int(),
  protocol: str({ default: 'TCP' }),
  hostIP: str(),
});

const volumeMount = obj({
  name: str(),
  readOnly: bool(),
  recursiveReadOnly: str(),
  mountPath: str(),
  subPath: str(),
  mountPropagation: str(),
  subPathExpr: str(),
});

const httpGetAction = obj({
  path: str(),
  port: intOrString(),
  host: str(),
  scheme: str(),
  httpHeaders: atomic(obj({ name: str(), value: str() })),
});
const execAction = obj({ command: strList() });
const tcpSocketAction = obj({ port: intOrString(), host: str() });
const grpcAction = obj({ port: int(), service: str() });

export const probe = obj({
  exec: execAction,
  httpGet: httpGetAction,
  tcpSocket: tcpSocketAction,
  grpc: grpcAction,
  initialDelaySeconds: int(),
  timeoutSeconds: int(),
  periodSeconds: int(),
  successThreshold: int(),
  failureThreshold: int(),
  terminationGracePeriodSeconds: int64(),
});

const lifecycleHandler = obj({
  exec: execAction,
  httpGet: httpGetAction,
  tcpSocket: tcpSocketAction,
  sleep: obj({ seconds: int64() }),
});

const seLinuxOptions = obj({ user: str(), role: str(), type: str(), level: str() });
const windowsOptions = obj({
  gmsaCredentialSpecName: str(),
  gmsaCredentialSpec: str(),
  runAsUserName: str(),
  hostProcess: bool(),
});
const profile = obj({ type: str(), localhostProfile: str() });

export const securityContext = obj({
  capabilities: obj({ add: strList(), drop: strList() }),
  privileged: bool(),
  seLinuxOptions,
  windowsOptions,
  runAsUser: int64(),
  runAsGroup: int64(),
  runAsNonRoot: bool(),
  readOnlyRootFilesystem: bool(),
  allowPrivilegeEscalation: bool(),
  procMount: str(),
  seccompProfile: profile,
  appArmorProfile: profile,
});

export const podSecurityContext = obj({
  seLinuxOptions,
  windowsOptions,
  runAsUser: int64(),
  runAsGroup: int64(),
  runAsNonRoot: bool(),
  supplementalGroups: atomic(int64()),
  supplementalGroupsPolicy: str(),
  fsGroup: int64(),
  sysctls: atomic(obj({ name: str(), value: str() })),
  fsGroupChangePolicy: str(),
  seccompProfile: profile,
  appArmorProfile: profile,
  seLinuxChangePolicy: str(),
});

export const container = obj({
  name: str(),
  image: str(),
  command: strList(),
  args: strList(),
  workingDir: str(),
  ports: arr(containerPort, {
    mapKeys: ['containerPort', 'protocol'],
    mergeKey: 'containerPort',
    strategy: 'merge',
  }),
  envFrom: atomic(envFromSource),
  env: arr(envVar, { mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
  resources: resourceRequirements,
  resizePolicy: atomic(obj({ resourceName: str(), restartPolicy: str() })),
  restartPolicy: str(),
  restartPolicyRules: atomic(
    obj({ action: str(), exitCodes: obj({ operator: str(), values: arr(int(), { listType: 'set' }) }) }),
  ),
  volumeMounts: arr(volumeMount, { mapKeys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' }),
  volumeDevices: arr(obj({ name: str(), devicePath: str() }), {
    mapKeys: ['devicePath'],
    mergeKey: 'devicePath',
    strategy: 'merge',
  }),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: obj({ postStart: lifecycleHandler, preStop: lifecycleHandler, stopSignal: str() }),
  terminationMessagePath: str(),
  terminationMessagePolicy: str(),
  imagePullPolicy: str(),
  securityContext,
  stdin: bool(),
  stdinOnce: bool(),
  tty: bool(),
});

const ephemeralContainer = extend(container, { targetContainerName: str() });

// ---------------------------------------------------------------------------------------------
// persistent volume claims (embedded by ephemeral volumes and StatefulSet templates)

export const pvcSpec = obj({
  accessModes: strList(),
  selector: labelSelector,
  resources: obj({ limits: resourceList(), requests: resourceList() }),
  volumeName: str(),
  storageClassName: str(),
  volumeMode: str(),
  dataSource: typedLocalObjectReference,
  dataSourceRef: typedObjectReference,
  volumeAttributesClassName: str(),
});

export const pvcStatus = obj({
  phase: str(),
  accessModes: strList(),
  capacity: resourceList(),
  conditions: conditions(condition('lastProbeTime')),
  allocatedResources: resourceList(),
  allocatedResourceStatuses: map(str(), { mapType: 'granular' }),
  currentVolumeAttributesClassName: str(),
  modifyVolumeStatus: obj({ targetVolumeAttributesClassName: str(), status: str() }),
});

export const persistentVolumeClaim = resource({ spec: pvcSpec, status: pvcStatus });

// ---------------------------------------------------------------------------------------------
// volumes

const keyToPath = obj({ key: str(), path: str(), mode: int() });
const downwardAPIVolumeFile = obj({
  path: str(),
  fieldRef: objectFieldSelector,
  resourceFieldRef: resourceFieldSelector,
  mode: int(),
});

const volumeProjection = obj({
  secret: obj({ name: str(), items: atomic(keyToPath), optional: bool() }),
  downwardAPI: obj({ items: atomic(downwardAPIVolumeFile) }),
  configMap: obj({ name: str(), items: atomic(keyToPath), optional: bool() }),
  serviceAccountToken: obj({ audience: str(), expirationSeconds: int64(), path: str() }),
  clusterTrustBundle: obj({
    name: str(),
    signerName: str(),
    labelSelector,
    optional: bool(),
    path: str(),
  }),
  podCertificate: obj({
    signerName: str(),
    keyType: str(),
    maxExpirationSeconds: int(),
    credentialBundlePath: str(),
    keyPath: str(),
    certificateChainPath: str(),
  }),
});

export const hostPathSource = obj({ path: str(), type: str() });
export const nfsSource = obj({ server: str(), path: str(), readOnly: bool() });

/**
 * Volume sources in common use are described field by field; the in-tree cloud and legacy
 * storage plugins (deprecated, mostly removed) keep whatever they are given.
 */
const LEGACY_VOLUME_SOURCES = [
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

function legacySources(names: string[]): Record<string, Schema> {
  return Object.fromEntries(names.map((n) => [n, anyObj()]));
}

export const volume = obj({
  name: str(),
  hostPath: hostPathSource,
  emptyDir: obj({ medium: str(), sizeLimit: quantity() }),
  secret: obj({ secretName: str(), items: atomic(keyToPath), defaultMode: int(), optional: bool() }),
  nfs: nfsSource,
  persistentVolumeClaim: obj({ claimName: str(), readOnly: bool() }),
  downwardAPI: obj({ items: atomic(downwardAPIVolumeFile), defaultMode: int() }),
  configMap: obj({ name: str(), items: atomic(keyToPath), defaultMode: int(), optional: bool() }),
  projected: obj({ sources: atomic(volumeProjection), defaultMode: int() }),
  csi: obj({
    driver: str(),
    readOnly: bool(),
    fsType: str(),
    volumeAttributes: strMap(),
    nodePublishSecretRef: localObjectReference,
  }),
  ephemeral: obj({ volumeClaimTemplate: obj({ metadata: objectMeta, spec: pvcSpec }) }),
  image: obj({ reference: str(), pullPolicy: str() }),
  ...legacySources(LEGACY_VOLUME_SOURCES),
});

// ---------------------------------------------------------------------------------------------
// scheduling

const podAffinityTerm = obj({
  labelSelector,
  namespaces: strList(),
  topologyKey: str(),
  namespaceSelector: labelSelector,
  matchLabelKeys: strList(),
  mismatchLabelKeys: strList(),
});
const weightedPodAffinityTerm = obj({ weight: int(), podAffinityTerm });
const podAffinity = obj({
  requiredDuringSchedulingIgnoredDuringExecution: atomic(podAffinityTerm),
  preferredDuringSchedulingIgnoredDuringExecution: atomic(weightedPodAffinityTerm),
});

export const affinity = obj({
  nodeAffinity: obj({
    requiredDuringSchedulingIgnoredDuringExecution: nodeSelector,
    preferredDuringSchedulingIgnoredDuringExecution: atomic(
      obj({ weight: int(), preference: nodeSelectorTerm }),
    ),
  }),
  podAffinity,
  podAntiAffinity: podAffinity,
});

export const toleration = obj({
  key: str(),
  operator: str(),
  value: str(),
  effect: str(),
  tolerationSeconds: int64(),
});

const topologySpreadConstraint = obj({
  maxSkew: int(),
  topologyKey: str(),
  whenUnsatisfiable: str(),
  labelSelector,
  minDomains: int(),
  nodeAffinityPolicy: str(),
  nodeTaintsPolicy: str(),
  matchLabelKeys: strList(),
});

// ---------------------------------------------------------------------------------------------
// PodSpec, PodTemplateSpec, PodStatus

const byName = { mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' };

export const podSpec = obj({
  volumes: arr(volume, { ...byName, strategy: 'merge,retainKeys' }),
  initContainers: arr(container, byName),
  containers: arr(container, byName),
  ephemeralContainers: arr(ephemeralContainer, byName),
  restartPolicy: str(),
  terminationGracePeriodSeconds: int64(),
  activeDeadlineSeconds: int64(),
  dnsPolicy: str(),
  nodeSelector: strMap({ mapType: 'atomic' }),
  serviceAccountName: str(),
  serviceAccount: str(),
  automountServiceAccountToken: bool(),
  nodeName: str(),
  hostNetwork: bool(),
  hostPID: bool(),
  hostIPC: bool(),
  shareProcessNamespace: bool(),
  securityContext: podSecurityContext,
  imagePullSecrets: arr(localObjectReference, byName),
  hostname: str(),
  subdomain: str(),
  affinity,
  schedulerName: str(),
  tolerations: atomic(toleration),
  hostAliases: arr(obj({ ip: str(), hostnames: strList() }), {
    mapKeys: ['ip'],
    mergeKey: 'ip',
    strategy: 'merge',
  }),
  priorityClassName: str(),
  priority: int(),
  dnsConfig: obj({
    nameservers: strList(),
    searches: strList(),
    options: atomic(obj({ name: str(), value: str() })),
  }),
  readinessGates: atomic(obj({ conditionType: str() })),
  runtimeClassName: str(),
  enableServiceLinks: bool(),
  preemptionPolicy: str(),
  overhead: resourceList(),
  topologySpreadConstraints: arr(topologySpreadConstraint, {
    mapKeys: ['topologyKey', 'whenUnsatisfiable'],
    mergeKey: 'topologyKey',
    strategy: 'merge',
  }),
  setHostnameAsFQDN: bool(),
  os: obj({ name: str() }),
  hostUsers: bool(),
  schedulingGates: arr(obj({ name: str() }), byName),
  resourceClaims: arr(obj({ name: str(), resourceClaimName: str(), resourceClaimTemplateName: str() }), {
    ...byName,
    strategy: 'merge,retainKeys',
  }),
  resources: resourceRequirements,
  hostnameOverride: str(),
});

export const podTemplateSpec = obj({ metadata: objectMeta, spec: podSpec });

const containerState = obj({
  waiting: obj({ reason: str(), message: str() }),
  running: obj({ startedAt: time() }),
  terminated: obj({
    exitCode: int(),
    signal: int(),
    reason: str(),
    message: str(),
    startedAt: time(),
    finishedAt: time(),
    containerID: str(),
  }),
});

const containerStatus = obj({
  name: str(),
  state: containerState,
  lastState: containerState,
  ready: bool(),
  restartCount: int(),
  image: str(),
  imageID: str(),
  containerID: str(),
  started: bool(),
  allocatedResources: resourceList(),
  resources: resourceRequirements,
  volumeMounts: arr(obj({ name: str(), mountPath: str(), readOnly: bool(), recursiveReadOnly: str() }), {
    mapKeys: ['mountPath'],
    mergeKey: 'mountPath',
    strategy: 'merge',
  }),
  user: obj({ linux: obj({ uid: int64(), gid: int64(), supplementalGroups: atomic(int64()) }) }),
  allocatedResourcesStatus: arr(
    obj({
      name: str(),
      resources: arr(obj({ resourceID: str(), health: str() }), { mapKeys: ['resourceID'] }),
    }),
    byName,
  ),
  stopSignal: str(),
});

const podCondition = obj({
  type: str(),
  observedGeneration: int64(),
  status: str(),
  lastProbeTime: time(),
  lastTransitionTime: time(),
  reason: str(),
  message: str(),
});

export const podStatus = obj({
  observedGeneration: int64(),
  phase: str(),
  conditions: conditions(podCondition),
  message: str(),
  reason: str(),
  nominatedNodeName: str(),
  hostIP: str(),
  hostIPs: arr(obj({ ip: str() }), { listType: 'atomic', mergeKey: 'ip', strategy: 'merge' }),
  podIP: str(),
  podIPs: arr(obj({ ip: str() }), { mapKeys: ['ip'], mergeKey: 'ip', strategy: 'merge' }),
  startTime: time(),
  initContainerStatuses: atomic(containerStatus),
  containerStatuses: atomic(containerStatus),
  qosClass: str(),
  ephemeralContainerStatuses: atomic(containerStatus),
  resize: str(),
  resourceClaimStatuses: arr(obj({ name: str(), resourceClaimName: str() }), {
    ...byName,
    strategy: 'merge,retainKeys',
  }),
  extendedResourceClaimStatus: obj({
    requestMappings: atomic(obj({ containerName: str(), resourceName: str(), requestName: str() })),
    resourceClaimName: str(),
  }),
});

export const pod = resource({ spec: podSpec, status: podStatus });
export const podTemplate = resource({ template: podTemplateSpec });
