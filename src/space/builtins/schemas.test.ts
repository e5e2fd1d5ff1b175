import { describe, expect, it } from 'vitest';
import { findUnknownFields } from '../schema/prune.js';
import type { JSONSchemaProps } from '../schema/types.js';
import type { KObject, ResourceDef } from '../types.js';
import { builtinResources } from './index.js';

const defs = builtinResources();
const def = (group: string, kind: string): ResourceDef =>
  defs.find((d) => d.group === group && d.kind === kind)!;
const unknown = (group: string, obj: KObject) =>
  findUnknownFields(structuredClone(obj), def(group, obj.kind!).schema);

/** Follow property names (and `[]` for list items) down a schema. */
function at(schema: JSONSchemaProps | undefined, path: string): JSONSchemaProps {
  let s = schema;
  for (const part of path.split('.')) s = part === '[]' ? s?.items : s?.properties?.[part];
  if (!s) throw new Error(`no schema at ${path}`);
  return s;
}

const container = {
  name: 'web',
  image: 'nginx:1.27',
  imagePullPolicy: 'IfNotPresent',
  command: ['nginx'],
  args: ['-g', 'daemon off;'],
  ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
  env: [
    { name: 'MODE', value: 'prod' },
    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: false } } },
    {
      name: 'LIMIT',
      valueFrom: { resourceFieldRef: { containerName: 'web', resource: 'limits.memory', divisor: '1Mi' } },
    },
  ],
  envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'S_', secretRef: { name: 'sec' } }],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '256Mi' } },
  volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true, subPath: 'x' }],
  livenessProbe: {
    httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X', value: 'y' }] },
    initialDelaySeconds: 5,
    periodSeconds: 10,
  },
  readinessProbe: { tcpSocket: { port: 80 }, timeoutSeconds: 2 },
  startupProbe: { exec: { command: ['true'] }, failureThreshold: 30 },
  lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['sh', '-c', 'echo'] } } },
  securityContext: {
    runAsNonRoot: true,
    runAsUser: 1000,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};

const podSpec = {
  serviceAccountName: 'web',
  automountServiceAccountToken: false,
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  imagePullSecrets: [{ name: 'regcred' }],
  initContainers: [
    { name: 'init', image: 'busybox', command: ['sh', '-c', 'true'], restartPolicy: 'Always' },
  ],
  containers: [container],
  volumes: [
    { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
    { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a.txt' }], defaultMode: 420 } },
    { name: 'sec', secret: { secretName: 'sec', optional: true } },
    { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
    {
      name: 'token',
      projected: {
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3600, audience: 'api' } },
          { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        ],
      },
    },
    { name: 'legacy', awsElasticBlockStore: { volumeID: 'vol-1', fsType: 'ext4' } },
  ],
  securityContext: {
    fsGroup: 2000,
    runAsGroup: 3000,
    supplementalGroups: [4000],
    sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
  },
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 1, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } },
      ],
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: { app: 'web' } },
          },
        },
      ],
    },
  },
  tolerations: [
    { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule', tolerationSeconds: 60 },
  ],
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      topologyKey: 'zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { app: 'web' } },
    },
  ],
  hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local'] }],
  dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] },
  priorityClassName: 'high',
};

const template = {
  metadata: { labels: { app: 'web' }, annotations: { 'checksum/config': 'abc' } },
  spec: podSpec,
};
const meta = (name: string) => ({
  name,
  namespace: 'default',
  labels: { app: 'web' },
  annotations: { note: 'x' },
});

const manifests: Array<[string, KObject]> = [
  [
    'apps',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('web'),
      spec: {
        replicas: 3,
        selector: {
          matchLabels: { app: 'web' },
          matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }],
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: 600,
        minReadySeconds: 0,
        template,
      },
      status: {
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 3,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'ok',
            lastUpdateTime: '2025-01-01T00:00:00Z',
            lastTransitionTime: '2025-01-01T00:00:00Z',
          },
        ],
      },
    },
  ],
  [
    '',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('web'),
      spec: {
        type: 'LoadBalancer',
        selector: { app: 'web' },
        ports: [
          {
            name: 'http',
            port: 80,
            targetPort: 'http',
            protocol: 'TCP',
            nodePort: 30080,
            appProtocol: 'http',
          },
        ],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        externalTrafficPolicy: 'Local',
        loadBalancerSourceRanges: ['10.0.0.0/8'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
      },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4', ipMode: 'VIP' }] } },
    },
  ],
  [
    'batch',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('migrate'),
      spec: {
        backoffLimit: 2,
        ttlSecondsAfterFinished: 100,
        completions: 3,
        parallelism: 2,
        completionMode: 'Indexed',
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'migrate:1' }] } },
      },
    },
  ],
  [
    'batch',
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta('backup'),
      spec: {
        schedule: '0 3 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 200,
        successfulJobsHistoryLimit: 1,
        jobTemplate: {
          metadata: { labels: { job: 'backup' } },
          spec: {
            activeDeadlineSeconds: 3600,
            template: {
              spec: { restartPolicy: 'OnFailure', containers: [{ name: 'b', image: 'backup:2' }] },
            },
          },
        },
      },
    },
  ],
  [
    'apps',
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('db'),
      spec: {
        serviceName: 'db',
        replicas: 1,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: 'db' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image: 'postgres:16' }] },
        },
        volumeClaimTemplates: [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: 'fast',
              resources: { requests: { storage: '10Gi' } },
            },
          },
        ],
      },
    },
  ],
  ['', { apiVersion: 'v1', kind: 'Pod', metadata: meta('web-0'), spec: podSpec }],
  [
    '',
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('cfg'),
      data: { 'app.conf': 'x=1' },
      binaryData: { blob: 'AAE=' },
      immutable: false,
    },
  ],
  [
    '',
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta('sec'),
      type: 'Opaque',
      data: { password: 'cGFzcw==' },
      stringData: { user: 'admin' },
    },
  ],
  [
    'networking.k8s.io',
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta('web'),
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['web.example.com'], secretName: 'tls' }],
        defaultBackend: { service: { name: 'web', port: { number: 80 } } },
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
    },
  ],
];

describe('built-in schemas', () => {
  it.each(manifests.map(([g, o]) => [o.kind, g, o] as const))(
    'accept a realistic %s with no unknown fields',
    (_kind, group, obj) => {
      expect(unknown(group, obj)).toEqual([]);
    },
  );

  it('detect unknown fields at any depth', () => {
    const dep = structuredClone(manifests[0][1]);
    dep.spec.foo = 1;
    dep.spec.template.spec.containers[0].bar = true;
    dep.spec.template.metadata.baz = 'x';
    expect(unknown('apps', dep).sort()).toEqual([
      'spec.foo',
      'spec.template.metadata.baz',
      'spec.template.spec.containers[0].bar',
    ]);
  });

  it('keep whatever the preserve-unknown subtrees hold', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'widgets', kind: 'Widget' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
              },
            },
            subresources: { status: {} },
          },
        ],
      },
    };
    expect(unknown('apiextensions.k8s.io', crd)).toEqual([]);
  });

  it('carry the strategic-merge keys of §6.1', () => {
    const pod = def('', 'Pod').schema;
    expect(at(pod, 'spec.containers')).toMatchObject({
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    expect(at(pod, 'spec.volumes')['x-kubernetes-patch-strategy']).toBe('merge,retainKeys');
    expect(at(pod, 'spec.containers.[].ports')['x-kubernetes-patch-merge-key']).toBe('containerPort');
    expect(at(pod, 'spec.containers.[].volumeMounts')['x-kubernetes-patch-merge-key']).toBe('mountPath');
    expect(at(pod, 'spec.tolerations')['x-kubernetes-patch-merge-key']).toBeUndefined();
    expect(at(pod, 'metadata.finalizers')).toMatchObject({
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'set',
    });
    expect(at(pod, 'metadata.ownerReferences')['x-kubernetes-patch-merge-key']).toBe('uid');
    expect(at(def('', 'Service').schema, 'spec.ports')['x-kubernetes-patch-merge-key']).toBe('port');
    expect(at(def('apps', 'Deployment').schema, 'spec.strategy')['x-kubernetes-patch-strategy']).toBe(
      'retainKeys',
    );
    expect(
      at(def('apps', 'Deployment').schema, 'spec.template.spec.containers.[].env')[
        'x-kubernetes-patch-merge-key'
      ],
    ).toBe('name');
    expect(
      at(def('batch', 'CronJob').schema, 'spec.jobTemplate.spec.template.spec.containers')[
        'x-kubernetes-patch-merge-key'
      ],
    ).toBe('name');
    expect(
      at(def('policy', 'PodDisruptionBudget').schema, 'spec.selector')['x-kubernetes-patch-strategy'],
    ).toBe('replace');
    expect(at(def('', 'ServiceAccount').schema, 'secrets')['x-kubernetes-patch-merge-key']).toBe('name');
    expect(
      at(def('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration').schema, 'webhooks')[
        'x-kubernetes-patch-merge-key'
      ],
    ).toBe('name');
    expect(
      at(def('rbac.authorization.k8s.io', 'Role').schema, 'rules')['x-kubernetes-patch-merge-key'],
    ).toBeUndefined();
  });

  it('carry the server-side-apply list types of §7.3', () => {
    const pod = def('', 'Pod').schema;
    expect(at(pod, 'spec.containers.[].ports')).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    });
    expect(at(pod, 'spec.containers.[].ports.[].protocol').default).toBe('TCP');
    expect(at(def('', 'Service').schema, 'spec.ports')['x-kubernetes-list-map-keys']).toEqual([
      'port',
      'protocol',
    ]);
    expect(at(def('', 'Service').schema, 'spec.ports.[].protocol').default).toBe('TCP');
    expect(at(pod, 'spec.topologySpreadConstraints')['x-kubernetes-list-map-keys']).toEqual([
      'topologyKey',
      'whenUnsatisfiable',
    ]);
    expect(at(pod, 'spec.tolerations')['x-kubernetes-list-type']).toBe('atomic');
    expect(at(pod, 'spec.containers.[].args')['x-kubernetes-list-type']).toBe('atomic');
    expect(at(pod, 'spec.containers.[].resources.claims')['x-kubernetes-list-map-keys']).toEqual(['name']);
    expect(at(pod, 'spec.containers.[].resources.claims')['x-kubernetes-patch-merge-key']).toBeUndefined();
    expect(at(pod, 'status.hostIPs')).toMatchObject({
      'x-kubernetes-list-type': 'atomic',
      'x-kubernetes-patch-merge-key': 'ip',
    });
    expect(at(def('batch', 'Job').schema, 'status.conditions')).toMatchObject({
      'x-kubernetes-list-type': 'atomic',
      'x-kubernetes-patch-merge-key': 'type',
    });
    expect(at(def('apps', 'Deployment').schema, 'status.conditions')['x-kubernetes-list-map-keys']).toEqual([
      'type',
    ]);
    expect(at(def('', 'Namespace').schema, 'spec.finalizers')['x-kubernetes-list-type']).toBe('atomic');
    expect(
      at(def('apiextensions.k8s.io', 'CustomResourceDefinition').schema, 'spec.versions')[
        'x-kubernetes-list-type'
      ],
    ).toBe('atomic');
    expect(at(pod, 'spec.nodeSelector')['x-kubernetes-map-type']).toBe('atomic');
    expect(
      at(pod, 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution')[
        'x-kubernetes-map-type'
      ],
    ).toBe('atomic');
    expect(at(def('apps', 'Deployment').schema, 'spec.selector')['x-kubernetes-map-type']).toBe('atomic');
  });

  it('mark time fields for the printer', () => {
    expect(at(def('apps', 'Deployment').schema, 'metadata.creationTimestamp')).toEqual({
      type: 'string',
      format: 'date-time',
      'x-kstellar-time': true,
    });
    expect(at(def('coordination.k8s.io', 'Lease').schema, 'spec.renewTime')['x-kstellar-time']).toBe(true);
    expect(at(def('batch', 'CronJob').schema, 'status.lastScheduleTime')['x-kstellar-time']).toBe(true);
  });

  it('contain no cycles (they are served as OpenAPI)', () => {
    for (const d of defs) expect(() => JSON.stringify(d.schema)).not.toThrow();
  });
});
