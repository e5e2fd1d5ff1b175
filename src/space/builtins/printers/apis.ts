import type { KObject } from '../../types.js';
import { humanDuration } from '../../humanize.js';
import { formatLabelSelector, lengthOf } from '../format.js';
import { labelSelectorFromObject, labelSelectorToString } from '../../selectors.js';
import { AGE, NAME, col, created, int, lbIngressText, name, printer } from './common.js';

/** Printers of the other built-in groups. */

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

export const ingress = printer(
  [
    NAME,
    col(
      'Class',
      'string',
      'The name of the IngressClass resource that should be used for additional configuration',
    ),
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

export const ingressClass = printer(
  [
    NAME,
    col('Controller', 'string', 'Controller that is responsible for handling this class'),
    col('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE,
  ],
  (o, now) => {
    const p = o.spec?.parameters;
    let params = '<none>';
    if (p)
      params = `${p.kind ?? ''}${p.apiGroup !== undefined && p.apiGroup !== null ? `.${p.apiGroup}` : ''}/${p.name ?? ''}`;
    return [name(o), o.spec?.controller ?? '', params, created(o, now)];
  },
);

export const networkPolicy = printer(
  [NAME, col('Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies.'), AGE],
  (o, now) => [name(o), formatLabelSelector(o.spec?.podSelector ?? {}), created(o, now)],
);

const intOrStringText = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));

export const podDisruptionBudget = printer(
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
          const t =
            typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
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

export const horizontalPodAutoscaler = printer(
  [
    NAME,
    col('Reference', 'string', 'scaleTargetRef points to the target resource to scale.'),
    col(
      'Targets',
      'string',
      'metrics contains the specifications for which to use to calculate the desired replica count.',
    ),
    col(
      'MinPods',
      'string',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
    ),
    col(
      'MaxPods',
      'string',
      'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.',
    ),
    col(
      'Replicas',
      'string',
      'currentReplicas is current number of replicas of pods managed by this autoscaler.',
    ),
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

export const endpointSlice = printer(
  [
    NAME,
    col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col(
      'Ports',
      'string',
      'ports specifies the list of network ports exposed by each endpoint in this slice.',
    ),
    col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
    AGE,
  ],
  (o, now) => {
    const ports = (o.ports ?? []).map((p: any) =>
      typeof p?.port === 'number' ? String(p.port) : p?.name != null ? String(p.name) : '*',
    );
    const addrs = (o.endpoints ?? []).flatMap((e: any) => (e?.addresses ?? []).map(String));
    return [
      name(o),
      o.addressType ?? '',
      listWithMore(ports, ports.length, 3),
      listWithMore(addrs, addrs.length, 3),
      created(o, now),
    ];
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

export const roleBinding = printer(
  [
    NAME,
    col(
      'Role',
      'string',
      'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.',
    ),
    AGE,
    col('Users', 'string', 'Users in the roleBinding', 1),
    col('Groups', 'string', 'Groups in the roleBinding', 1),
    col('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', 1),
  ],
  (o, now) => [
    name(o),
    `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`,
    created(o, now),
    ...subjectsText(o.subjects),
  ],
);

export const lease = printer(
  [
    NAME,
    col('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'),
    AGE,
  ],
  (o, now) => [name(o), o.spec?.holderIdentity ?? '', created(o, now)],
);

const DEFAULT_CLASS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

export const storageClass = printer(
  [
    NAME,
    col('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    col(
      'ReclaimPolicy',
      'string',
      'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.',
    ),
    col(
      'VolumeBindingMode',
      'string',
      'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.',
    ),
    col(
      'AllowVolumeExpansion',
      'string',
      'allowVolumeExpansion shows whether the storage class allow volume expand.',
    ),
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

export const csiDriver = printer(
  [
    NAME,
    col(
      'AttachRequired',
      'boolean',
      'attachRequired indicates this CSI volume driver requires an attach operation.',
    ),
    col(
      'PodInfoOnMount',
      'boolean',
      'podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations.',
    ),
    col(
      'StorageCapacity',
      'boolean',
      'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider storage capacity.',
    ),
    col(
      'TokenRequests',
      'string',
      "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for.",
    ),
    col(
      'RequiresRepublish',
      'boolean',
      'requiresRepublish indicates the CSI driver wants NodePublishVolume being periodically called.',
    ),
    col(
      'Modes',
      'string',
      'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.',
    ),
    AGE,
  ],
  (o, now) => {
    const s = o.spec ?? {};
    const modes = (s.volumeLifecycleModes ?? []).join(',') || '<none>';
    const tokens = Array.isArray(s.tokenRequests)
      ? s.tokenRequests.map((t: any) => t?.audience ?? '').join(',')
      : '<unset>';
    return [
      name(o),
      s.attachRequired ?? true,
      s.podInfoOnMount ?? false,
      s.storageCapacity ?? false,
      tokens,
      s.requiresRepublish ?? false,
      modes,
      created(o, now),
    ];
  },
);

export const csiNode = printer(
  [
    NAME,
    col('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'),
    AGE,
  ],
  (o, now) => [name(o), lengthOf(o.spec?.drivers), created(o, now)],
);

export const volumeAttachment = printer(
  [
    NAME,
    {
      ...col(
        'Attacher',
        'string',
        'attacher indicates the name of the volume driver that MUST handle this request.',
      ),
      format: 'name',
    },
    col('PV', 'string', 'persistentVolumeName represents the name of the persistent volume to attach.'),
    col('Node', 'string', 'nodeName represents the node that the volume should be attached to.'),
    col('Attached', 'boolean', 'attached indicates the volume is successfully attached.'),
    AGE,
  ],
  (o, now) => [
    name(o),
    o.spec?.attacher ?? '',
    o.spec?.source?.persistentVolumeName ?? '',
    o.spec?.nodeName ?? '',
    o.status?.attached === true,
    created(o, now),
  ],
);

export const priorityClass = printer(
  [
    NAME,
    col('Value', 'integer', 'value represents the integer value of this priority class.'),
    col(
      'Global-Default',
      'boolean',
      'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.',
    ),
    AGE,
    col(
      'PreemptionPolicy',
      'string',
      'preemptionPolicy is the Policy for preempting pods with lower priority.',
    ),
  ],
  (o, now) => [name(o), int(o.value), o.globalDefault === true, created(o, now), o.preemptionPolicy ?? ''],
);

export const webhookConfiguration = printer(
  [
    NAME,
    col('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'),
    AGE,
  ],
  (o, now) => [name(o), lengthOf(o.webhooks), created(o, now)],
);

export const validatingAdmissionPolicy = printer(
  [
    NAME,
    col(
      'Validations',
      'integer',
      'Validations indicates the number of validation rules defined in this configuration',
    ),
    col('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    AGE,
  ],
  (o, now) => {
    const pk = o.spec?.paramKind;
    return [
      name(o),
      lengthOf(o.spec?.validations),
      pk ? `${pk.apiVersion ?? ''}/${pk.kind ?? ''}` : '<unset>',
      created(o, now),
    ];
  },
);

export const validatingAdmissionPolicyBinding = printer(
  [
    NAME,
    col(
      'PolicyName',
      'string',
      'PolicyName indicates the policy definition which the policy binding binded to',
    ),
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

export const certificateSigningRequest = printer(
  [
    NAME,
    AGE,
    col('SignerName', 'string', 'signerName indicates the requested signer.'),
    col(
      'Requestor',
      'string',
      'username contains the name of the user that created the CertificateSigningRequest.',
    ),
    col(
      'RequestedDuration',
      'string',
      'expirationSeconds is the requested duration of validity of the issued certificate.',
    ),
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
