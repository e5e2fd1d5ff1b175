/**
 * Compact protobuf descriptors for the built-in kinds that kubectl's typed clients and helm's
 * release storage send as `application/vnd.kubernetes.protobuf` (apiserver-compat.md §1.2).
 *
 * Written for this project: field numbers and JSON names are interface facts of the Kubernetes
 * API (the `protobuf:"…"` and `json:"…"` struct tags of k8s.io/api); nothing here is generated
 * from or copies upstream .proto files. Fields that are not listed are skipped by the wire decoder.
 *
 * One message is one string of whitespace-separated fields, each `jsonName=number[:MODS TYPE]`:
 *   TYPE   string (the default when `:…` is absent) | int32 | int64 | bool | bytes | double
 *          | a message of this table | a special: Time, MicroTime, Quantity, IntOrString,
 *          RawExtension, FieldsV1, StringList (a Go slice type wrapped in a message).
 *   MODS   `!`  the Go JSON tag has no omitempty: keep zero values (`allowed: false`).
 *          `*`  the Go field is a pointer: present on the wire means set, so keep zeros
 *               (`replicas: 0`, `runAsUser: 0`, `emptyDir: {}`).
 *          `^`  embedded Go struct with `json:",inline"`: its fields merge into the parent.
 *          `[]` repeated; `{}` map<string, TYPE>.
 * Without `!` or `*`, zero values are dropped: gogo-protobuf marshals every non-pointer field, and
 * a kube-apiserver would not store `generation: 0`, `stdin: false` or an empty `status: {}`.
 */

/** Messages shared by everything: wire shapes of apimachinery's special types and the envelope. */
export const SPECIAL_MESSAGES: Record<string, string> = {
  // runtime.Unknown: the envelope after the "k8s\0" magic. TypeMeta is embedded, so field 1.
  Unknown: 'typeMeta=1:TypeMeta raw=2:bytes contentEncoding=3 contentType=4',
  TypeMeta: 'apiVersion=1 kind=2',
  Time: 'seconds=1:int64 nanos=2:int32',
  MicroTime: 'seconds=1:int64 nanos=2:int32',
  Quantity: 'string=1',
  IntOrString: 'type=1:int64 intVal=2:int32 strVal=3',
  RawExtension: 'raw=1:bytes',
  FieldsV1: 'Raw=1:bytes',
  StringList: 'items=1:[]string',
};

/** Object messages, keyed by Go type name (unique across the groups covered here). */
export const MESSAGES: Record<string, string> = {
  // --- core/v1 (group ""): simple kinds, plus the meta.k8s.io/v1 object metadata they share
  Namespace: 'metadata=1:!ObjectMeta spec=2:NamespaceSpec status=3:NamespaceStatus',
  ObjectMeta: `
    name=1 generateName=2 namespace=3 selfLink=4 uid=5 resourceVersion=6 generation=7:int64
    creationTimestamp=8:Time deletionTimestamp=9:*Time deletionGracePeriodSeconds=10:*int64
    labels=11:{}string annotations=12:{}string ownerReferences=13:[]OwnerReference
    finalizers=14:[]string managedFields=17:[]ManagedFieldsEntry`,
  OwnerReference: `
    apiVersion=5:!string kind=1:!string name=3:!string uid=4:!string controller=6:*bool
    blockOwnerDeletion=7:*bool`,
  ManagedFieldsEntry: `
    manager=1 operation=2 apiVersion=3 time=4:*Time fieldsType=6 fieldsV1=7:*FieldsV1 subresource=8`,
  NamespaceSpec: 'finalizers=1:[]string',
  NamespaceStatus: 'phase=1 conditions=2:[]NamespaceCondition',
  NamespaceCondition: 'type=1:!string status=2:!string lastTransitionTime=4:Time reason=5 message=6',
  ConfigMap: 'metadata=1:!ObjectMeta immutable=4:*bool data=2:{}string binaryData=3:{}bytes',
  Secret: 'metadata=1:!ObjectMeta immutable=5:*bool data=2:{}bytes stringData=4:{}string type=3',
  ServiceAccount: `
    metadata=1:!ObjectMeta secrets=2:[]ObjectReference imagePullSecrets=3:[]LocalObjectReference
    automountServiceAccountToken=4:*bool`,
  ObjectReference: 'kind=1 namespace=2 name=3 uid=4 apiVersion=5 resourceVersion=6 fieldPath=7',
  LocalObjectReference: 'name=1',

  // --- core/v1 Service
  Service: 'metadata=1:!ObjectMeta spec=2:ServiceSpec status=3:ServiceStatus',
  ServiceSpec: `
    ports=1:[]ServicePort selector=2:{}string clusterIP=3 clusterIPs=18:[]string type=4
    externalIPs=5:[]string sessionAffinity=7 loadBalancerIP=8 loadBalancerSourceRanges=9:[]string
    externalName=10 externalTrafficPolicy=11 healthCheckNodePort=12:int32
    publishNotReadyAddresses=13:bool sessionAffinityConfig=14:*SessionAffinityConfig
    ipFamilies=19:[]string ipFamilyPolicy=17:*string allocateLoadBalancerNodePorts=20:*bool
    loadBalancerClass=21:*string internalTrafficPolicy=22:*string trafficDistribution=23:*string`,
  ServicePort: `
    name=1 protocol=2 appProtocol=6:*string port=3:!int32 targetPort=4:IntOrString nodePort=5:int32`,
  SessionAffinityConfig: 'clientIP=1:*ClientIPConfig',
  ClientIPConfig: 'timeoutSeconds=1:*int32',
  ServiceStatus: 'loadBalancer=1:LoadBalancerStatus conditions=2:[]Condition',
  LoadBalancerStatus: 'ingress=1:[]LoadBalancerIngress',
  LoadBalancerIngress: 'ip=1 hostname=2 ipMode=3:*string ports=4:[]PortStatus',
  PortStatus: 'port=1:!int32 protocol=2:!string error=3:*string',
  Condition: `
    type=1:!string status=2:!string observedGeneration=3:int64 lastTransitionTime=4:!Time
    reason=5:!string message=6:!string`,

  // --- core/v1 ResourceQuota
  ResourceQuota: 'metadata=1:!ObjectMeta spec=2:ResourceQuotaSpec status=3:ResourceQuotaStatus',
  ResourceQuotaSpec: 'hard=1:{}Quantity scopes=2:[]string scopeSelector=3:*ScopeSelector',
  ScopeSelector: 'matchExpressions=1:[]ScopedResourceSelectorRequirement',
  ScopedResourceSelectorRequirement: 'scopeName=1:!string operator=2:!string values=3:[]string',
  ResourceQuotaStatus: 'hard=1:{}Quantity used=2:{}Quantity',

  // --- core/v1 Pod: spec
  Pod: 'metadata=1:!ObjectMeta spec=2:PodSpec status=3:PodStatus',
  PodSpec: `
    volumes=1:[]Volume initContainers=20:[]Container containers=2:![]Container
    ephemeralContainers=34:[]EphemeralContainer restartPolicy=3
    terminationGracePeriodSeconds=4:*int64 activeDeadlineSeconds=5:*int64 dnsPolicy=6
    nodeSelector=7:{}string serviceAccountName=8 serviceAccount=9
    automountServiceAccountToken=21:*bool nodeName=10 hostNetwork=11:bool hostPID=12:bool
    hostIPC=13:bool shareProcessNamespace=27:*bool securityContext=14:*PodSecurityContext
    imagePullSecrets=15:[]LocalObjectReference hostname=16 subdomain=17 affinity=18:*Affinity
    schedulerName=19 tolerations=22:[]Toleration hostAliases=23:[]HostAlias priorityClassName=24
    priority=25:*int32 dnsConfig=26:*PodDNSConfig readinessGates=28:[]PodReadinessGate
    runtimeClassName=29:*string enableServiceLinks=30:*bool preemptionPolicy=31:*string
    overhead=32:{}Quantity topologySpreadConstraints=33:[]TopologySpreadConstraint
    setHostnameAsFQDN=35:*bool os=36:*PodOS hostUsers=37:*bool
    schedulingGates=38:[]PodSchedulingGate resourceClaims=39:[]PodResourceClaim
    resources=40:*ResourceRequirements hostnameOverride=41:*string`,

  // --- core/v1 volumes (the in-tree cloud/storage plugins are left out: their fields are skipped)
  Volume: 'name=1:!string volumeSource=2:^VolumeSource',
  VolumeSource: `
    hostPath=1:*HostPathVolumeSource emptyDir=2:*EmptyDirVolumeSource secret=6:*SecretVolumeSource
    nfs=7:*NFSVolumeSource persistentVolumeClaim=10:*PersistentVolumeClaimVolumeSource
    downwardAPI=16:*DownwardAPIVolumeSource configMap=19:*ConfigMapVolumeSource
    projected=26:*ProjectedVolumeSource csi=28:*CSIVolumeSource ephemeral=29:*EphemeralVolumeSource
    image=30:*ImageVolumeSource`,
  HostPathVolumeSource: 'path=1:!string type=2:*string',
  EmptyDirVolumeSource: 'medium=1 sizeLimit=2:*Quantity',
  SecretVolumeSource: 'secretName=1 items=2:[]KeyToPath defaultMode=3:*int32 optional=4:*bool',
  KeyToPath: 'key=1:!string path=2:!string mode=3:*int32',
  NFSVolumeSource: 'server=1:!string path=2:!string readOnly=3:bool',
  PersistentVolumeClaimVolumeSource: 'claimName=1:!string readOnly=2:bool',
  DownwardAPIVolumeSource: 'items=1:[]DownwardAPIVolumeFile defaultMode=2:*int32',
  DownwardAPIVolumeFile: `
    path=1:!string fieldRef=2:*ObjectFieldSelector resourceFieldRef=3:*ResourceFieldSelector
    mode=4:*int32`,
  ObjectFieldSelector: 'apiVersion=1 fieldPath=2:!string',
  ResourceFieldSelector: 'containerName=1 resource=2:!string divisor=3:Quantity',
  ConfigMapVolumeSource: `
    localObjectReference=1:^LocalObjectReference items=2:[]KeyToPath defaultMode=3:*int32
    optional=4:*bool`,
  ProjectedVolumeSource: 'sources=1:![]VolumeProjection defaultMode=2:*int32',
  VolumeProjection: `
    secret=1:*SecretProjection downwardAPI=2:*DownwardAPIProjection configMap=3:*ConfigMapProjection
    serviceAccountToken=4:*ServiceAccountTokenProjection
    clusterTrustBundle=5:*ClusterTrustBundleProjection`,
  SecretProjection: 'localObjectReference=1:^LocalObjectReference items=2:[]KeyToPath optional=4:*bool',
  DownwardAPIProjection: 'items=1:[]DownwardAPIVolumeFile',
  ConfigMapProjection: 'localObjectReference=1:^LocalObjectReference items=2:[]KeyToPath optional=4:*bool',
  ServiceAccountTokenProjection: 'audience=1 expirationSeconds=2:*int64 path=3:!string',
  ClusterTrustBundleProjection: `
    name=1:*string signerName=2:*string labelSelector=3:*LabelSelector optional=5:*bool
    path=4:!string`,
  LabelSelector: 'matchLabels=1:{}string matchExpressions=2:[]LabelSelectorRequirement',
  LabelSelectorRequirement: 'key=1:!string operator=2:!string values=3:[]string',
  CSIVolumeSource: `
    driver=1:!string readOnly=2:*bool fsType=3:*string volumeAttributes=4:{}string
    nodePublishSecretRef=5:*LocalObjectReference`,
  EphemeralVolumeSource: 'volumeClaimTemplate=1:*PersistentVolumeClaimTemplate',
  PersistentVolumeClaimTemplate: 'metadata=1:ObjectMeta spec=2:!PersistentVolumeClaimSpec',
  PersistentVolumeClaimSpec: `
    accessModes=1:[]string selector=4:*LabelSelector resources=2:VolumeResourceRequirements
    volumeName=3 storageClassName=5:*string volumeMode=6:*string
    dataSource=7:*TypedLocalObjectReference dataSourceRef=8:*TypedObjectReference
    volumeAttributesClassName=9:*string`,
  VolumeResourceRequirements: 'limits=1:{}Quantity requests=2:{}Quantity',
  TypedLocalObjectReference: 'apiGroup=1:!*string kind=2:!string name=3:!string',
  TypedObjectReference: 'apiGroup=1:!*string kind=2:!string name=3:!string namespace=4:*string',
  ImageVolumeSource: 'reference=1 pullPolicy=2',

  // --- core/v1 containers
  Container: `
    name=1:!string image=2 command=3:[]string args=4:[]string workingDir=5 ports=6:[]ContainerPort
    envFrom=19:[]EnvFromSource env=7:[]EnvVar resources=8:ResourceRequirements
    resizePolicy=23:[]ContainerResizePolicy restartPolicy=24:*string volumeMounts=9:[]VolumeMount
    volumeDevices=21:[]VolumeDevice livenessProbe=10:*Probe readinessProbe=11:*Probe
    startupProbe=22:*Probe lifecycle=12:*Lifecycle terminationMessagePath=13
    terminationMessagePolicy=20 imagePullPolicy=14 securityContext=15:*SecurityContext stdin=16:bool
    stdinOnce=17:bool tty=18:bool`,
  ContainerPort: 'name=1 hostPort=2:int32 containerPort=3:!int32 protocol=4 hostIP=5',
  EnvFromSource: 'prefix=1 configMapRef=2:*ConfigMapEnvSource secretRef=3:*SecretEnvSource',
  ConfigMapEnvSource: 'localObjectReference=1:^LocalObjectReference optional=2:*bool',
  SecretEnvSource: 'localObjectReference=1:^LocalObjectReference optional=2:*bool',
  EnvVar: 'name=1:!string value=2 valueFrom=3:*EnvVarSource',
  EnvVarSource: `
    fieldRef=1:*ObjectFieldSelector resourceFieldRef=2:*ResourceFieldSelector
    configMapKeyRef=3:*ConfigMapKeySelector secretKeyRef=4:*SecretKeySelector`,
  ConfigMapKeySelector: 'localObjectReference=1:^LocalObjectReference key=2:!string optional=3:*bool',
  SecretKeySelector: 'localObjectReference=1:^LocalObjectReference key=2:!string optional=3:*bool',
  ResourceRequirements: 'limits=1:{}Quantity requests=2:{}Quantity claims=3:[]ResourceClaim',
  ResourceClaim: 'name=1:!string request=2',
  ContainerResizePolicy: 'resourceName=1:!string restartPolicy=2:!string',
  VolumeMount: `
    name=1:!string readOnly=2:bool recursiveReadOnly=7:*string mountPath=3:!string subPath=4
    mountPropagation=5:*string subPathExpr=6`,
  VolumeDevice: 'name=1:!string devicePath=2:!string',
  Probe: `
    handler=1:^ProbeHandler initialDelaySeconds=2:int32 timeoutSeconds=3:int32 periodSeconds=4:int32
    successThreshold=5:int32 failureThreshold=6:int32 terminationGracePeriodSeconds=7:*int64`,
  ProbeHandler: 'exec=1:*ExecAction httpGet=2:*HTTPGetAction tcpSocket=3:*TCPSocketAction grpc=4:*GRPCAction',
  ExecAction: 'command=1:[]string',
  HTTPGetAction: 'path=1 port=2:!IntOrString host=3 scheme=4 httpHeaders=5:[]HTTPHeader',
  HTTPHeader: 'name=1:!string value=2:!string',
  TCPSocketAction: 'port=1:!IntOrString host=2',
  GRPCAction: 'port=1:!int32 service=2:!*string',
  Lifecycle: 'postStart=1:*LifecycleHandler preStop=2:*LifecycleHandler stopSignal=3:*string',
  LifecycleHandler: `
    exec=1:*ExecAction httpGet=2:*HTTPGetAction tcpSocket=3:*TCPSocketAction sleep=4:*SleepAction`,
  SleepAction: 'seconds=1:!int64',
  SecurityContext: `
    capabilities=1:*Capabilities privileged=2:*bool seLinuxOptions=3:*SELinuxOptions
    windowsOptions=10:*WindowsSecurityContextOptions runAsUser=4:*int64 runAsGroup=8:*int64
    runAsNonRoot=5:*bool readOnlyRootFilesystem=6:*bool allowPrivilegeEscalation=7:*bool
    procMount=9:*string seccompProfile=11:*SeccompProfile appArmorProfile=12:*AppArmorProfile`,
  Capabilities: 'add=1:[]string drop=2:[]string',
  SELinuxOptions: 'user=1 role=2 type=3 level=4',
  WindowsSecurityContextOptions: `
    gmsaCredentialSpecName=1:*string gmsaCredentialSpec=2:*string runAsUserName=3:*string
    hostProcess=4:*bool`,
  SeccompProfile: 'type=1:!string localhostProfile=2:*string',
  AppArmorProfile: 'type=1:!string localhostProfile=2:*string',
  EphemeralContainer: 'common=1:^Container targetContainerName=2',

  // --- core/v1 pod-level security, scheduling and DNS
  PodSecurityContext: `
    seLinuxOptions=1:*SELinuxOptions windowsOptions=8:*WindowsSecurityContextOptions
    runAsUser=2:*int64 runAsGroup=6:*int64 runAsNonRoot=3:*bool supplementalGroups=4:[]int64
    supplementalGroupsPolicy=12:*string fsGroup=5:*int64 sysctls=7:[]Sysctl
    fsGroupChangePolicy=9:*string seccompProfile=10:*SeccompProfile
    appArmorProfile=11:*AppArmorProfile seLinuxChangePolicy=13:*string`,
  Sysctl: 'name=1:!string value=2:!string',
  Affinity: 'nodeAffinity=1:*NodeAffinity podAffinity=2:*PodAffinity podAntiAffinity=3:*PodAntiAffinity',
  NodeAffinity: `
    requiredDuringSchedulingIgnoredDuringExecution=1:*NodeSelector
    preferredDuringSchedulingIgnoredDuringExecution=2:[]PreferredSchedulingTerm`,
  NodeSelector: 'nodeSelectorTerms=1:![]NodeSelectorTerm',
  NodeSelectorTerm: 'matchExpressions=1:[]NodeSelectorRequirement matchFields=2:[]NodeSelectorRequirement',
  NodeSelectorRequirement: 'key=1:!string operator=2:!string values=3:[]string',
  PreferredSchedulingTerm: 'weight=1:!int32 preference=2:!NodeSelectorTerm',
  PodAffinity: `
    requiredDuringSchedulingIgnoredDuringExecution=1:[]PodAffinityTerm
    preferredDuringSchedulingIgnoredDuringExecution=2:[]WeightedPodAffinityTerm`,
  PodAffinityTerm: `
    labelSelector=1:*LabelSelector namespaces=2:[]string topologyKey=3:!string
    namespaceSelector=4:*LabelSelector matchLabelKeys=5:[]string mismatchLabelKeys=6:[]string`,
  WeightedPodAffinityTerm: 'weight=1:!int32 podAffinityTerm=2:!PodAffinityTerm',
  PodAntiAffinity: `
    requiredDuringSchedulingIgnoredDuringExecution=1:[]PodAffinityTerm
    preferredDuringSchedulingIgnoredDuringExecution=2:[]WeightedPodAffinityTerm`,
  Toleration: 'key=1 operator=2 value=3 effect=4 tolerationSeconds=5:*int64',
  HostAlias: 'ip=1:!string hostnames=2:[]string',
  PodDNSConfig: 'nameservers=1:[]string searches=2:[]string options=3:[]PodDNSConfigOption',
  PodDNSConfigOption: 'name=1 value=2:*string',
  PodReadinessGate: 'conditionType=1:!string',
  TopologySpreadConstraint: `
    maxSkew=1:!int32 topologyKey=2:!string whenUnsatisfiable=3:!string
    labelSelector=4:*LabelSelector minDomains=5:*int32 nodeAffinityPolicy=6:*string
    nodeTaintsPolicy=7:*string matchLabelKeys=8:[]string`,
  PodOS: 'name=1:!string',
  PodSchedulingGate: 'name=1:!string',
  PodResourceClaim: 'name=1:!string resourceClaimName=3:*string resourceClaimTemplateName=4:*string',

  // --- core/v1 pod status (decodable; the server resets status on create)
  PodStatus: `
    observedGeneration=17:int64 phase=1 conditions=2:[]PodCondition message=3 reason=4
    nominatedNodeName=11 hostIP=5 hostIPs=16:[]HostIP podIP=6 podIPs=12:[]PodIP startTime=7:*Time
    initContainerStatuses=10:[]ContainerStatus containerStatuses=8:[]ContainerStatus qosClass=9
    ephemeralContainerStatuses=13:[]ContainerStatus resize=14
    resourceClaimStatuses=15:[]PodResourceClaimStatus allocatedResources=19:{}Quantity
    resources=20:*ResourceRequirements`,
  PodCondition: `
    type=1:!string observedGeneration=7:int64 status=2:!string lastProbeTime=3:Time
    lastTransitionTime=4:Time reason=5 message=6`,
  HostIP: 'ip=1:!string',
  PodIP: 'ip=1:!string',
  ContainerStatus: `
    name=1:!string state=2:ContainerState lastState=3:ContainerState ready=4:!bool
    restartCount=5:!int32 image=6:!string imageID=7:!string containerID=8 started=9:*bool
    allocatedResources=10:{}Quantity resources=11:*ResourceRequirements
    volumeMounts=12:[]VolumeMountStatus stopSignal=15:*string`,
  ContainerState: `
    waiting=1:*ContainerStateWaiting running=2:*ContainerStateRunning
    terminated=3:*ContainerStateTerminated`,
  ContainerStateWaiting: 'reason=1 message=2',
  ContainerStateRunning: 'startedAt=1:Time',
  ContainerStateTerminated: `
    exitCode=1:!int32 signal=2:int32 reason=3 message=4 startedAt=5:Time finishedAt=6:Time
    containerID=7`,
  VolumeMountStatus: 'name=1:!string mountPath=2:!string readOnly=3:bool recursiveReadOnly=4:*string',
  PodResourceClaimStatus: 'name=1:!string resourceClaimName=2:*string',

  // --- apps/v1
  Deployment: 'metadata=1:!ObjectMeta spec=2:DeploymentSpec status=3:DeploymentStatus',
  DeploymentSpec: `
    replicas=1:*int32 selector=2:!*LabelSelector template=3:!PodTemplateSpec
    strategy=4:DeploymentStrategy minReadySeconds=5:int32 revisionHistoryLimit=6:*int32
    paused=7:bool progressDeadlineSeconds=9:*int32`,
  PodTemplateSpec: 'metadata=1:ObjectMeta spec=2:PodSpec',
  DeploymentStrategy: 'type=1 rollingUpdate=2:*RollingUpdateDeployment',
  RollingUpdateDeployment: 'maxUnavailable=1:*IntOrString maxSurge=2:*IntOrString',
  DeploymentStatus: `
    observedGeneration=1:int64 replicas=2:int32 updatedReplicas=3:int32 readyReplicas=7:int32
    availableReplicas=4:int32 unavailableReplicas=5:int32 terminatingReplicas=9:*int32
    conditions=6:[]DeploymentCondition collisionCount=8:*int32`,
  DeploymentCondition: `
    type=1:!string status=2:!string lastUpdateTime=6:Time lastTransitionTime=7:Time reason=4
    message=5`,

  // --- batch/v1
  Job: 'metadata=1:!ObjectMeta spec=2:JobSpec status=3:JobStatus',
  JobSpec: `
    parallelism=1:*int32 completions=2:*int32 activeDeadlineSeconds=3:*int64
    podFailurePolicy=11:*PodFailurePolicy successPolicy=16:*SuccessPolicy backoffLimit=7:*int32
    backoffLimitPerIndex=12:*int32 maxFailedIndexes=13:*int32 selector=4:*LabelSelector
    manualSelector=5:*bool template=6:!PodTemplateSpec ttlSecondsAfterFinished=8:*int32
    completionMode=9:*string suspend=10:*bool podReplacementPolicy=14:*string managedBy=15:*string`,
  PodFailurePolicy: 'rules=1:![]PodFailurePolicyRule',
  PodFailurePolicyRule: `
    action=1:!string onExitCodes=2:*PodFailurePolicyOnExitCodesRequirement
    onPodConditions=3:[]PodFailurePolicyOnPodConditionsPattern`,
  PodFailurePolicyOnExitCodesRequirement: 'containerName=1:*string operator=2:!string values=3:![]int32',
  PodFailurePolicyOnPodConditionsPattern: 'type=1:!string status=2:!string',
  SuccessPolicy: 'rules=1:![]SuccessPolicyRule',
  SuccessPolicyRule: 'succeededIndexes=1:*string succeededCount=2:*int32',
  JobStatus: `
    conditions=1:[]JobCondition startTime=2:*Time completionTime=3:*Time active=4:int32
    succeeded=5:int32 failed=6:int32 terminating=11:*int32 completedIndexes=7
    failedIndexes=10:*string uncountedTerminatedPods=8:*UncountedTerminatedPods ready=9:*int32`,
  JobCondition: `
    type=1:!string status=2:!string lastProbeTime=3:Time lastTransitionTime=4:Time reason=5
    message=6`,
  UncountedTerminatedPods: 'succeeded=1:[]string failed=2:[]string',
  CronJob: 'metadata=1:!ObjectMeta spec=2:CronJobSpec status=3:CronJobStatus',
  CronJobSpec: `
    schedule=1:!string timeZone=8:*string startingDeadlineSeconds=2:*int64 concurrencyPolicy=3
    suspend=4:*bool jobTemplate=5:!JobTemplateSpec successfulJobsHistoryLimit=6:*int32
    failedJobsHistoryLimit=7:*int32`,
  JobTemplateSpec: 'metadata=1:ObjectMeta spec=2:JobSpec',
  CronJobStatus: 'active=1:[]ObjectReference lastScheduleTime=4:*Time lastSuccessfulTime=5:*Time',

  // --- authorization.k8s.io/v1 (kubectl auth can-i)
  SelfSubjectAccessReview: `
    metadata=1:!ObjectMeta spec=2:!SelfSubjectAccessReviewSpec status=3:SubjectAccessReviewStatus`,
  SelfSubjectAccessReviewSpec: `
    resourceAttributes=1:*ResourceAttributes nonResourceAttributes=2:*NonResourceAttributes`,
  ResourceAttributes: `
    namespace=1 verb=2 group=3 version=4 resource=5 subresource=6 name=7
    fieldSelector=8:*FieldSelectorAttributes labelSelector=9:*LabelSelectorAttributes`,
  FieldSelectorAttributes: 'rawSelector=1 requirements=2:[]FieldSelectorRequirement',
  FieldSelectorRequirement: 'key=1:!string operator=2:!string values=3:[]string',
  LabelSelectorAttributes: 'rawSelector=1 requirements=2:[]LabelSelectorRequirement',
  NonResourceAttributes: 'path=1 verb=2',
  SubjectAccessReviewStatus: 'allowed=1:!bool denied=4:bool reason=2 evaluationError=3',
  SelfSubjectRulesReview: `
    metadata=1:!ObjectMeta spec=2:!SelfSubjectRulesReviewSpec status=3:SubjectRulesReviewStatus`,
  SelfSubjectRulesReviewSpec: 'namespace=1',
  SubjectRulesReviewStatus: `
    resourceRules=1:![]ResourceRule nonResourceRules=2:![]NonResourceRule incomplete=3:!bool
    evaluationError=4`,
  ResourceRule: 'verbs=1:![]string apiGroups=2:[]string resources=3:[]string resourceNames=4:[]string',
  NonResourceRule: 'verbs=1:![]string nonResourceURLs=2:[]string',

  // --- authentication.k8s.io/v1 (kubectl auth whoami)
  SelfSubjectReview: 'metadata=1:!ObjectMeta status=2:SelfSubjectReviewStatus',
  SelfSubjectReviewStatus: 'userInfo=1:UserInfo',
  UserInfo: 'username=1 uid=2 groups=3:[]string extra=4:{}StringList',

  // --- rbac.authorization.k8s.io/v1 (kubectl create role/clusterrole/rolebinding/clusterrolebinding)
  Role: 'metadata=1:!ObjectMeta rules=2:![]PolicyRule',
  PolicyRule: `
    verbs=1:![]string apiGroups=2:[]string resources=3:[]string resourceNames=4:[]string
    nonResourceURLs=5:[]string`,
  ClusterRole: 'metadata=1:!ObjectMeta rules=2:![]PolicyRule aggregationRule=3:*AggregationRule',
  AggregationRule: 'clusterRoleSelectors=1:[]LabelSelector',
  RoleBinding: 'metadata=1:!ObjectMeta subjects=2:[]Subject roleRef=3:!RoleRef',
  Subject: 'kind=1:!string apiGroup=2 name=3:!string namespace=4',
  RoleRef: 'apiGroup=1:!string kind=2:!string name=3:!string',
  ClusterRoleBinding: 'metadata=1:!ObjectMeta subjects=2:[]Subject roleRef=3:!RoleRef',

  // --- scheduling.k8s.io/v1, policy/v1, networking.k8s.io/v1 (kubectl create priorityclass/pdb/ingress)
  PriorityClass: `
    metadata=1:!ObjectMeta value=2:!int32 globalDefault=3:bool description=4
    preemptionPolicy=5:*string`,
  PodDisruptionBudget: `
    metadata=1:!ObjectMeta spec=2:PodDisruptionBudgetSpec status=3:PodDisruptionBudgetStatus`,
  PodDisruptionBudgetSpec: `
    minAvailable=1:*IntOrString selector=2:*LabelSelector maxUnavailable=3:*IntOrString
    unhealthyPodEvictionPolicy=4:*string`,
  PodDisruptionBudgetStatus: `
    observedGeneration=1:int64 disruptedPods=2:{}Time disruptionsAllowed=3:!int32
    currentHealthy=4:!int32 desiredHealthy=5:!int32 expectedPods=6:!int32 conditions=7:[]Condition`,
  Ingress: 'metadata=1:!ObjectMeta spec=2:IngressSpec status=3:IngressStatus',
  IngressSpec: `
    ingressClassName=4:*string defaultBackend=1:*IngressBackend tls=2:[]IngressTLS
    rules=3:[]IngressRule`,
  IngressBackend: 'service=4:*IngressServiceBackend resource=3:*TypedLocalObjectReference',
  IngressServiceBackend: 'name=1:!string port=2:ServiceBackendPort',
  ServiceBackendPort: 'name=1 number=2:int32',
  IngressTLS: 'hosts=1:[]string secretName=2',
  IngressRule: 'host=1 ingressRuleValue=2:^IngressRuleValue',
  IngressRuleValue: 'http=1:*HTTPIngressRuleValue',
  HTTPIngressRuleValue: 'paths=1:![]HTTPIngressPath',
  HTTPIngressPath: 'path=1 pathType=3:!*string backend=2:!IngressBackend',
  IngressStatus: 'loadBalancer=1:IngressLoadBalancerStatus',
  IngressLoadBalancerStatus: 'ingress=1:[]IngressLoadBalancerIngress',
  IngressLoadBalancerIngress: 'ip=1 hostname=2 ports=4:[]IngressPortStatus',
  IngressPortStatus: 'port=1:!int32 protocol=2:!string error=3:*string',

  // --- meta.k8s.io/v1 DeleteOptions (helm sends it as a DELETE body, under any group version)
  DeleteOptions: `
    gracePeriodSeconds=1:*int64 preconditions=2:*Preconditions orphanDependents=3:*bool
    propagationPolicy=4:*string dryRun=5:[]string
    ignoreStoreReadErrorWithClusterBreakingPotential=6:*bool`,
  Preconditions: 'uid=1:*string resourceVersion=2:*string',
};

/**
 * (apiVersion, kind) → top-level message. DeleteOptions is accepted under any apiVersion:
 * client-go registers it in every group version and encodes it with the client's one.
 */
export const KINDS: Record<string, Record<string, string>> = {
  v1: {
    Namespace: 'Namespace',
    ConfigMap: 'ConfigMap',
    Secret: 'Secret',
    ServiceAccount: 'ServiceAccount',
    Service: 'Service',
    Pod: 'Pod',
    ResourceQuota: 'ResourceQuota',
  },
  'apps/v1': { Deployment: 'Deployment' },
  'batch/v1': { Job: 'Job', CronJob: 'CronJob' },
  'authorization.k8s.io/v1': {
    SelfSubjectAccessReview: 'SelfSubjectAccessReview',
    SelfSubjectRulesReview: 'SelfSubjectRulesReview',
  },
  'authentication.k8s.io/v1': { SelfSubjectReview: 'SelfSubjectReview' },
  'rbac.authorization.k8s.io/v1': {
    Role: 'Role',
    ClusterRole: 'ClusterRole',
    RoleBinding: 'RoleBinding',
    ClusterRoleBinding: 'ClusterRoleBinding',
  },
  'scheduling.k8s.io/v1': { PriorityClass: 'PriorityClass' },
  'policy/v1': { PodDisruptionBudget: 'PodDisruptionBudget' },
  'networking.k8s.io/v1': { Ingress: 'Ingress' },
};

/** The kind every group version accepts (a DELETE body). */
export const DELETE_OPTIONS = 'DeleteOptions';
