import { describe, expect, it } from 'vitest';
import type { KObject, Printer } from '../types.js';
import { builtinResources } from './index.js';

const now = new Date('2025-01-01T12:00:00Z');
const created = { creationTimestamp: '2025-01-01T11:55:00Z' }; // 5m before `now`

const printer = (group: string, kind: string): Printer =>
  builtinResources().find((d) => d.group === group && d.kind === kind)!.printer!;
const columns = (group: string, kind: string) =>
  printer(group, kind).columns.map((c) => (c.priority ? `${c.name}*` : c.name));
const row = (group: string, kind: string, obj: KObject) => printer(group, kind).row(obj, now);

describe('printer columns', () => {
  it('match upstream for the common kinds (* = wide)', () => {
    expect(columns('', 'Namespace')).toEqual(['Name', 'Status', 'Age']);
    expect(columns('', 'Secret')).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(columns('', 'Service')).toEqual([
      'Name',
      'Type',
      'Cluster-IP',
      'External-IP',
      'Port(s)',
      'Age',
      'Selector*',
    ]);
    expect(columns('apps', 'Deployment')).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
      'Containers*',
      'Images*',
      'Selector*',
    ]);
    expect(columns('apps', 'StatefulSet')).toEqual(['Name', 'Ready', 'Age', 'Containers*', 'Images*']);
    expect(columns('batch', 'CronJob')).toEqual([
      'Name',
      'Schedule',
      'Timezone',
      'Suspend',
      'Active',
      'Last Schedule',
      'Age',
      'Containers*',
      'Images*',
      'Selector*',
    ]);
    expect(columns('', 'Pod')).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
      'IP*',
      'Node*',
      'Nominated Node*',
      'Readiness Gates*',
    ]);
    expect(columns('', 'Event')).toEqual([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Subobject*',
      'Source*',
      'Message',
      'First Seen*',
      'Count*',
      'Name*',
    ]);
    expect(columns('', 'PersistentVolumeClaim')).toEqual([
      'Name',
      'Status',
      'Volume',
      'Capacity',
      'Access Modes',
      'StorageClass',
      'VolumeAttributesClass',
      'Age',
      'VolumeMode*',
    ]);
    expect(columns('rbac.authorization.k8s.io', 'ClusterRoleBinding')).toEqual([
      'Name',
      'Role',
      'Age',
      'Users*',
      'Groups*',
      'ServiceAccounts*',
    ]);
    expect(columns('rbac.authorization.k8s.io', 'Role')).toEqual(['Name', 'Created At']);
    expect(printer('rbac.authorization.k8s.io', 'Role').columns[1].type).toBe('date');
    expect(printer('', 'Pod').columns[0]).toMatchObject({ name: 'Name', type: 'string', format: 'name' });
  });
});

describe('printer rows', () => {
  it('Namespace, ConfigMap, Secret, ServiceAccount', () => {
    expect(
      row('', 'Namespace', { metadata: { name: 'default', ...created }, status: { phase: 'Active' } }),
    ).toEqual(['default', 'Active', '5m']);
    expect(
      row('', 'ConfigMap', {
        metadata: { name: 'c', ...created },
        data: { a: '1' },
        binaryData: { b: 'AA==' },
      }),
    ).toEqual(['c', 2, '5m']);
    expect(
      row('', 'Secret', { metadata: { name: 's', ...created }, type: 'Opaque', data: { a: 'YQ==' } }),
    ).toEqual(['s', 'Opaque', 1, '5m']);
    expect(row('', 'ServiceAccount', { metadata: { name: 'default', ...created } })).toEqual([
      'default',
      0,
      '5m',
    ]);
  });

  it('Service', () => {
    const base = { metadata: { name: 'web', ...created } };
    expect(
      row('', 'Service', {
        ...base,
        spec: {
          type: 'ClusterIP',
          clusterIPs: ['10.96.0.2'],
          ports: [{ port: 80, protocol: 'TCP' }],
          selector: { app: 'web' },
        },
      }),
    ).toEqual(['web', 'ClusterIP', '10.96.0.2', '<none>', '80/TCP', '5m', 'app=web']);
    expect(
      row('', 'Service', {
        ...base,
        spec: {
          type: 'NodePort',
          clusterIPs: ['10.96.0.3'],
          ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
        },
      }),
    ).toEqual(['web', 'NodePort', '10.96.0.3', '<none>', '80:30080/TCP', '5m', '<none>']);
    expect(
      row('', 'Service', {
        ...base,
        spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.4'], ports: [] },
        status: { loadBalancer: {} },
      })[3],
    ).toBe('<pending>');
    expect(
      row('', 'Service', { ...base, spec: { type: 'ExternalName', externalName: 'db.example.com' } }).slice(
        1,
        5,
      ),
    ).toEqual(['ExternalName', '<none>', 'db.example.com', '<none>']);
  });

  it('Deployment, ReplicaSet, StatefulSet, DaemonSet', () => {
    const template = {
      spec: {
        containers: [
          { name: 'a', image: 'nginx:1' },
          { name: 'b', image: 'busybox' },
        ],
      },
    };
    expect(
      row('apps', 'Deployment', {
        metadata: { name: 'web', ...created },
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
        status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      }),
    ).toEqual(['web', '2/3', 3, 2, '5m', 'a,b', 'nginx:1,busybox', 'app=web']);
    expect(
      row('apps', 'Deployment', {
        metadata: { name: 'new', ...created },
        spec: { replicas: 1, template },
        status: {},
      }).slice(1, 4),
    ).toEqual(['0/1', 0, 0]);
    expect(
      row('apps', 'ReplicaSet', {
        metadata: { name: 'rs', ...created },
        spec: { replicas: 2, template },
        status: { replicas: 2, readyReplicas: 1 },
      }),
    ).toEqual(['rs', 2, 2, 1, '5m', 'a,b', 'nginx:1,busybox', '<none>']);
    expect(
      row('apps', 'StatefulSet', {
        metadata: { name: 'db', ...created },
        spec: { replicas: 1, template },
        status: {},
      }),
    ).toEqual(['db', '0/1', '5m', 'a,b', 'nginx:1,busybox']);
    expect(
      row('apps', 'DaemonSet', {
        metadata: { name: 'ds', ...created },
        spec: {
          selector: { matchLabels: { app: 'ds' } },
          template: { spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } },
        },
        status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1 },
      }),
    ).toEqual(['ds', 2, 2, 1, 0, 0, 'kubernetes.io/os=linux', '5m', 'a,b', 'nginx:1,busybox', 'app=ds']);
  });

  it('Job and CronJob', () => {
    const template = { spec: { containers: [{ name: 'pi', image: 'perl' }] } };
    const selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } };
    expect(
      row('batch', 'Job', {
        metadata: { name: 'pi', ...created },
        spec: { completions: 1, parallelism: 1, selector, template },
        status: {
          succeeded: 1,
          startTime: '2025-01-01T11:55:00Z',
          completionTime: '2025-01-01T11:55:42Z',
          conditions: [{ type: 'Complete', status: 'True' }],
        },
      }),
    ).toEqual(['pi', 'Complete', '1/1', '42s', '5m', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=u']);
    expect(
      row('batch', 'Job', {
        metadata: { name: 'p', ...created },
        spec: { parallelism: 3, template },
        status: { startTime: '2025-01-01T11:58:00Z' },
      }).slice(1, 4),
    ).toEqual(['Running', '0/1 of 3', '2m']);
    expect(
      row('batch', 'CronJob', {
        metadata: { name: 'backup', ...created },
        spec: { schedule: '0 3 * * *', suspend: false, jobTemplate: { spec: { template } } },
        status: { active: [{ name: 'x' }], lastScheduleTime: '2025-01-01T11:59:00Z' },
      }),
    ).toEqual(['backup', '0 3 * * *', '<none>', 'False', 1, '60s', '5m', 'pi', 'perl', '<none>']);
  });

  it('Pod', () => {
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    expect(
      row('', 'Pod', { metadata: { name: 'p', ...created }, spec, status: { phase: 'Pending' } }),
    ).toEqual(['p', '0/2', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
    const running = {
      metadata: { name: 'p', ...created },
      spec: { ...spec, nodeName: 'n1', readinessGates: [{ conditionType: 'x/ready' }] },
      status: {
        phase: 'Running',
        podIPs: [{ ip: '10.0.0.5' }],
        conditions: [{ type: 'x/ready', status: 'True' }],
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 0, state: { running: {} } },
          {
            name: 'b',
            ready: false,
            restartCount: 2,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { finishedAt: '2025-01-01T11:59:00Z' } },
          },
        ],
      },
    };
    expect(row('', 'Pod', running)).toEqual([
      'p',
      '1/2',
      'CrashLoopBackOff',
      '2 (60s ago)',
      '5m',
      '10.0.0.5',
      'n1',
      '<none>',
      '1/1',
    ]);
    expect(
      row('', 'Pod', {
        ...running,
        metadata: { ...running.metadata, deletionTimestamp: '2025-01-01T12:00:00Z' },
      })[2],
    ).toBe('Terminating');
  });

  it('Event', () => {
    const ev = {
      metadata: { name: 'web.1', ...created },
      involvedObject: { kind: 'Deployment', name: 'web', fieldPath: 'spec' },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up  \n',
      type: 'Normal',
      source: { component: 'deployment-controller' },
      firstTimestamp: '2025-01-01T11:50:00Z',
      lastTimestamp: '2025-01-01T11:58:00Z',
      count: 3,
    };
    expect(row('', 'Event', ev)).toEqual([
      '2m',
      'Normal',
      'ScalingReplicaSet',
      'deployment/web',
      'spec',
      'deployment-controller',
      'Scaled up',
      '10m',
      3,
      'web.1',
    ]);
    const fresh = {
      metadata: { name: 'e' },
      involvedObject: { kind: 'Pod' },
      eventTime: '2025-01-01T11:59:30.000000Z',
      reportingComponent: 'k',
      reportingInstance: 'i',
    };
    expect(row('', 'Event', fresh)).toEqual(['30s', '', '', 'pod', '', 'k, i', '', '30s', 1, 'e']);
  });

  it('events.k8s.io Event, through the core event columns', () => {
    const ev = {
      metadata: { name: 'e2' },
      regarding: { kind: 'Pod', name: 'p' },
      note: 'Pulled',
      reason: 'Pulled',
      type: 'Normal',
      eventTime: '2025-01-01T11:59:00.000000Z',
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
    };
    expect(row('events.k8s.io', 'Event', ev)).toEqual([
      '60s',
      'Normal',
      'Pulled',
      'pod/p',
      '',
      'kubelet, node-1',
      'Pulled',
      '60s',
      1,
      'e2',
    ]);
  });

  it('Ingress, RoleBinding, Lease, PVC, PDB, HPA, StorageClass, ControllerRevision', () => {
    expect(
      row('networking.k8s.io', 'Ingress', {
        metadata: { name: 'i', ...created },
        spec: {
          ingressClassName: 'nginx',
          tls: [{}],
          rules: [{ host: 'a.com' }, { host: 'b.com' }, {}, { host: 'd.com' }, { host: 'e.com' }],
        },
        status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
      }),
    ).toEqual(['i', 'nginx', 'a.com,b.com,d.com + 2 more...', '1.2.3.4', '80, 443', '5m']);
    expect(
      row('rbac.authorization.k8s.io', 'RoleBinding', {
        metadata: { name: 'rb', ...created },
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [
          { kind: 'User', name: 'alice' },
          { kind: 'Group', name: 'devs' },
          { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' },
          { kind: 'User', name: 'bob' },
        ],
      }),
    ).toEqual(['rb', 'ClusterRole/view', '5m', 'alice, bob', 'devs', 'ns/sa']);
    expect(
      row('coordination.k8s.io', 'Lease', {
        metadata: { name: 'l', ...created },
        spec: { holderIdentity: 'me' },
      }),
    ).toEqual(['l', 'me', '5m']);
    expect(
      row('', 'PersistentVolumeClaim', {
        metadata: { name: 'c', ...created },
        spec: { volumeName: 'pv1', storageClassName: 'fast', volumeMode: 'Filesystem' },
        status: {
          phase: 'Bound',
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteMany', 'ReadWriteOnce'],
        },
      }),
    ).toEqual(['c', 'Bound', 'pv1', '10Gi', 'RWO,RWX', 'fast', '<unset>', '5m', 'Filesystem']);
    expect(
      row('policy', 'PodDisruptionBudget', {
        metadata: { name: 'p', ...created },
        spec: { minAvailable: '50%' },
        status: { disruptionsAllowed: 1 },
      }),
    ).toEqual(['p', '50%', 'N/A', 1, '5m']);
    expect(
      row('autoscaling', 'HorizontalPodAutoscaler', {
        metadata: { name: 'h', ...created },
        spec: {
          scaleTargetRef: { kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 5,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
            },
          ],
        },
        status: {
          currentReplicas: 2,
          currentMetrics: [
            { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 30 } } },
          ],
        },
      }),
    ).toEqual(['h', 'Deployment/web', 'cpu: 30%/80%', '1', 5, 2, '5m']);
    expect(
      row('storage.k8s.io', 'StorageClass', {
        metadata: {
          name: 'standard',
          annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
          ...created,
        },
        provisioner: 'rancher.io/local-path',
      }),
    ).toEqual(['standard (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '5m']);
    expect(
      row('apps', 'ControllerRevision', {
        metadata: {
          name: 'ds-1',
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u', controller: true },
          ],
          ...created,
        },
        revision: 1,
      }),
    ).toEqual(['ds-1', 'daemonset.apps/ds', 1, '5m']);
  });

  it('uses the raw timestamp for kinds without a printer', () => {
    expect(
      row('rbac.authorization.k8s.io', 'ClusterRole', { metadata: { name: 'view', ...created } }),
    ).toEqual(['view', '2025-01-01T11:55:00Z']);
  });
});
