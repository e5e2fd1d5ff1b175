import { isDeepStrictEqual } from 'node:util';
import { fieldErr, type FieldError } from '../../errors.js';
import type { KObject, Strategy } from '../../types.js';
import { dns1123Label, portName } from '../names.js';
import { asArray, ensureObject, isObject, unset } from './common.js';

/**
 * PodSpec defaulting (pkg/apis/core/v1/defaults.go, apiserver-compat.md §15.3) and a first-order
 * PodSpec validation shared by Pods and every pod template. Pod-only defaults (requests from
 * limits, enableServiceLinks, host-network ports) and the status a new Pod gets live here too.
 */

// ---------------------------------------------------------------------------------------------
// defaults

/** `Always` for `:latest` or an image with neither tag nor digest, else `IfNotPresent`. */
export function defaultPullPolicy(image: unknown): 'Always' | 'IfNotPresent' {
  if (typeof image !== 'string' || !image) return 'IfNotPresent';
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tag = colon > lastSlash ? named.slice(colon + 1) : '';
  if (tag) return tag === 'latest' ? 'Always' : 'IfNotPresent';
  return at >= 0 ? 'IfNotPresent' : 'Always';
}

function defaultFieldRef(ref: any): void {
  if (isObject(ref) && unset(ref.apiVersion)) ref.apiVersion = 'v1';
}

function defaultHttpGet(h: any): void {
  if (!isObject(h)) return;
  if (unset(h.path)) h.path = '/';
  if (unset(h.scheme)) h.scheme = 'HTTP';
}

export function defaultProbe(p: any): void {
  if (!isObject(p)) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHttpGet(p.httpGet);
}

export function defaultContainer(c: any): void {
  if (!isObject(c)) return;
  if (unset(c.imagePullPolicy)) c.imagePullPolicy = defaultPullPolicy(c.image);
  if (unset(c.terminationMessagePath)) c.terminationMessagePath = '/dev/termination-log';
  if (unset(c.terminationMessagePolicy)) c.terminationMessagePolicy = 'File';
  // ResourceRequirements is a struct, so Go always serialises it.
  if (!isObject(c.resources)) c.resources = {};
  for (const port of asArray(c.ports)) if (isObject(port) && unset(port.protocol)) port.protocol = 'TCP';
  for (const env of asArray(c.env)) defaultFieldRef(env?.valueFrom?.fieldRef);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHttpGet(c.lifecycle?.postStart?.httpGet);
  defaultHttpGet(c.lifecycle?.preStop?.httpGet);
}

function defaultDownwardItems(items: unknown): void {
  for (const item of asArray(items)) defaultFieldRef(item?.fieldRef);
}

/** PersistentVolumeClaimSpec defaults (also inside ephemeral volumes and StatefulSet templates). */
export function defaultPvcSpec(spec: any): void {
  if (isObject(spec) && unset(spec.volumeMode)) spec.volumeMode = 'Filesystem';
}

export function defaultVolume(v: any): void {
  if (!isObject(v)) return;
  // A volume that names no source is an emptyDir.
  if (!Object.keys(v).some((k) => k !== 'name' && v[k] !== null && v[k] !== undefined)) v.emptyDir = {};
  for (const k of ['configMap', 'secret', 'downwardAPI', 'projected'])
    if (isObject(v[k]) && (v[k].defaultMode === undefined || v[k].defaultMode === null))
      v[k].defaultMode = 420;
  if (isObject(v.hostPath) && (v.hostPath.type === undefined || v.hostPath.type === null))
    v.hostPath.type = '';
  defaultDownwardItems(v.downwardAPI?.items);
  for (const src of asArray(v.projected?.sources)) {
    const token = src?.serviceAccountToken;
    if (isObject(token) && (token.expirationSeconds === undefined || token.expirationSeconds === null))
      token.expirationSeconds = 3600;
    defaultDownwardItems(src?.downwardAPI?.items);
  }
  defaultPvcSpec(v.ephemeral?.volumeClaimTemplate?.spec);
}

/** SetDefaults_PodSpec plus the nested container, probe and volume defaults. */
export function defaultPodSpec(spec: any): void {
  if (!isObject(spec)) return;
  if (unset(spec.dnsPolicy)) spec.dnsPolicy = 'ClusterFirst';
  if (unset(spec.restartPolicy)) spec.restartPolicy = 'Always';
  if (!isObject(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null)
    spec.terminationGracePeriodSeconds = 30;
  if (unset(spec.schedulerName)) spec.schedulerName = 'default-scheduler';
  // v1 conversion: the deprecated serviceAccount mirrors serviceAccountName (or fills it in).
  if (unset(spec.serviceAccountName) && !unset(spec.serviceAccount))
    spec.serviceAccountName = spec.serviceAccount;
  if (!unset(spec.serviceAccountName)) spec.serviceAccount = spec.serviceAccountName;
  for (const c of [
    ...asArray(spec.initContainers),
    ...asArray(spec.containers),
    ...asArray(spec.ephemeralContainers),
  ])
    defaultContainer(c);
  for (const v of asArray(spec.volumes)) defaultVolume(v);
}

/** Defaults of a PodTemplateSpec (`template` of workloads). */
export function defaultPodTemplate(template: any): void {
  if (isObject(template)) defaultPodSpec(template.spec);
}

/** SetDefaults_Pod: the defaults only a Pod gets, not a template. */
export function defaultPodOnly(spec: any): void {
  if (!isObject(spec)) return;
  for (const c of [...asArray(spec.containers), ...asArray(spec.initContainers)]) {
    const limits = c?.resources?.limits;
    if (!isObject(limits)) continue;
    const requests = ensureObject(c.resources, 'requests');
    for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null)
    spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const c of [...asArray(spec.containers), ...asArray(spec.initContainers)])
      for (const p of asArray(c?.ports)) if (isObject(p) && !p.hostPort) p.hostPort = p.containerPort;
  }
}

// ---------------------------------------------------------------------------------------------
// QoS class (the status a new Pod gets)

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A resource.Quantity as a number (enough to compare requests with limits). */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (Number.isNaN(base)) return undefined;
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? ''];
}

/** `ComputePodQOS` over cpu and memory. */
export function podQOS(spec: any): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const c of [...asArray(spec?.containers), ...asArray(spec?.initContainers)]) {
    const res = c?.resources ?? {};
    for (const k of ['cpu', 'memory']) {
      const r = quantityValue(res.requests?.[k]);
      if (r) add(requests, k, r);
      const l = quantityValue(res.limits?.[k]);
      if (l) add(limits, k, l);
    }
    if (!(quantityValue(res.limits?.cpu) && quantityValue(res.limits?.memory))) guaranteed = false;
  }
  if (!requests.size && !limits.size) return 'BestEffort';
  if (guaranteed) {
    for (const k of ['cpu', 'memory']) if (requests.get(k) !== limits.get(k)) guaranteed = false;
  }
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

// ---------------------------------------------------------------------------------------------
// validation

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

function portNumberErrors(field: string, v: unknown): FieldError[] {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535) return [];
  return [fieldErr.invalid(field, v ?? 0, 'must be between 1 and 65535, inclusive')];
}

function validateContainers(
  list: unknown,
  path: string,
  volumes: Set<string>,
  names: Set<string>,
): FieldError[] {
  const errs: FieldError[] = [];
  asArray(list).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(c)) return;
    if (unset(c.name)) errs.push(fieldErr.required(`${p}.name`));
    else {
      for (const m of dns1123Label(String(c.name))) errs.push(fieldErr.invalid(`${p}.name`, c.name, m));
      if (names.has(c.name)) errs.push(fieldErr.duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    if (unset(c.image)) errs.push(fieldErr.required(`${p}.image`));
    if (!unset(c.imagePullPolicy) && !PULL_POLICIES.includes(c.imagePullPolicy))
      errs.push(fieldErr.notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
    asArray(c.ports).forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      if (!port?.containerPort) errs.push(fieldErr.required(`${pp}.containerPort`));
      else errs.push(...portNumberErrors(`${pp}.containerPort`, port.containerPort));
      if (port?.hostPort) errs.push(...portNumberErrors(`${pp}.hostPort`, port.hostPort));
      if (!unset(port?.name))
        for (const m of portName(String(port.name))) errs.push(fieldErr.invalid(`${pp}.name`, port.name, m));
      if (!unset(port?.protocol) && !PROTOCOLS.includes(port.protocol))
        errs.push(fieldErr.notSupported(`${pp}.protocol`, port.protocol, PROTOCOLS));
    });
    asArray(c.env).forEach((e, j) => {
      if (unset(e?.name)) errs.push(fieldErr.required(`${p}.env[${j}].name`));
    });
    asArray(c.volumeMounts).forEach((m, j) => {
      const mp = `${p}.volumeMounts[${j}]`;
      if (unset(m?.name)) errs.push(fieldErr.required(`${mp}.name`));
      else if (!volumes.has(m.name)) errs.push(fieldErr.notFound(`${mp}.name`, m.name));
      if (unset(m?.mountPath)) errs.push(fieldErr.required(`${mp}.mountPath`));
    });
  });
  return errs;
}

/** First-order PodSpec validation (`ValidatePodSpec`), `path` being e.g. `spec.template.spec`. */
export function validatePodSpec(spec: any, path: string, claimTemplates: string[] = []): FieldError[] {
  if (!isObject(spec)) return [fieldErr.required(path)];
  const errs: FieldError[] = [];
  // A StatefulSet's volumeClaimTemplates provide volumes its containers may mount.
  const volumes = new Set<string>(claimTemplates);
  asArray(spec.volumes).forEach((v, i) => {
    const p = `${path}.volumes[${i}]`;
    if (unset(v?.name)) errs.push(fieldErr.required(`${p}.name`));
    else {
      for (const m of dns1123Label(String(v.name))) errs.push(fieldErr.invalid(`${p}.name`, v.name, m));
      if (volumes.has(v.name)) errs.push(fieldErr.duplicate(`${p}.name`, v.name));
      volumes.add(v.name);
    }
  });
  if (!asArray(spec.containers).length) errs.push(fieldErr.required(`${path}.containers`));
  const names = new Set<string>();
  errs.push(...validateContainers(spec.containers, `${path}.containers`, volumes, names));
  errs.push(...validateContainers(spec.initContainers, `${path}.initContainers`, volumes, names));
  if (!unset(spec.restartPolicy) && !RESTART_POLICIES.includes(spec.restartPolicy))
    errs.push(fieldErr.notSupported(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES));
  if (!unset(spec.dnsPolicy) && !DNS_POLICIES.includes(spec.dnsPolicy))
    errs.push(fieldErr.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  if (typeof spec.terminationGracePeriodSeconds === 'number' && spec.terminationGracePeriodSeconds < 0)
    errs.push(
      fieldErr.invalid(
        `${path}.terminationGracePeriodSeconds`,
        spec.terminationGracePeriodSeconds,
        'must be greater than or equal to 0',
      ),
    );
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds <= 0)
    errs.push(
      fieldErr.invalid(
        `${path}.activeDeadlineSeconds`,
        spec.activeDeadlineSeconds,
        'must be between 1 and 2147483647, inclusive',
      ),
    );
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Pod strategy

/** Priorities of the seeded system classes (upstream's Priority admission resolves them). */
const SYSTEM_PRIORITIES: Record<string, number> = {
  'system-cluster-critical': 2000000000,
  'system-node-critical': 2000001000,
};

/** Tolerations upstream's DefaultTolerationSeconds admission adds to every Pod. */
const DEFAULT_TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** Admission-time defaults that every Pod shows on a real cluster (service account, priority, tolerations). */
function admitPod(spec: any): void {
  if (unset(spec.serviceAccountName)) spec.serviceAccountName = spec.serviceAccount = 'default';
  const cls = spec.priorityClassName;
  if (unset(cls)) {
    if (spec.priority === undefined || spec.priority === null) spec.priority = 0;
    if (unset(spec.preemptionPolicy)) spec.preemptionPolicy = 'PreemptLowerPriority';
  } else if (cls in SYSTEM_PRIORITIES) {
    if (spec.priority === undefined || spec.priority === null) spec.priority = SYSTEM_PRIORITIES[cls];
    if (unset(spec.preemptionPolicy)) spec.preemptionPolicy = 'PreemptLowerPriority';
  }
  const tolerations: any[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const key of DEFAULT_TOLERATIONS) {
    const has = tolerations.some((t) => t?.key === key && (unset(t?.effect) || t.effect === 'NoExecute'));
    if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

/** The spec fields a Pod update may change (upstream's pod update rule, simplified). */
const MUTABLE_POD_FIELDS = [
  'activeDeadlineSeconds',
  'tolerations',
  'terminationGracePeriodSeconds',
  'schedulingGates',
];

function comparablePodSpec(spec: any): any {
  const c = structuredClone(spec ?? {});
  for (const k of MUTABLE_POD_FIELDS) delete c[k];
  for (const list of ['containers', 'initContainers'])
    for (const ctr of asArray(c[list])) if (isObject(ctr)) delete ctr.image;
  return c;
}

export function podDefaults(pod: KObject): void {
  pod.spec ??= {};
  defaultPodSpec(pod.spec);
  defaultPodOnly(pod.spec);
}

export const podStrategy: Strategy = {
  prepareCreate(obj) {
    podDefaults(obj);
    admitPod(obj.spec);
    obj.status = { phase: 'Pending', qosClass: podQOS(obj.spec) };
  },
  prepareUpdate(obj) {
    podDefaults(obj);
  },
  validate(obj, old) {
    const errs = validatePodSpec(obj.spec, 'spec');
    if (old && !isDeepStrictEqual(comparablePodSpec(obj.spec), comparablePodSpec(old.spec))) {
      errs.push(
        fieldErr.forbidden(
          'spec',
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        ),
      );
    }
    return errs;
  },
};

export const podTemplateStrategy: Strategy = {
  prepareCreate(obj) {
    defaultPodTemplate(obj.template);
  },
  prepareUpdate(obj) {
    defaultPodTemplate(obj.template);
  },
  validate(obj) {
    return validatePodSpec(obj.template?.spec, 'template.spec');
  },
};
