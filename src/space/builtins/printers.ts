import type { ColumnDef, KObject, Printer } from '../types.js';
import { age, humanDuration } from '../humanize.js';
import { formatLabels, formatLabelSelector, lengthOf, selectorString } from './format.js';
import { labelSelectorFromObject, labelSelectorToString } from '../selectors.js';

/**
 * Table printers for built-in kinds: the columns and cells of upstream's
 * `pkg/printers/internalversion` (apiserver-compat.md §8.6). The server always renders the
 * wide form; kubectl hides `priority: 1` columns unless `-o wide`. Cell types follow upstream
 * (some string-typed columns carry numbers, as they do there).
 */

type Type = ColumnDef['type'];

const col = (name: string, type: Type, description: string, priority = 0): ColumnDef =>
  priority ? { name, type, description, priority } : { name, type, description };

const NAME: ColumnDef = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
};
const AGE = col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
const CONTAINERS = col('Containers', 'string', 'Names of each container in the template.', 1);
const IMAGES = col('Images', 'string', 'Images referenced by each container in the template.', 1);
const SELECTOR = col('Selector', 'string', 'Label selector for pods.', 1);

const name = (o: KObject): string => o.metadata?.name ?? '';
const created = (o: KObject, now: Date): string => age(o.metadata?.creationTimestamp, now);
const int = (x: unknown): number => (typeof x === 'number' ? x : 0);

function printer(columns: ColumnDef[], row: (o: KObject, now: Date) => unknown[]): Printer {
  return { columns, row };
}

/** Container names and images, comma separated (`layoutContainerCells`). */
function containerCells(containers: any[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c?.name ?? '').join(','), cs.map((c) => c?.image ?? '').join(',')];
}

function conditionTrue(conds: any[] | undefined, type: string): boolean {
  const c = (conds ?? []).find((x) => x?.type === type);
  return c?.status === 'True';
}

// ---------------------------------------------------------------------------------------------
// core

const namespace = printer([NAME, col('Status', 'string', 'The status of the namespace'), AGE], (o, now) => [
  name(o),
  o.status?.phase ?? '',
  created(o, now),
]);

const configMap = printer([NAME, col('Data', 'string', 'Data contains the configuration data.'), AGE], (o, now) => [
  name(o),
  lengthOf(o.data) + lengthOf(o.binaryData),
  created(o, now),
]);

const secret = printer(
  [NAME, col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'string', 'Data contains the secret data.'), AGE],
  (o, now) => [name(o), o.type ?? '', lengthOf(o.data), created(o, now)],
);

const serviceAccount = printer([NAME, col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace.'), AGE], (o, now) => [
  name(o),
  lengthOf(o.secrets),
  created(o, now),
]);

function lbIngressText(ingress: any[] | undefined): string {
  const set = new Set<string>();
  for (const i of ingress ?? []) {
    if (i?.ip) set.add(i.ip);
    else if (i?.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(',');
}

function serviceExternalIP(o: KObject): string {
  const spec = o.spec ?? {};
  const ext: string[] = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = lbIngressText(o.status?.loadBalancer?.ingress);
      if (ext.length) return [...(lb ? lb.split(',') : []), ...ext].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

function servicePorts(ports: any[] | undefined): string {
  const s = (ports ?? [])
    .map((p) => (p?.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p?.port}/${p?.protocol ?? ''}`))
    .join(',');
  return s || '<none>';
}

const service = printer(
  [
    NAME,
    col('Type', 'string', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'string', 'clusterIP is the IP address of the service.'),
    col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    AGE,
    col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  (o, now) => [
    name(o),
    o.spec?.type ?? '',
    o.spec?.clusterIPs?.[0] ?? '<none>',
    serviceExternalIP(o),
    servicePorts(o.spec?.ports),
    created(o, now),
    formatLabels(o.spec?.selector),
  ],
);

/** Pod STATUS and READY/RESTARTS as kubectl shows them (`printPod`). */
function podRow(o: KObject, now: Date): unknown[] {
  const spec = o.spec ?? {};
  const status = o.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let total = (spec.containers ?? []).length;
  let ready = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  let reason: string = status.reason || status.phase || '';
  for (const c of status.conditions ?? []) {
    if (c?.type === 'PodScheduled' && c?.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const inits = new Map<string, any>();
  for (const c of spec.initContainers ?? []) {
    inits.set(c?.name, c);
    if (c?.restartPolicy === 'Always') total++;
  }
  const finishedAt = (cs: any): number => {
    const t = Date.parse(cs?.lastState?.terminated?.finishedAt ?? '');
    return Number.isNaN(t) ? 0 : t;
  };
  let initializing = false;
  const initStatuses: any[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += int(cs?.restartCount);
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    const restartable = inits.get(cs?.name)?.restartPolicy === 'Always';
    if (restartable) {
      restartableInitRestarts += int(cs?.restartCount);
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, finishedAt(cs));
    }
    const term = cs?.state?.terminated;
    const wait = cs?.state?.waiting;
    if (term && int(term.exitCode) === 0) continue;
    if (restartable && cs?.started === true) {
      if (cs?.ready) ready++;
      continue;
    }
    if (term) {
      reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${int(term.exitCode)}`;
    } else if (wait?.reason && wait.reason !== 'PodInitializing') {
      reason = `Init:${wait.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses: any[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += int(cs?.restartCount);
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const term = cs?.state?.terminated;
      if (cs?.state?.waiting?.reason) reason = cs.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${int(term.exitCode)}`;
      else if (cs?.ready && cs?.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
  }
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (o.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (o.metadata?.deletionTimestamp && !terminal) reason = 'Terminating';

  let restartText = String(restarts);
  if (restarts !== 0 && lastRestart > 0) restartText = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;

  let gates = '<none>';
  const readinessGates: any[] = spec.readinessGates ?? [];
  if (readinessGates.length) {
    const trueCount = readinessGates.filter((g) => conditionTrue(status.conditions, g?.conditionType)).length;
    gates = `${trueCount}/${readinessGates.length}`;
  }
  return [
    name(o),
    `${ready}/${total}`,
    reason,
    restartText,
    created(o, now),
    status.podIPs?.[0]?.ip || '<none>',
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    gates,
  ];
}

const pod = printer(
  [
    NAME,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE,
    col('IP', 'string', 'IP address allocated to the pod.', 1),
    col('Node', 'string', 'NodeName is the node the pod is scheduled onto.', 1),
    col('Nominated Node', 'string', 'The node the scheduler nominated for this pod.', 1),
    col('Readiness Gates', 'string', 'Readiness gates that are true, out of all gates.', 1),
  ],
  podRow,
);

const podTemplate = printer(
  [
    NAME,
    col('Containers', 'string', 'Names of each container in the template.'),
    col('Images', 'string', 'Images referenced by each container in the template.'),
    col('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  (o) => [name(o), ...containerCells(o.template?.spec?.containers), formatLabels(o.template?.metadata?.labels)],
);

/** Event columns; Last Seen/First Seen fall back to eventTime and series like upstream. */
function eventRow(o: KObject, now: Date): unknown[] {
  const first = o.firstTimestamp ? age(o.firstTimestamp, now) : age(o.eventTime, now);
  let last = o.lastTimestamp ? age(o.lastTimestamp, now) : first;
  let count = int(o.count);
  if (o.series) {
    last = age(o.series.lastObservedTime, now);
    count = int(o.series.count);
  } else if (count === 0) count = 1;
  const inv = o.involvedObject ?? {};
  const kind = String(inv.kind ?? '').toLowerCase();
  const target = inv.name ? `${kind}/${inv.name}` : kind;
  const component = o.source?.component || o.reportingComponent || '';
  const host = o.source?.host || o.reportingInstance || '';
  const source = host ? `${component}, ${host}` : component;
  return [last, o.type ?? '', o.reason ?? '', target, inv.fieldPath ?? '', source, String(o.message ?? '').trim(), first, count, name(o)];
}

const event = printer(
  [
    col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning).'),
    col('Reason', 'string', 'A short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    col('Object', 'string', 'The object that this event is about.'),
    col('Subobject', 'string', 'The field of the object this event is about.', 1),
    col('Source', 'string', 'The component reporting this event.', 1),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The time at which the event was first recorded.', 1),
    col('Count', 'string', 'The number of times this event has occurred.', 1),
    { ...NAME, priority: 1 },
  ],
  eventRow,
);

const endpoints = printer([NAME, col('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'), AGE], (o, now) => [
  name(o),
  formatEndpoints(o.subsets),
  created(o, now),
]);

function formatEndpoints(subsets: any[] | undefined): string {
  if (!subsets?.length) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs: any[] = ss?.addresses ?? [];
    const ports: any[] = ss?.ports ?? [];
    if (!ports.length) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a?.ip ?? '');
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        const ip = String(a?.ip ?? '');
        list.push(`${ip.includes(':') ? `[${ip}]` : ip}:${p?.port}`);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

function replicaCountsPrinter(selector: (o: KObject) => string): Printer {
  return printer(
    [
      NAME,
      col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
      col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
      col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    (o, now) => [
      name(o),
      int(o.spec?.replicas),
      int(o.status?.replicas),
      int(o.status?.readyReplicas),
      created(o, now),
      ...containerCells(o.spec?.template?.spec?.containers),
      selector(o),
    ],
  );
}

const replicationController = replicaCountsPrinter((o) => formatLabels(o.spec?.selector));
const replicaSet = replicaCountsPrinter((o) => formatLabelSelector(o.spec?.selector));

const ACCESS_MODES: Array<[string, string]> = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];
const accessModes = (modes: string[] | undefined): string =>
  ACCESS_MODES.filter(([m]) => (modes ?? []).includes(m))
    .map(([, s]) => s)
    .join(',');

const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
const storageClassOf = (o: KObject): string => o.metadata?.annotations?.[BETA_STORAGE_CLASS] ?? o.spec?.storageClassName ?? '';

const pvc = printer(
  [
    NAME,
    col('Status', 'string', 'Phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'string', 'The binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'string', 'The actual resources of the underlying volume.'),
    col('Access Modes', 'string', 'The actual access modes the volume backing the PVC has.'),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE,
    col('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', 1),
  ],
  (o, now) => {
    const bound = !!o.spec?.volumeName;
    return [
      name(o),
      o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      o.spec?.volumeName ?? '',
      bound ? String(o.status?.capacity?.storage ?? '0') : '',
      bound ? accessModes(o.status?.accessModes) : '',
      storageClassOf(o),
      o.spec?.volumeAttributesClassName ?? '<unset>',
      created(o, now),
      o.spec?.volumeMode ?? '<unset>',
    ];
  },
);

const pv = printer(
  [
    NAME,
    col('Capacity', 'string', 'capacity is the description of the persistent volume\'s resources and capacity.'),
    col('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
    col('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    col('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    col('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', 'reason is a brief CamelCase string that describes any failure.'),
    AGE,
    col('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', 1),
  ],
  (o, now) => {
    const claim = o.spec?.claimRef ? `${o.spec.claimRef.namespace ?? ''}/${o.spec.claimRef.name ?? ''}` : '';
    return [
      name(o),
      String(o.spec?.capacity?.storage ?? '0'),
      accessModes(o.spec?.accessModes),
      o.spec?.persistentVolumeReclaimPolicy ?? '',
      o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      claim,
      storageClassOf(o),
      o.spec?.volumeAttributesClassName ?? '<unset>',
      o.status?.reason ?? '',
      created(o, now),
      o.spec?.volumeMode ?? '<unset>',
    ];
  },
);

/** `printResourceQuota`: `resource: used/hard` pairs, limits.* in their own column. */
const resourceQuota = printer(
  [
    NAME,
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    AGE,
  ],
  (o, now) => {
    const hard: Record<string, unknown> = o.status?.hard ?? {};
    const used: Record<string, unknown> = o.status?.used ?? {};
    const req: string[] = [];
    const lim: string[] = [];
    for (const r of Object.keys(hard).sort()) {
      const text = `${r}: ${String(used[r] ?? '0')}/${String(hard[r])}`;
      (r.split('.').length > 1 && r.split('.')[0] === 'limits' ? lim : req).push(text);
    }
    return [name(o), req.join(', '), lim.join(', '), created(o, now)];
  },
);

// ---------------------------------------------------------------------------------------------
// apps

const deployment = printer(
  [
    NAME,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
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

const statefulSet = printer([NAME, col('Ready', 'string', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES], (o, now) => [
  name(o),
  `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}`,
  created(o, now),
  ...containerCells(o.spec?.template?.spec?.containers),
]);

const daemonSet = printer(
  [
    NAME,
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
    col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
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
const controllerRevision = printer(
  [NAME, col('Controller', 'string', 'Controller of the object'), col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'), AGE],
  (o, now) => {
    const ref = (o.metadata?.ownerReferences ?? []).find((r) => r?.controller === true);
    let controller = '<none>';
    if (ref) {
      const apiVersion = String(ref.apiVersion ?? '');
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      controller = ref.kind ? `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}` : ref.name;
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

const job = printer(
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

const cronJob = printer(
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

// ---------------------------------------------------------------------------------------------
// networking, policy, autoscaling, discovery

function formatHosts(rules: any[] | undefined): string {
  const rs = rules ?? [];
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const r of rs) {
    if (list.length === max) more = true;
    if (!more && r?.host) list.push(r.host);
  }
  if (!list.length) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rs.length - max} more...` : ret;
}

const ingress = printer(
  [
    NAME,
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE,
  ],
  (o, now) => [
    name(o),
    o.spec?.ingressClassName ?? '<none>',
    formatHosts(o.spec?.rules),
    lbIngressText(o.status?.loadBalancer?.ingress),
    lengthOf(o.spec?.tls) ? '80, 443' : '80',
    created(o, now),
  ],
);

const ingressClass = printer(
  [
    NAME,
    col('Controller', 'string', 'Controller that is responsible for handling this class'),
    col('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE,
  ],
  (o, now) => {
    const p = o.spec?.parameters;
    let params = '<none>';
    if (p) params = `${p.kind ?? ''}${p.apiGroup !== undefined && p.apiGroup !== null ? `.${p.apiGroup}` : ''}/${p.name ?? ''}`;
    return [name(o), o.spec?.controller ?? '', params, created(o, now)];
  },
);

const networkPolicy = printer([NAME, col('Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies.'), AGE], (o, now) => [
  name(o),
  formatLabelSelector(o.spec?.podSelector ?? {}),
  created(o, now),
]);

const intOrStringText = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));

const podDisruptionBudget = printer(
  [
    NAME,
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE,
  ],
  (o, now) => [
    name(o),
    intOrStringText(o.spec?.minAvailable),
    intOrStringText(o.spec?.maxUnavailable),
    int(o.status?.disruptionsAllowed),
    created(o, now),
  ],
);

/** `formatHPAMetrics`: `cpu: 30%/80%`, at most two, then `+ N more...`. */
function hpaTargets(specs: any[] | undefined, statuses: any[] | undefined): string {
  if (!specs?.length) return '<none>';
  const st = statuses ?? [];
  const list: string[] = [];
  specs.forEach((spec, i) => {
    const cur = st[i];
    const q = (v: unknown) => String(v);
    switch (spec?.type) {
      case 'External':
      case 'Object': {
        const key = spec.type === 'External' ? 'external' : 'object';
        const target = spec[key]?.target ?? {};
        if (target.averageValue !== undefined) {
          const c = cur?.[key]?.current?.averageValue;
          list.push(`${c !== undefined ? q(c) : '<unknown>'}/${q(target.averageValue)} (avg)`);
        } else {
          const c = cur?.[key]?.current?.value;
          list.push(`${cur?.[key] ? q(c ?? '0') : '<unknown>'}/${q(target.value ?? '0')}`);
        }
        break;
      }
      case 'Pods': {
        const c = cur?.pods?.current?.averageValue;
        list.push(`${cur?.pods ? q(c ?? '0') : '<unknown>'}/${q(spec.pods?.target?.averageValue ?? '0')}`);
        break;
      }
      case 'Resource':
      case 'ContainerResource': {
        const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
        const src = spec[key] ?? {};
        const target = src.target ?? {};
        if (target.averageValue !== undefined) {
          const c = cur?.[key] ? q(cur[key].current?.averageValue ?? '0') : '<unknown>';
          list.push(`${src.name}: ${c}/${q(target.averageValue)}`);
        } else {
          const u = cur?.[key]?.current?.averageUtilization;
          const c = typeof u === 'number' ? `${u}%` : '<unknown>';
          const t = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
          list.push(`${src.name}: ${c}/${t}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
  });
  const max = 2;
  if (list.length > max) return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
  return list.join(', ');
}

const horizontalPodAutoscaler = printer(
  [
    NAME,
    col('Reference', 'string', 'scaleTargetRef points to the target resource to scale.'),
    col('Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
    col('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
    col('MaxPods', 'string', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
    col('Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    AGE,
  ],
  (o, now) => [
    name(o),
    `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}`,
    hpaTargets(o.spec?.metrics, o.status?.currentMetrics),
    typeof o.spec?.minReplicas === 'number' ? String(o.spec.minReplicas) : '<unset>',
    int(o.spec?.maxReplicas),
    int(o.status?.currentReplicas),
    created(o, now),
  ],
);

function listWithMore(list: string[], count: number, max: number): string {
  const ret = list.slice(0, max).join(',');
  if (count > max) return `${ret} + ${count - max} more...`;
  return ret || '<unset>';
}

const endpointSlice = printer(
  [
    NAME,
    col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
    AGE,
  ],
  (o, now) => {
    const ports = (o.ports ?? []).map((p: any) => (typeof p?.port === 'number' ? String(p.port) : p?.name != null ? String(p.name) : '*'));
    const addrs = (o.endpoints ?? []).flatMap((e: any) => (e?.addresses ?? []).map(String));
    return [name(o), o.addressType ?? '', listWithMore(ports, ports.length, 3), listWithMore(addrs, addrs.length, 3), created(o, now)];
  },
);

// ---------------------------------------------------------------------------------------------
// rbac, coordination, storage, scheduling, admission, certificates

function subjectsText(subjects: any[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s?.kind === 'User') users.push(s.name);
    else if (s?.kind === 'Group') groups.push(s.name);
    else if (s?.kind === 'ServiceAccount') sas.push(s.namespace ? `${s.namespace}/${s.name}` : s.name);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

const roleBinding = printer(
  [
    NAME,
    col('Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
    AGE,
    col('Users', 'string', 'Users in the roleBinding', 1),
    col('Groups', 'string', 'Groups in the roleBinding', 1),
    col('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', 1),
  ],
  (o, now) => [name(o), `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, created(o, now), ...subjectsText(o.subjects)],
);

const lease = printer([NAME, col('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), AGE], (o, now) => [
  name(o),
  o.spec?.holderIdentity ?? '',
  created(o, now),
]);

const DEFAULT_CLASS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

const storageClass = printer(
  [
    NAME,
    col('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    col('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'),
    col('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
    col('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    AGE,
  ],
  (o, now) => {
    const isDefault = DEFAULT_CLASS.some((a) => o.metadata?.annotations?.[a] === 'true');
    return [
      isDefault ? `${name(o)} (default)` : name(o),
      o.provisioner ?? '',
      o.reclaimPolicy ?? 'Delete',
      o.volumeBindingMode ?? 'Immediate',
      o.allowVolumeExpansion === true,
      created(o, now),
    ];
  },
);

const csiDriver = printer(
  [
    NAME,
    col('AttachRequired', 'boolean', 'attachRequired indicates this CSI volume driver requires an attach operation.'),
    col('PodInfoOnMount', 'boolean', 'podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations.'),
    col('StorageCapacity', 'boolean', 'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider storage capacity.'),
    col('TokenRequests', 'string', 'tokenRequests indicates the CSI driver needs pods\' service account tokens it is mounting volume for.'),
    col('RequiresRepublish', 'boolean', 'requiresRepublish indicates the CSI driver wants NodePublishVolume being periodically called.'),
    col('Modes', 'string', 'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.'),
    AGE,
  ],
  (o, now) => {
    const s = o.spec ?? {};
    const modes = (s.volumeLifecycleModes ?? []).join(',') || '<none>';
    const tokens = Array.isArray(s.tokenRequests) ? s.tokenRequests.map((t: any) => t?.audience ?? '').join(',') : '<unset>';
    return [name(o), s.attachRequired ?? true, s.podInfoOnMount ?? false, s.storageCapacity ?? false, tokens, s.requiresRepublish ?? false, modes, created(o, now)];
  },
);

const csiNode = printer([NAME, col('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), AGE], (o, now) => [
  name(o),
  lengthOf(o.spec?.drivers),
  created(o, now),
]);

const volumeAttachment = printer(
  [
    NAME,
    { ...col('Attacher', 'string', 'attacher indicates the name of the volume driver that MUST handle this request.'), format: 'name' },
    col('PV', 'string', 'persistentVolumeName represents the name of the persistent volume to attach.'),
    col('Node', 'string', 'nodeName represents the node that the volume should be attached to.'),
    col('Attached', 'boolean', 'attached indicates the volume is successfully attached.'),
    AGE,
  ],
  (o, now) => [name(o), o.spec?.attacher ?? '', o.spec?.source?.persistentVolumeName ?? '', o.spec?.nodeName ?? '', o.status?.attached === true, created(o, now)],
);

const priorityClass = printer(
  [
    NAME,
    col('Value', 'integer', 'value represents the integer value of this priority class.'),
    col('Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'),
    AGE,
    col('PreemptionPolicy', 'string', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  (o, now) => [name(o), int(o.value), o.globalDefault === true, created(o, now), o.preemptionPolicy ?? ''],
);

const webhookConfiguration = printer(
  [NAME, col('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'), AGE],
  (o, now) => [name(o), lengthOf(o.webhooks), created(o, now)],
);

const validatingAdmissionPolicy = printer(
  [
    NAME,
    col('Validations', 'integer', 'Validations indicates the number of validation rules defined in this configuration'),
    col('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    AGE,
  ],
  (o, now) => {
    const pk = o.spec?.paramKind;
    return [name(o), lengthOf(o.spec?.validations), pk ? `${pk.apiVersion ?? ''}/${pk.kind ?? ''}` : '<unset>', created(o, now)];
  },
);

const validatingAdmissionPolicyBinding = printer(
  [
    NAME,
    col('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
    col('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
    AGE,
  ],
  (o, now) => {
    const pr = o.spec?.paramRef;
    let param = '<unset>';
    if (pr?.name) param = pr.namespace ? `${pr.namespace}/${pr.name}` : `*/${pr.name}`;
    else if (pr?.selector) {
      try {
        param = labelSelectorToString(labelSelectorFromObject(pr.selector));
      } catch {
        param = '<invalid>';
      }
    }
    return [name(o), o.spec?.policyName ?? '', param, created(o, now)];
  },
);

function csrCondition(o: KObject): string {
  const types = new Set((o.status?.conditions ?? []).map((c: any) => c?.type));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (o.status?.certificate) s += ',Issued';
  return s;
}

const certificateSigningRequest = printer(
  [
    NAME,
    AGE,
    col('SignerName', 'string', 'signerName indicates the requested signer.'),
    col('Requestor', 'string', 'username contains the name of the user that created the CertificateSigningRequest.'),
    col('RequestedDuration', 'string', 'expirationSeconds is the requested duration of validity of the issued certificate.'),
    col('Condition', 'string', 'conditions applied to the request.'),
  ],
  (o, now) => [
    name(o),
    created(o, now),
    o.spec?.signerName || '<none>',
    o.spec?.username ?? '',
    typeof o.spec?.expirationSeconds === 'number' ? humanDuration(o.spec.expirationSeconds * 1000) : '<none>',
    csrCondition(o),
  ],
);

/** Printers by `group/kind`. Kinds missing here get the default Name + Created At table. */
export const PRINTERS: Record<string, Printer> = {
  '/Namespace': namespace,
  '/ConfigMap': configMap,
  '/Secret': secret,
  '/ServiceAccount': serviceAccount,
  '/Service': service,
  '/Pod': pod,
  '/PodTemplate': podTemplate,
  '/Event': event,
  '/Endpoints': endpoints,
  '/ReplicationController': replicationController,
  '/PersistentVolumeClaim': pvc,
  '/PersistentVolume': pv,
  '/ResourceQuota': resourceQuota,
  'apps/Deployment': deployment,
  'apps/ReplicaSet': replicaSet,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'apps/ControllerRevision': controllerRevision,
  'batch/Job': job,
  'batch/CronJob': cronJob,
  'networking.k8s.io/Ingress': ingress,
  'networking.k8s.io/IngressClass': ingressClass,
  'networking.k8s.io/NetworkPolicy': networkPolicy,
  'policy/PodDisruptionBudget': podDisruptionBudget,
  'autoscaling/HorizontalPodAutoscaler': horizontalPodAutoscaler,
  'discovery.k8s.io/EndpointSlice': endpointSlice,
  'rbac.authorization.k8s.io/RoleBinding': roleBinding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': roleBinding,
  'coordination.k8s.io/Lease': lease,
  'storage.k8s.io/StorageClass': storageClass,
  'storage.k8s.io/CSIDriver': csiDriver,
  'storage.k8s.io/CSINode': csiNode,
  'storage.k8s.io/VolumeAttachment': volumeAttachment,
  'scheduling.k8s.io/PriorityClass': priorityClass,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': webhookConfiguration,
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': webhookConfiguration,
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': validatingAdmissionPolicy,
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': validatingAdmissionPolicyBinding,
  'certificates.k8s.io/CertificateSigningRequest': certificateSigningRequest,
};

/**
 * Upstream's default table convertor for built-ins without a printer: Name plus the raw RFC 3339
 * creation time (kubectl shows it verbatim).
 */
export const CREATED_AT_PRINTER: Printer = printer(
  [NAME, col('Created At', 'date', 'CreationTimestamp is a timestamp representing the server time when this object was created.')],
  (o) => [name(o), o.metadata?.creationTimestamp ?? null],
);

export function printerForKind(group: string, kind: string): Printer {
  return PRINTERS[`${group}/${kind}`] ?? CREATED_AT_PRINTER;
}
