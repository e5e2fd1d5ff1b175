import type { KObject } from '../types.js';

/**
 * Objects every space starts with besides the namespaces (which the server seeds itself): the
 * default user-facing ClusterRoles and the two system PriorityClasses. The rules follow upstream's
 * bootstrap policy in spirit; aggregation labels let charts extend admin/edit/view as usual.
 */

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

const rule = (apiGroups: string[], resources: string[], verbs: string[]) => ({ apiGroups, resources, verbs });

const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

/** What `view` may read (secrets excluded, as upstream). */
const VIEW_RULES = [
  rule(
    [''],
    [
      'configmaps',
      'endpoints',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/status',
    ],
    READ,
  ),
  rule(
    [''],
    [
      'bindings',
      'events',
      'limitranges',
      'namespaces/status',
      'pods/log',
      'pods/status',
      'replicationcontrollers/status',
      'resourcequotas',
      'resourcequotas/status',
    ],
    READ,
  ),
  rule([''], ['namespaces'], READ),
  rule(['discovery.k8s.io'], ['endpointslices'], READ),
  rule(
    ['apps'],
    [
      'controllerrevisions',
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
    ],
    READ,
  ),
  rule(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
  rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
  rule(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
  rule(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
];

/** What `edit` may change on top of `view`. */
const EDIT_RULES = [
  rule(
    [''],
    ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'],
    READ,
  ),
  rule([''], ['serviceaccounts'], ['impersonate']),
  rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], WRITE),
  rule([''], ['pods/eviction'], ['create']),
  rule(
    [''],
    [
      'configmaps',
      'events',
      'persistentvolumeclaims',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'secrets',
      'serviceaccounts',
      'services',
      'services/proxy',
    ],
    WRITE,
  ),
  rule([''], ['serviceaccounts/token'], ['create']),
  rule(
    ['apps'],
    [
      'daemonsets',
      'deployments',
      'deployments/rollback',
      'deployments/scale',
      'replicasets',
      'replicasets/scale',
      'statefulsets',
      'statefulsets/scale',
    ],
    WRITE,
  ),
  rule(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
  rule(['batch'], ['cronjobs', 'jobs'], WRITE),
  rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], WRITE),
  rule(['policy'], ['poddisruptionbudgets'], WRITE),
  rule(['discovery.k8s.io'], ['endpointslices'], WRITE),
  rule(['coordination.k8s.io'], ['leases'], [...READ, ...WRITE]),
];

/** What `admin` may do on top of `edit`. */
const ADMIN_RULES = [
  rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
  rule(['rbac.authorization.k8s.io'], ['rolebindings', 'roles'], [...READ, ...WRITE]),
];

function aggregatedRole(name: string, rules: object[], aggregateFrom: string, aggregateTo?: string): KObject {
  const labels: Record<string, string> = { ...BOOTSTRAP_LABELS };
  if (aggregateTo) labels[`rbac.authorization.k8s.io/aggregate-to-${aggregateTo}`] = 'true';
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels, annotations: { ...AUTOUPDATE } },
    aggregationRule: {
      clusterRoleSelectors: [
        { matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${aggregateFrom}`]: 'true' } },
      ],
    },
    rules,
  };
}

function priorityClass(name: string, value: number, description: string): KObject {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    globalDefault: false,
    description,
    preemptionPolicy: 'PreemptLowerPriority',
  };
}

export function builtinSeedObjects(): KObject[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cluster-admin', labels: { ...BOOTSTRAP_LABELS }, annotations: { ...AUTOUPDATE } },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ],
    },
    aggregatedRole('admin', [...VIEW_RULES, ...EDIT_RULES, ...ADMIN_RULES], 'admin'),
    aggregatedRole('edit', [...VIEW_RULES, ...EDIT_RULES], 'edit', 'admin'),
    aggregatedRole('view', VIEW_RULES, 'view', 'edit'),
    priorityClass(
      'system-cluster-critical',
      2000000000,
      'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
    ),
    priorityClass(
      'system-node-critical',
      2000001000,
      'Used for system critical pods that must not be moved from their current node.',
    ),
  ].map((o) => structuredClone(o));
}
