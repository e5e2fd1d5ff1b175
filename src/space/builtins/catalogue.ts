import type { ResourceDef, ScaleDef, Strategy } from '../types.js';
import type { Schema } from './schema-dsl.js';
import { FIELD_SELECTORS } from './field-selectors.js';
import { printerForKind } from './printers/index.js';
import * as core from './schemas/core.js';
import * as podSchemas from './schemas/pod.js';
import * as wl from './schemas/workloads.js';
import * as apis from './schemas/apis.js';
import { podStrategy, podTemplateStrategy } from './strategies/pod.js';
import {
  controllerRevisionStrategy,
  daemonSetStrategy,
  deploymentStrategy,
  replicaSetStrategy,
  replicationControllerStrategy,
  statefulSetStrategy,
} from './strategies/workloads.js';
import { cronJobStrategy, jobStrategy } from './strategies/batch.js';
import { serviceStrategy } from './strategies/service.js';
import {
  configMapStrategy,
  endpointSliceStrategy,
  endpointsStrategy,
  namespaceStrategy,
  pvcStrategy,
  pvStrategy,
  secretStrategy,
} from './strategies/core.js';
import {
  clusterRoleBindingStrategy,
  csiDriverStrategy,
  hpaStrategy,
  ingressStrategy,
  mutatingWebhookStrategy,
  networkPolicyStrategy,
  priorityClassStrategy,
  roleBindingStrategy,
  roleStrategy,
  storageClassStrategy,
  validatingAdmissionPolicyBindingStrategy,
  validatingAdmissionPolicyStrategy,
  validatingWebhookStrategy,
} from './strategies/apis.js';

/**
 * The resource table of built-in kinds (apiserver-compat.md §2.3, §15.1) as data. Groups come
 * in upstream's `/apis` order (core first); resources within a group version are listed
 * alphabetically, as upstream discovery lists them.
 */

export const STANDARD_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** Upstream's aggregated discovery order of the built-in groups. */
export const GROUP_ORDER = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
];

/** The `.spec.replicas` / `.status.replicas` / `.spec.selector` scale of the replicated workloads. */
const REPLICA_SCALE: ScaleDef = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.spec.selector',
};

interface Row {
  group: string;
  version?: string;
  resource: string;
  kind: string;
  singular?: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  status?: boolean;
  scale?: boolean;
  generation?: boolean;
  schema: Schema;
  strategy?: Strategy;
  review?: ResourceDef['review'];
  computed?: boolean;
}

const ALL = ['all'];
const API_EXTENSIONS = ['api-extensions'];

const ROWS: Row[] = [
  // core/v1
  {
    group: '',
    resource: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    schema: core.configMap,
    strategy: configMapStrategy,
  },
  {
    group: '',
    resource: 'endpoints',
    kind: 'Endpoints',
    singular: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
    schema: core.endpoints,
    strategy: endpointsStrategy,
  },
  { group: '', resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'], schema: core.event },
  {
    group: '',
    resource: 'limitranges',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
    schema: core.limitRange,
  },
  {
    group: '',
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    status: true,
    schema: core.namespace,
    strategy: namespaceStrategy,
  },
  {
    group: '',
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    status: true,
    schema: podSchemas.persistentVolumeClaim,
    strategy: pvcStrategy,
  },
  {
    group: '',
    resource: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
    status: true,
    schema: core.persistentVolume,
    strategy: pvStrategy,
  },
  {
    group: '',
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ALL,
    status: true,
    generation: true,
    schema: podSchemas.pod,
    strategy: podStrategy,
  },
  {
    group: '',
    resource: 'podtemplates',
    kind: 'PodTemplate',
    namespaced: true,
    generation: true,
    schema: podSchemas.podTemplate,
    strategy: podTemplateStrategy,
  },
  {
    group: '',
    resource: 'replicationcontrollers',
    kind: 'ReplicationController',
    namespaced: true,
    shortNames: ['rc'],
    categories: ALL,
    status: true,
    scale: true,
    generation: true,
    schema: core.replicationController,
    strategy: replicationControllerStrategy,
  },
  {
    group: '',
    resource: 'resourcequotas',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
    status: true,
    schema: core.resourceQuota,
  },
  {
    group: '',
    resource: 'secrets',
    kind: 'Secret',
    namespaced: true,
    schema: core.secret,
    strategy: secretStrategy,
  },
  {
    group: '',
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    schema: core.serviceAccount,
  },
  {
    group: '',
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ALL,
    status: true,
    schema: core.service,
    strategy: serviceStrategy,
  },

  // apiregistration.k8s.io/v1: computed from the served groups.
  {
    group: 'apiregistration.k8s.io',
    resource: 'apiservices',
    kind: 'APIService',
    namespaced: false,
    categories: API_EXTENSIONS,
    verbs: ['get', 'list', 'watch'],
    status: true,
    schema: apis.apiService,
    computed: true,
  },

  // apps/v1
  {
    group: 'apps',
    resource: 'controllerrevisions',
    kind: 'ControllerRevision',
    namespaced: true,
    schema: wl.controllerRevision,
    strategy: controllerRevisionStrategy,
  },
  {
    group: 'apps',
    resource: 'daemonsets',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ALL,
    status: true,
    generation: true,
    schema: wl.daemonSet,
    strategy: daemonSetStrategy,
  },
  {
    group: 'apps',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ALL,
    status: true,
    scale: true,
    generation: true,
    schema: wl.deployment,
    strategy: deploymentStrategy,
  },
  {
    group: 'apps',
    resource: 'replicasets',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ALL,
    status: true,
    scale: true,
    generation: true,
    schema: wl.replicaSet,
    strategy: replicaSetStrategy,
  },
  {
    group: 'apps',
    resource: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ALL,
    status: true,
    scale: true,
    generation: true,
    schema: wl.statefulSet,
    strategy: statefulSetStrategy,
  },

  // events.k8s.io/v1 (stored on its own: no field-name conversion to core/v1 events yet)
  {
    group: 'events.k8s.io',
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    schema: apis.eventsV1Event,
  },

  // authentication.k8s.io/v1 and authorization.k8s.io/v1: create-only reviews the server answers
  {
    group: 'authentication.k8s.io',
    resource: 'selfsubjectreviews',
    kind: 'SelfSubjectReview',
    namespaced: false,
    verbs: ['create'],
    schema: apis.selfSubjectReview,
    review: 'selfsubject',
  },
  {
    group: 'authentication.k8s.io',
    resource: 'tokenreviews',
    kind: 'TokenReview',
    namespaced: false,
    verbs: ['create'],
    schema: apis.tokenReview,
    review: 'token',
  },
  {
    group: 'authorization.k8s.io',
    resource: 'localsubjectaccessreviews',
    kind: 'LocalSubjectAccessReview',
    namespaced: true,
    verbs: ['create'],
    schema: apis.subjectAccessReview,
    review: 'access',
  },
  {
    group: 'authorization.k8s.io',
    resource: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    schema: apis.selfSubjectAccessReview,
    review: 'access',
  },
  {
    group: 'authorization.k8s.io',
    resource: 'selfsubjectrulesreviews',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    verbs: ['create'],
    schema: apis.selfSubjectRulesReview,
    review: 'access',
  },
  {
    group: 'authorization.k8s.io',
    resource: 'subjectaccessreviews',
    kind: 'SubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    schema: apis.subjectAccessReview,
    review: 'access',
  },

  // autoscaling/v2 (v1 shares storage and would need conversion: not served)
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ALL,
    status: true,
    generation: true,
    schema: apis.horizontalPodAutoscaler,
    strategy: hpaStrategy,
  },

  // batch/v1
  {
    group: 'batch',
    resource: 'cronjobs',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ALL,
    status: true,
    generation: true,
    schema: wl.cronJob,
    strategy: cronJobStrategy,
  },
  {
    group: 'batch',
    resource: 'jobs',
    kind: 'Job',
    namespaced: true,
    categories: ALL,
    status: true,
    generation: true,
    schema: wl.job,
    strategy: jobStrategy,
  },

  // certificates.k8s.io/v1
  {
    group: 'certificates.k8s.io',
    resource: 'certificatesigningrequests',
    kind: 'CertificateSigningRequest',
    namespaced: false,
    shortNames: ['csr'],
    status: true,
    schema: apis.certificateSigningRequest,
  },

  // networking.k8s.io/v1
  {
    group: 'networking.k8s.io',
    resource: 'ingressclasses',
    kind: 'IngressClass',
    namespaced: false,
    generation: true,
    schema: apis.ingressClass,
  },
  {
    group: 'networking.k8s.io',
    resource: 'ingresses',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
    status: true,
    generation: true,
    schema: apis.ingress,
    strategy: ingressStrategy,
  },
  {
    group: 'networking.k8s.io',
    resource: 'networkpolicies',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
    generation: true,
    schema: apis.networkPolicy,
    strategy: networkPolicyStrategy,
  },

  // policy/v1
  {
    group: 'policy',
    resource: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    shortNames: ['pdb'],
    status: true,
    generation: true,
    schema: apis.podDisruptionBudget,
  },

  // rbac.authorization.k8s.io/v1
  {
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    schema: apis.roleBinding,
    strategy: clusterRoleBindingStrategy,
  },
  {
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
    schema: apis.clusterRole,
    strategy: roleStrategy,
  },
  {
    group: 'rbac.authorization.k8s.io',
    resource: 'rolebindings',
    kind: 'RoleBinding',
    namespaced: true,
    schema: apis.roleBinding,
    strategy: roleBindingStrategy,
  },
  {
    group: 'rbac.authorization.k8s.io',
    resource: 'roles',
    kind: 'Role',
    namespaced: true,
    schema: apis.role,
    strategy: roleStrategy,
  },

  // storage.k8s.io/v1
  {
    group: 'storage.k8s.io',
    resource: 'csidrivers',
    kind: 'CSIDriver',
    namespaced: false,
    schema: apis.csiDriver,
    strategy: csiDriverStrategy,
  },
  { group: 'storage.k8s.io', resource: 'csinodes', kind: 'CSINode', namespaced: false, schema: apis.csiNode },
  {
    group: 'storage.k8s.io',
    resource: 'storageclasses',
    kind: 'StorageClass',
    namespaced: false,
    shortNames: ['sc'],
    schema: apis.storageClass,
    strategy: storageClassStrategy,
  },
  {
    group: 'storage.k8s.io',
    resource: 'volumeattachments',
    kind: 'VolumeAttachment',
    namespaced: false,
    status: true,
    schema: apis.volumeAttachment,
  },

  // admissionregistration.k8s.io/v1
  {
    group: 'admissionregistration.k8s.io',
    resource: 'mutatingwebhookconfigurations',
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
    categories: API_EXTENSIONS,
    generation: true,
    schema: apis.mutatingWebhookConfiguration,
    strategy: mutatingWebhookStrategy,
  },
  {
    group: 'admissionregistration.k8s.io',
    resource: 'validatingadmissionpolicies',
    kind: 'ValidatingAdmissionPolicy',
    namespaced: false,
    categories: API_EXTENSIONS,
    status: true,
    generation: true,
    schema: apis.validatingAdmissionPolicy,
    strategy: validatingAdmissionPolicyStrategy,
  },
  {
    group: 'admissionregistration.k8s.io',
    resource: 'validatingadmissionpolicybindings',
    kind: 'ValidatingAdmissionPolicyBinding',
    namespaced: false,
    categories: API_EXTENSIONS,
    generation: true,
    schema: apis.validatingAdmissionPolicyBinding,
    strategy: validatingAdmissionPolicyBindingStrategy,
  },
  {
    group: 'admissionregistration.k8s.io',
    resource: 'validatingwebhookconfigurations',
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
    categories: API_EXTENSIONS,
    generation: true,
    schema: apis.validatingWebhookConfiguration,
    strategy: validatingWebhookStrategy,
  },

  // apiextensions.k8s.io/v1 (the CRD lifecycle itself lives in src/space/crd)
  {
    group: 'apiextensions.k8s.io',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: API_EXTENSIONS,
    status: true,
    generation: true,
    schema: apis.customResourceDefinition,
  },

  // scheduling.k8s.io/v1
  {
    group: 'scheduling.k8s.io',
    resource: 'priorityclasses',
    kind: 'PriorityClass',
    namespaced: false,
    shortNames: ['pc'],
    schema: apis.priorityClass,
    strategy: priorityClassStrategy,
  },

  // coordination.k8s.io/v1
  { group: 'coordination.k8s.io', resource: 'leases', kind: 'Lease', namespaced: true, schema: apis.lease },

  // discovery.k8s.io/v1
  {
    group: 'discovery.k8s.io',
    resource: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
    generation: true,
    schema: apis.endpointSlice,
    strategy: endpointSliceStrategy,
  },
];

function toDef(r: Row): ResourceDef {
  const def: ResourceDef = {
    group: r.group,
    version: r.version ?? 'v1',
    resource: r.resource,
    kind: r.kind,
    listKind: `${r.kind}List`,
    singular: r.singular ?? r.kind.toLowerCase(),
    namespaced: r.namespaced,
    verbs: [...(r.verbs ?? STANDARD_VERBS)],
    generation: r.generation ?? false,
    schema: r.schema,
    printer: printerForKind(r.group, r.kind),
  };
  if (r.shortNames) def.shortNames = [...r.shortNames];
  if (r.categories) def.categories = [...r.categories];
  if (r.status || r.scale) {
    def.subresources = {};
    if (r.status) def.subresources.status = true;
    if (r.scale) def.subresources.scale = { ...REPLICA_SCALE };
  }
  const selectors = FIELD_SELECTORS[`${r.group}/${r.resource}`];
  if (selectors) def.fieldSelectors = { ...selectors };
  if (r.strategy) def.strategy = r.strategy;
  if (r.review) def.review = r.review;
  if (r.computed) def.computed = true;
  return def;
}

/** Every built-in resource, in discovery order. A fresh array of fresh rows on each call. */
export function builtinResources(): ResourceDef[] {
  const rank = (g: string) => GROUP_ORDER.indexOf(g);
  return ROWS.map(toDef).sort(
    (a, b) =>
      rank(a.group) - rank(b.group) || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0),
  );
}
