import type { KObject, Printer } from '../../types.js';
import { age, humanDuration } from '../../humanize.js';
import { formatLabels, formatLabelSelector, lengthOf } from '../format.js';
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
  lbIngressText,
  name,
  printer,
} from './common.js';

/** core/v1 printers. */

export const namespace = printer(
  [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
  (o, now) => [name(o), o.status?.phase ?? '', created(o, now)],
);

export const configMap = printer(
  [NAME, col('Data', 'string', 'Data contains the configuration data.'), AGE],
  (o, now) => [name(o), lengthOf(o.data) + lengthOf(o.binaryData), created(o, now)],
);

export const secret = printer(
  [
    NAME,
    col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    col('Data', 'string', 'Data contains the secret data.'),
    AGE,
  ],
  (o, now) => [name(o), o.type ?? '', lengthOf(o.data), created(o, now)],
);

export const serviceAccount = printer(
  [NAME, col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace.'), AGE],
  (o, now) => [name(o), lengthOf(o.secrets), created(o, now)],
);

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
    .map((p) =>
      p?.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p?.port}/${p?.protocol ?? ''}`,
    )
    .join(',');
  return s || '<none>';
}

export const service = printer(
  [
    NAME,
    col('Type', 'string', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'string', 'clusterIP is the IP address of the service.'),
    col(
      'External-IP',
      'string',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    AGE,
    col(
      'Selector',
      'string',
      'Route service traffic to pods with label keys and values matching this selector.',
      1,
    ),
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
      reason = term.reason
        ? `Init:${term.reason}`
        : term.signal
          ? `Init:Signal:${term.signal}`
          : `Init:ExitCode:${int(term.exitCode)}`;
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
    if (reason === 'Completed' && hasRunning)
      reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
  }
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (o.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (o.metadata?.deletionTimestamp && !terminal) reason = 'Terminating';

  let restartText = String(restarts);
  if (restarts !== 0 && lastRestart > 0)
    restartText = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;

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

export const pod = printer(
  [
    NAME,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE,
    col('IP', 'string', 'IP address allocated to the pod.', 1),
    col('Node', 'string', 'NodeName is the node the pod is scheduled onto.', 1),
    col('Nominated Node', 'string', 'The node the scheduler nominated for this pod.', 1),
    col('Readiness Gates', 'string', 'Readiness gates that are true, out of all gates.', 1),
  ],
  podRow,
);

export const podTemplate = printer(
  [
    NAME,
    col('Containers', 'string', 'Names of each container in the template.'),
    col('Images', 'string', 'Images referenced by each container in the template.'),
    col('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  (o) => [
    name(o),
    ...containerCells(o.template?.spec?.containers),
    formatLabels(o.template?.metadata?.labels),
  ],
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
  return [
    last,
    o.type ?? '',
    o.reason ?? '',
    target,
    inv.fieldPath ?? '',
    source,
    String(o.message ?? '').trim(),
    first,
    count,
    name(o),
  ];
}

export const event = printer(
  [
    col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning).'),
    col(
      'Reason',
      'string',
      "A short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
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

/** events.k8s.io/v1 Events print like core ones (upstream converts both to the same internal type). */
export const eventsV1Event: Printer = {
  columns: event.columns,
  row: (o, now) =>
    eventRow(
      {
        metadata: o.metadata,
        involvedObject: o.regarding,
        reason: o.reason,
        message: o.note,
        type: o.type,
        source: o.deprecatedSource,
        firstTimestamp: o.deprecatedFirstTimestamp,
        lastTimestamp: o.deprecatedLastTimestamp,
        count: o.deprecatedCount,
        eventTime: o.eventTime,
        series: o.series,
        reportingComponent: o.reportingController,
        reportingInstance: o.reportingInstance,
      },
      now,
    ),
};

export const endpoints = printer(
  [NAME, col('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'), AGE],
  (o, now) => [name(o), formatEndpoints(o.subsets), created(o, now)],
);

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

export const replicationController = replicaCountsPrinter((o) => formatLabels(o.spec?.selector));
export const replicaSet = replicaCountsPrinter((o) => formatLabelSelector(o.spec?.selector));

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
const storageClassOf = (o: KObject): string =>
  o.metadata?.annotations?.[BETA_STORAGE_CLASS] ?? o.spec?.storageClassName ?? '';

export const pvc = printer(
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

export const pv = printer(
  [
    NAME,
    col(
      'Capacity',
      'string',
      "capacity is the description of the persistent volume's resources and capacity.",
    ),
    col('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
    col(
      'Reclaim Policy',
      'string',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
    ),
    col(
      'Status',
      'string',
      'phase indicates if a volume is available, bound to a claim, or released by a claim.',
    ),
    col(
      'Claim',
      'string',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.',
    ),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', 'reason is a brief CamelCase string that describes any failure.'),
    AGE,
    col(
      'VolumeMode',
      'string',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
      1,
    ),
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
export const resourceQuota = printer(
  [
    NAME,
    col(
      'Request',
      'string',
      'Request represents a minimum amount of cpu/memory that a container may consume.',
    ),
    col(
      'Limit',
      'string',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
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
