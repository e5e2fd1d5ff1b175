/**
 * Well-known names of KubeStellar and OCM: groups, labels, annotations, finalizers, namespaces,
 * field managers and condition types (kubestellar-semantics.md §1.7 and Appendix B).
 */

export const CONTROL_GROUP = 'control.kubestellar.io';
export const CONTROL_VERSION = 'v1alpha1';
export const CONTROL_API_VERSION = `${CONTROL_GROUP}/${CONTROL_VERSION}`;

export const OCM_CLUSTER_GROUP = 'cluster.open-cluster-management.io';
export const OCM_WORK_GROUP = 'work.open-cluster-management.io';
export const MANAGED_CLUSTER_API_VERSION = `${OCM_CLUSTER_GROUP}/v1`;
export const MANAGED_CLUSTER_SET_API_VERSION = `${OCM_CLUSTER_GROUP}/v1beta2`;
export const WORK_API_VERSION = `${OCM_WORK_GROUP}/v1`;

// ---- annotations on WDS workload objects ----

/** Value `"true"` requests per-WEC template expansion (§5). */
export const EXPAND_TEMPLATES_ANNOTATION = 'control.kubestellar.io/expand-templates';
/**
 * Keeps parts the built-in cleaning would remove. Upstream knows only the value `nodeport`
 * (Services); we also accept a comma list and the token `suspend` (Jobs).
 */
export const PRESERVE_ANNOTATION = 'control.kubestellar.io/preserve';
export const PRESERVE_NODEPORT = 'nodeport';
export const PRESERVE_SUSPEND = 'suspend';

// ---- labels on WDS workload objects (status return markers) ----

export const SINGLETON_STATUS_LABEL = 'managed-by.kubestellar.io/singletonstatus';
export const MULTIWEC_STATUS_LABEL = 'managed-by.kubestellar.io/multiwecstatus';
/** Documented upstream but never implemented there. */
export const EXECUTING_COUNT_LABEL = 'kubestellar.io/executing-count';

// ---- finalizers ----

export const BINDING_POLICY_FINALIZER = 'bindingpolicy.kubestellar.io/kscontroller';
export const BINDING_FINALIZER = 'transport.kubestellar.io/object-cleanup';

// ---- ManifestWork (copied by the status add-on to WorkStatus) ----

export const ORIGIN_BINDING_LABEL = 'transport.kubestellar.io/originOwnerReferenceBindingKey';
export const ORIGIN_WDS_LABEL = 'transport.kubestellar.io/originWdsName';
export const ORIGIN_BINDING_GENERATION_ANNOTATION =
  'transport.kubestellar.io/originOwnerReferenceBindingGeneration';
/**
 * Ours (not upstream): hash of a ManifestWork's labels and spec, so the transport rewrites a work
 * exactly when its content changes (§3.8 [IMPROVE]).
 */
export const CONTENT_HASH_ANNOTATION = 'transport.kubestellar.io/contentHash';
/** Label key prefixes that make the status add-on report a work's objects. */
export const STATUS_ADDON_LABEL_PREFIXES = ['transport.kubestellar.io', 'managed-by.kubestellar.io'] as const;

// ---- CombinedStatus labels ----

export const CS_API_GROUP_LABEL = 'status.kubestellar.io/api-group';
export const CS_RESOURCE_LABEL = 'status.kubestellar.io/resource';
export const CS_NAMESPACE_LABEL = 'status.kubestellar.io/namespace';
export const CS_NAME_LABEL = 'status.kubestellar.io/name';
export const CS_BINDING_POLICY_LABEL = 'status.kubestellar.io/binding-policy';

// ---- namespaces ----

/** ITS namespace holding per-WEC ConfigMaps of template properties. */
export const CUSTOMIZATION_PROPERTIES_NAMESPACE = 'customization-properties';
/** WDS namespace holding CombinedStatus objects of cluster-scoped workload objects. */
export const REPORT_NAMESPACE = 'kubestellar-report';

// ---- field managers ----

export const FIELD_MANAGER_BINDING = 'Binding';
export const FIELD_MANAGER_STATUS = 'Status';
export const FIELD_MANAGER_TRANSPORT = 'transport-controller';

// ---- conditions ----

export const CONDITION_STATUS_COLLECTORS_AVAILABLE = 'StatusCollectorsAvailable';
export const CONDITION_READY = 'Ready';
export const CONDITION_SYNCED = 'Synced';
export const REASON_RECONCILE_SUCCESS = 'ReconcileSuccess';
export const REASON_RECONCILE_ERROR = 'ReconcileError';
export const REASON_AVAILABLE = 'Available';
export const REASON_UNAVAILABLE = 'Unavailable';
export const REASON_CREATING = 'Creating';
export const REASON_DELETING = 'Deleting';

// ---- the universe of workload objects (§2.1) ----

/** API groups whose resources are never workload. */
export const EXCLUDED_GROUPS: ReadonlySet<string> = new Set([
  'flowcontrol.apiserver.k8s.io',
  'discovery.k8s.io',
  'apiregistration.k8s.io',
  'coordination.k8s.io',
  CONTROL_GROUP,
]);

/** `group/resource` pairs (core group: empty group) that are never workload. */
export const EXCLUDED_GROUP_RESOURCES: ReadonlySet<string> = new Set([
  '/events',
  'events.k8s.io/events',
  '/nodes',
  '/endpoints',
  'storage.k8s.io/csistoragecapacities',
  'storage.k8s.io/csinodes',
  `${CONTROL_GROUP}/workstatuses`,
]);

/** Groups always watched even when `--api-groups` restricts the rest. */
export const ALWAYS_ALLOWED_GROUPS: readonly string[] = [CONTROL_GROUP, 'apiextensions.k8s.io'];

/** Kinds (`group/Kind`) that never receive returned status: the WDS stays authoritative. */
export const STATUS_RETURN_EXEMPT_KINDS: ReadonlySet<string> = new Set([
  '/Namespace',
  'apiextensions.k8s.io/CustomResourceDefinition',
]);

// ---- transport defaults (§3.1; the Helm chart's values, which is what users run) ----

export const DEFAULT_MAX_NUM_WRAPPED = 1;
export const DEFAULT_MAX_SIZE_WRAPPED = 512000;
/** AppliedManifestWork names are `<64 hex>-<work name>` ≤ 253, so work names must stay ≤ 188. */
export const MAX_MANIFESTWORK_NAME_LENGTH = 188;
