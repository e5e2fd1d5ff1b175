import { describe, expect, it } from 'vitest';
import { errors, formatFieldError } from '../errors.js';
import type { KObject, ResourceDef, StrategyContext } from '../types.js';
import { builtinResources, secretDataDecodeError, validateName } from './index.js';
import { Ipam } from './ipam.js';
import { cronScheduleError } from './strategies/batch.js';
import { defaultPullPolicy, podQOS } from './strategies/pod.js';

const defs = builtinResources();
const def = (group: string, resource: string): ResourceDef =>
  defs.find((d) => d.group === group && d.resource === resource)!;
const ctx: StrategyContext = {
  now: new Date('2025-01-01T00:00:00Z'),
  ipam: new Ipam({ random: () => 0 }),
  newUid: () => 'uid',
};

/** What the server does around the strategy on create: system metadata, status reset, prepare. */
function create(d: ResourceDef, body: KObject, uid = '3f1c1f6e-0000-4000-8000-000000000001'): KObject {
  const obj = structuredClone(body);
  obj.metadata = {
    namespace: d.namespaced ? 'default' : undefined,
    ...obj.metadata,
    uid,
    creationTimestamp: '2025-01-01T00:00:00Z',
  };
  if (d.subresources?.status) obj.status = {};
  d.strategy?.prepareCreate?.(obj, ctx);
  return obj;
}

function update(d: ResourceDef, old: KObject, change: (o: KObject) => void): KObject {
  const obj = structuredClone(old);
  change(obj);
  if (d.subresources?.status) obj.status = structuredClone(old.status);
  d.strategy?.prepareUpdate?.(obj, old, ctx);
  return obj;
}

/** The field errors as upstream prints them (`field: Type: value: detail`). */
const problems = (d: ResourceDef, obj: KObject, old?: KObject): string[] =>
  (d.strategy?.validate?.(obj, old, ctx) ?? []).map(formatFieldError);

const container = { name: 'web', image: 'nginx:1.27' };

describe('Namespace', () => {
  const ns = def('', 'namespaces');
  it('adds the name label, the kubernetes finalizer and Active status on create', () => {
    const o = create(ns, { metadata: { name: 'team-a', labels: { owner: 'me' } } });
    expect(o.metadata!.labels).toEqual({ owner: 'me', 'kubernetes.io/metadata.name': 'team-a' });
    expect(o.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(o.status).toEqual({ phase: 'Active' });
    expect(problems(ns, o)).toEqual([]);
  });

  it('keeps the label in sync on update', () => {
    const o = create(ns, { metadata: { name: 'team-a' } });
    const next = update(ns, o, (x) => (x.metadata!.labels = { other: 'x' }));
    expect(next.metadata!.labels).toEqual({ other: 'x', 'kubernetes.io/metadata.name': 'team-a' });
  });

  it('rejects finalizers that are neither standard nor qualified', () => {
    const o = create(ns, { metadata: { name: 'x' }, spec: { finalizers: ['bogus', 'example.com/keep'] } });
    expect(problems(ns, o)).toEqual([
      'spec.finalizers[0]: Invalid value: "bogus": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
});

describe('Secret and ConfigMap', () => {
  const secret = def('', 'secrets');
  const cm = def('', 'configmaps');

  it('merges stringData into data as base64, drops it and defaults the type', () => {
    const o = create(secret, {
      metadata: { name: 's' },
      data: { a: 'YQ==' },
      stringData: { b: 'héllo', a: 'over' },
    });
    expect(o.data).toEqual({
      a: Buffer.from('over').toString('base64'),
      b: Buffer.from('héllo').toString('base64'),
    });
    expect(o.stringData).toBeUndefined();
    expect(o.type).toBe('Opaque');
    const next = update(secret, o, (x) => (x.stringData = { c: 'z' }));
    expect(Object.keys(next.data)).toEqual(['a', 'b', 'c']);
  });

  it('validates data keys and immutability', () => {
    const o = create(secret, { metadata: { name: 's' }, data: { 'bad key': 'YQ==' } });
    expect(problems(secret, o)).toEqual([
      "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    const frozen = create(secret, { metadata: { name: 's' }, immutable: true, data: { a: 'YQ==' } });
    const changed = update(secret, frozen, (x) => (x.stringData = { a: 'b' }));
    expect(problems(secret, changed, frozen)).toEqual([
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
    const retyped = update(
      secret,
      create(secret, { metadata: { name: 's' } }),
      (x) => (x.type = 'kubernetes.io/tls'),
    );
    expect(problems(secret, retyped, create(secret, { metadata: { name: 's' } }))).toContain(
      'type: Invalid value: "kubernetes.io/tls": field is immutable',
    );
  });

  it('checks the keys well-known secret types need', () => {
    const tls = create(secret, {
      metadata: { name: 't' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'YQ==' },
    });
    expect(problems(secret, tls)).toEqual(['data[tls.key]: Required value']);
  });

  it('reports data that is not base64', () => {
    expect(secretDataDecodeError({ data: { a: 'YQ==' } })).toBeUndefined();
    expect(secretDataDecodeError({ data: { a: 'not base64!' } })).toMatch(
      /^illegal base64 data at input byte/,
    );
  });

  it('validates ConfigMap keys, duplicates and immutability', () => {
    const o = create(cm, {
      metadata: { name: 'c' },
      data: { '..x': '1', dup: 'a' },
      binaryData: { dup: 'YQ==' },
    });
    expect(problems(cm, o)).toEqual([
      'data[..x]: Invalid value: "..x": must not start with \'..\'',
      'data[dup]: Invalid value: "dup": duplicate of key present in binaryData',
    ]);
    const frozen = create(cm, { metadata: { name: 'c' }, immutable: true, data: { a: '1' } });
    const thawed = update(cm, frozen, (x) => {
      x.immutable = false;
      x.data.a = '2';
    });
    expect(problems(cm, thawed, frozen)).toEqual([
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });
});

describe('Deployment and friends', () => {
  const deploy = def('apps', 'deployments');
  const body = (labels: Record<string, string>, selector?: unknown): KObject => ({
    metadata: { name: 'web' },
    spec: {
      ...(selector === undefined ? {} : { selector }),
      template: { metadata: { labels }, spec: { containers: [container] } },
    },
  });

  it('applies the Deployment and PodSpec defaults', () => {
    const o = create(deploy, body({ app: 'web' }, { matchLabels: { app: 'web' } }));
    expect(o.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(o.spec.template.spec).toEqual({
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: {},
        },
      ],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
    });
    expect(problems(deploy, o)).toEqual([]);
  });

  it('leaves Recreate deployments without rollingUpdate', () => {
    const o = create(deploy, {
      ...body({ app: 'web' }, { matchLabels: { app: 'web' } }),
      spec: {
        ...body({ app: 'web' }).spec,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'Recreate' },
      },
    });
    expect(o.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('rejects a selector that does not match the template labels, in upstream words', () => {
    const o = create(deploy, body({ app: 'x' }, { matchLabels: { app: 'y' } }));
    const err = errors.invalid('Deployment', 'apps', 'web', deploy.strategy!.validate!(o, undefined, ctx));
    expect(err.message).toBe(
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
    );
  });

  it('requires a selector', () => {
    const o = create(deploy, body({ app: 'web' }));
    expect(problems(deploy, o)).toEqual([
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it('reports selectors it cannot read (YAML `app: y` is a boolean)', () => {
    const o = create(deploy, body({ app: 'x' }, { matchLabels: { app: true } }));
    expect(problems(deploy, o)).toEqual([
      'spec.selector.matchLabels[app]: Invalid value: true: must be a string',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"true"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: invalid label selector',
    ]);
  });

  it('keeps the selector immutable', () => {
    const old = create(deploy, body({ app: 'web', v: '1' }, { matchLabels: { app: 'web' } }));
    const next = update(deploy, old, (x) => (x.spec.selector = { matchLabels: { v: '1' } }));
    expect(problems(deploy, next, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"v":"1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it('requires restartPolicy Always and valid containers', () => {
    const o = create(deploy, body({ app: 'web' }, { matchLabels: { app: 'web' } }));
    o.spec.template.spec.restartPolicy = 'Never';
    o.spec.template.spec.containers.push({ name: 'web' });
    expect(problems(deploy, o)).toEqual([
      'spec.template.spec.containers[1].name: Duplicate value: "web"',
      'spec.template.spec.containers[1].image: Required value',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it('defaults StatefulSets, including their claim templates', () => {
    const sts = def('apps', 'statefulsets');
    const o = create(sts, {
      metadata: { name: 'db' },
      spec: {
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [container] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
      },
    });
    expect(o.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect(o.spec.volumeClaimTemplates[0]).toMatchObject({
      spec: { volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    const explicit = create(sts, {
      metadata: { name: 'db' },
      spec: { updateStrategy: { type: 'RollingUpdate' } },
    });
    expect(explicit.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    const next = update(sts, o, (x) => (x.spec.serviceName = 'other'));
    expect(problems(sts, next, o)).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });

  it('defaults DaemonSets and ReplicationControllers', () => {
    const ds = create(def('apps', 'daemonsets'), body({ app: 'a' }, { matchLabels: { app: 'a' } }));
    expect(ds.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
    const rcDef = def('', 'replicationcontrollers');
    const rc = create(rcDef, {
      metadata: { name: 'rc' },
      spec: { template: { metadata: { labels: { app: 'a' } }, spec: { containers: [container] } } },
    });
    expect(rc.spec.selector).toEqual({ app: 'a' });
    expect(rc.metadata!.labels).toEqual({ app: 'a' });
    expect(rc.spec.replicas).toBe(1);
    expect(problems(rcDef, rc)).toEqual([]);
  });
});

describe('Job and CronJob', () => {
  const jobDef = def('batch', 'jobs');
  const uid = '3f1c1f6e-0000-4000-8000-00000000abcd';
  const job = (spec: Record<string, unknown> = {}): KObject => ({
    metadata: { name: 'pi' },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } },
      ...spec,
    },
  });

  it('defaults a Job and generates its selector and pod labels from the uid', () => {
    const o = create(jobDef, job(), uid);
    const labels = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': uid,
      'job-name': 'pi',
    };
    expect(o.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
    });
    expect(o.spec.template.metadata.labels).toEqual(labels);
    expect(o.metadata!.labels).toEqual(labels);
    expect(problems(jobDef, o)).toEqual([]);
  });

  it('defaults parallelism only when completions is set, and backoffLimit for per-index limits', () => {
    const o = create(
      jobDef,
      job({
        completions: 5,
        backoffLimitPerIndex: 1,
        completionMode: 'Indexed',
        podFailurePolicy: { rules: [] },
      }),
      uid,
    );
    expect(o.spec).toMatchObject({
      completions: 5,
      parallelism: 1,
      backoffLimit: 2147483647,
      podReplacementPolicy: 'Failed',
    });
  });

  it('respects manualSelector', () => {
    const o = create(jobDef, job({ manualSelector: true, selector: { matchLabels: { app: 'pi' } } }), uid);
    expect(o.spec.selector).toEqual({ matchLabels: { app: 'pi' } });
    expect(o.spec.template.metadata).toBeUndefined();
    expect(problems(jobDef, o)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`',
    ]);
  });

  it('requires restartPolicy OnFailure or Never', () => {
    const o = create(
      jobDef,
      {
        metadata: { name: 'pi' },
        spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } },
      },
      uid,
    );
    expect(problems(jobDef, o)).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
  });

  it('keeps the template immutable', () => {
    const old = create(jobDef, job(), uid);
    const next = update(jobDef, old, (x) => (x.spec.template.spec.containers[0].image = 'perl:2'));
    expect(problems(jobDef, next, old)).toEqual(['spec.template: Invalid value: field is immutable']);
    const same = update(jobDef, old, (x) => (x.metadata!.annotations = { a: 'b' }));
    expect(problems(jobDef, same, old)).toEqual([]);
  });

  it('defaults CronJobs and checks their schedule', () => {
    const cj = def('batch', 'cronjobs');
    const o = create(cj, {
      metadata: { name: 'backup' },
      spec: {
        schedule: '*/5 * * * *',
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [container] } } },
        },
      },
    });
    expect(o.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(o.spec.jobTemplate.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
    expect(o.spec.jobTemplate.spec.backoffLimit).toBeUndefined();
    expect(problems(cj, o)).toEqual([]);
    o.spec.schedule = 'every minute';
    o.spec.timeZone = 'Mars/Olympus';
    expect(problems(cj, o)).toEqual([
      'spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]',
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    ]);
  });

  it('parses cron schedules like the standard parser', () => {
    expect(cronScheduleError('0 3 * * 1-5')).toBeUndefined();
    expect(cronScheduleError('@hourly')).toBeUndefined();
    expect(cronScheduleError('@every 1h30m')).toBeUndefined();
    expect(cronScheduleError('0 0 * JAN,feb SUN')).toBeUndefined();
    expect(cronScheduleError('60 * * * *')).toBe('end of range (60) above maximum (59): 60');
    expect(cronScheduleError('@often')).toBe('unrecognized descriptor: @often');
    expect(cronScheduleError('a * * * *')).toBe(
      'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax',
    );
  });
});

describe('Pod', () => {
  const podDef = def('', 'pods');

  it('applies pod, container, probe and volume defaults and sets Pending status', () => {
    const o = create(podDef, {
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'a',
            image: 'nginx',
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: '1', memory: '1Gi' } },
            env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            livenessProbe: { httpGet: { port: 80 } },
          },
        ],
        volumes: [
          { name: 'v' },
          { name: 'c', configMap: { name: 'cfg' } },
          { name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
        ],
      },
    });
    const c = o.spec.containers[0];
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(c.resources.requests).toEqual({ cpu: '1', memory: '1Gi' });
    expect(c.env[0].valueFrom.fieldRef.apiVersion).toBe('v1');
    expect(c.livenessProbe).toEqual({
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(o.spec.volumes).toEqual([
      { name: 'v', emptyDir: {} },
      { name: 'c', configMap: { name: 'cfg', defaultMode: 420 } },
      {
        name: 't',
        projected: {
          sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }],
          defaultMode: 420,
        },
      },
    ]);
    expect(o.spec).toMatchObject({
      enableServiceLinks: true,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
    });
    expect(o.spec.tolerations).toHaveLength(2);
    expect(o.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });
    expect(problems(podDef, o)).toEqual([]);
  });

  it('chooses the pull policy from the image reference', () => {
    expect(defaultPullPolicy('nginx')).toBe('Always');
    expect(defaultPullPolicy('nginx:latest')).toBe('Always');
    expect(defaultPullPolicy('nginx:1.27')).toBe('IfNotPresent');
    expect(defaultPullPolicy('registry:5000/nginx')).toBe('Always');
    expect(defaultPullPolicy('nginx@sha256:abcd')).toBe('IfNotPresent');
    expect(defaultPullPolicy('registry:5000/nginx:1@sha256:abcd')).toBe('IfNotPresent');
  });

  it('computes the QoS class', () => {
    expect(podQOS({ containers: [{ name: 'a' }] })).toBe('BestEffort');
    expect(podQOS({ containers: [{ resources: { requests: { cpu: '100m' } } }] })).toBe('Burstable');
    expect(
      podQOS({
        containers: [
          {
            resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } },
          },
        ],
      }),
    ).toBe('Guaranteed');
  });

  it('mirrors serviceAccountName into the deprecated serviceAccount, as v1 conversion does', () => {
    const old = create(podDef, {
      metadata: { name: 'p' },
      spec: { serviceAccountName: 'builder', containers: [container] },
    });
    expect(old.spec).toMatchObject({ serviceAccountName: 'builder', serviceAccount: 'builder' });
    const put = update(podDef, old, (x) => delete x.spec.serviceAccount);
    expect(put.spec.serviceAccount).toBe('builder');
    expect(problems(podDef, put, old)).toEqual([]);
    const legacy = create(podDef, {
      metadata: { name: 'q' },
      spec: { serviceAccount: 'old', containers: [container] },
    });
    expect(legacy.spec).toMatchObject({ serviceAccountName: 'old', serviceAccount: 'old' });
  });

  it('forbids spec changes other than images on update', () => {
    const old = create(podDef, { metadata: { name: 'p' }, spec: { containers: [container] } });
    const image = update(podDef, old, (x) => (x.spec.containers[0].image = 'nginx:2'));
    expect(problems(podDef, image, old)).toEqual([]);
    const env = update(podDef, old, (x) => (x.spec.containers[0].env = [{ name: 'A', value: 'b' }]));
    expect(problems(podDef, env, old)[0]).toMatch(
      /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/,
    );
  });
});

describe('RBAC and others', () => {
  it("refuses to change a binding's roleRef", () => {
    const rb = def('rbac.authorization.k8s.io', 'rolebindings');
    const old = create(rb, {
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'default' }],
    });
    expect(problems(rb, old)).toEqual([]);
    const next = update(rb, old, (x) => (x.roleRef.name = 'other'));
    expect(problems(rb, next, old)).toEqual([
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef',
    ]);
    const crb = def('rbac.authorization.k8s.io', 'clusterrolebindings');
    const bad = create(crb, {
      metadata: { name: 'c' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    });
    expect(problems(crb, bad)).toEqual([
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    ]);
  });

  it('defaults PVCs, PVs, NetworkPolicies, HPAs, PriorityClasses and StorageClasses', () => {
    expect(create(def('', 'persistentvolumeclaims'), { metadata: { name: 'c' }, spec: {} })).toMatchObject({
      spec: { volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    expect(create(def('', 'persistentvolumes'), { metadata: { name: 'v' }, spec: {} })).toMatchObject({
      spec: { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    const np = create(def('networking.k8s.io', 'networkpolicies'), {
      metadata: { name: 'n' },
      spec: { egress: [{ ports: [{ port: 53 }] }] },
    });
    expect(np.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }],
    });
    const hpa = create(def('autoscaling', 'horizontalpodautoscalers'), {
      metadata: { name: 'h' },
      spec: { maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
    });
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(80);
    expect(hpa.spec.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
    expect(
      create(def('scheduling.k8s.io', 'priorityclasses'), { metadata: { name: 'p' }, value: 1 })
        .preemptionPolicy,
    ).toBe('PreemptLowerPriority');
    expect(
      create(def('storage.k8s.io', 'storageclasses'), { metadata: { name: 's' }, provisioner: 'x' }),
    ).toMatchObject({
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
  });

  it('requires an Ingress pathType', () => {
    const ing = def('networking.k8s.io', 'ingresses');
    const o = create(ing, {
      metadata: { name: 'i' },
      spec: {
        rules: [
          { http: { paths: [{ path: '/', backend: { service: { name: 's', port: { number: 80 } } } }] } },
        ],
      },
    });
    expect(problems(ing, o)).toEqual([
      'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    ]);
  });

  it('defaults webhook configurations', () => {
    const o = create(def('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'), {
      metadata: { name: 'w' },
      webhooks: [
        {
          name: 'a.example.com',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          clientConfig: { service: { name: 's', namespace: 'n' } },
          rules: [{ operations: ['CREATE'] }],
        },
      ],
    });
    expect(o.webhooks[0]).toMatchObject({
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
      reinvocationPolicy: 'Never',
      rules: [{ operations: ['CREATE'], scope: '*' }],
      clientConfig: { service: { port: 443 } },
    });
  });
});

describe('validateName', () => {
  it("uses each kind's upstream name rule and message", () => {
    expect(validateName(def('', 'configmaps'), 'ok.name-1')).toEqual([]);
    expect(validateName(def('', 'configmaps'), 'Bad_Name')).toEqual([
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(validateName(def('', 'namespaces'), 'a.b')).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(validateName(def('', 'services'), '1web')).toEqual([
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(validateName(def('rbac.authorization.k8s.io', 'clusterroles'), 'system:controller:Foo')).toEqual(
      [],
    );
    expect(validateName(def('rbac.authorization.k8s.io', 'roles'), 'a/b%c')).toEqual([
      "may not contain '/'",
      "may not contain '%'",
    ]);
    expect(validateName(def('rbac.authorization.k8s.io', 'roles'), '..')).toEqual(["may not be '..'"]);
    expect(validateName(def('batch', 'cronjobs'), 'x'.repeat(53))).toEqual([
      'must be no more than 52 characters',
    ]);
    expect(validateName(def('', 'namespaces'), 'x'.repeat(64))).toContain(
      'must be no more than 63 characters',
    );
    expect(validateName(def('authorization.k8s.io', 'selfsubjectaccessreviews'), '')).toEqual([]);
  });
});
