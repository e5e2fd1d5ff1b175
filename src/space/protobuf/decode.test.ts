/**
 * The decoder without the traces: bodies built here with protobufjs (through this module's own
 * descriptors, and once with a bare Writer and hand-picked field numbers), plus the error paths.
 */
import protobuf from 'protobufjs/light.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../errors.js';
import { convertMessage } from './convert.js';
import { KINDS } from './descriptors.js';
import {
  PROTOBUF_MAGIC,
  ProtobufDecodeError,
  UnsupportedProtobufKindError,
  decodeProtobufObject,
  supportedProtobufKinds,
} from './index.js';
import { messageType, parseMessage } from './schema.js';

/** Encodes `obj` (protobufjs object form) with the descriptor `type`. */
function encode(type: string, obj: Record<string, unknown>): Uint8Array {
  const T = messageType(type);
  const err = T.verify(obj);
  if (err) throw new Error(`test object does not fit ${type}: ${err}`);
  return T.encode(T.fromObject(obj)).finish();
}

/** "k8s\0" + runtime.Unknown, as client-go frames a protobuf body. */
function frame(
  apiVersion: string,
  kind: string,
  raw: Uint8Array,
  extra: Record<string, unknown> = {},
): Buffer {
  const envelope = encode('Unknown', { typeMeta: { apiVersion, kind }, raw, ...extra });
  return Buffer.concat([PROTOBUF_MAGIC, envelope]);
}

const t = (iso: string) => ({ seconds: Date.parse(iso) / 1000, nanos: 0 });

afterEach(() => vi.restoreAllMocks());

describe('decodeProtobufObject: round trips through the descriptors', () => {
  it('decodes a Secret with binary data, a pointer false and a zero creationTimestamp', () => {
    const binary = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]);
    const raw = encode('Secret', {
      metadata: { name: 's1', namespace: 'ns', generation: 0, creationTimestamp: { seconds: 0, nanos: 0 } },
      data: { 'key.bin': binary, empty: Buffer.alloc(0) },
      stringData: { plain: 'text' },
      type: 'Opaque',
      immutable: false,
    });
    const r = decodeProtobufObject(frame('v1', 'Secret', raw), { group: '', version: 'v1', kind: 'Secret' });
    expect(r.apiVersion).toBe('v1');
    expect(r.kind).toBe('Secret');
    expect(r.object).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's1', namespace: 'ns' },
      data: { 'key.bin': binary.toString('base64'), empty: '' },
      stringData: { plain: 'text' },
      type: 'Opaque',
      immutable: false,
    });
  });

  it('decodes a Deployment: pointer zeros kept, non-pointer zeros dropped, special types converted', () => {
    const raw = encode('Deployment', {
      metadata: {
        name: 'web',
        generation: 0,
        labels: { app: 'web' },
        deletionTimestamp: t('2026-11-22T01:43:02Z'),
        deletionGracePeriodSeconds: 5_000_000_000,
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-1', controller: true },
        ],
        managedFields: [
          {
            manager: 'kubectl-create',
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: t('2026-01-02T03:04:05Z'),
            fieldsType: 'FieldsV1',
            fieldsV1: { Raw: Buffer.from('{"f:spec":{"f:replicas":{}}}') },
          },
        ],
      },
      spec: {
        replicas: 0,
        revisionHistoryLimit: 0,
        minReadySeconds: 0,
        paused: false,
        selector: { matchLabels: { app: 'web' } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: { type: 1, strVal: '25%' }, maxUnavailable: { type: 0, intVal: 0 } },
        },
        template: {
          metadata: { labels: { app: 'web' }, creationTimestamp: { seconds: 0, nanos: 0 } },
          spec: {
            hostNetwork: false,
            terminationGracePeriodSeconds: 0,
            securityContext: { runAsUser: 0, runAsNonRoot: false },
            volumes: [
              { name: 'scratch', volumeSource: { emptyDir: {} } },
              {
                name: 'cfg',
                volumeSource: { configMap: { localObjectReference: { name: 'app-cfg' }, defaultMode: 420 } },
              },
            ],
            containers: [
              {
                name: 'app',
                image: 'nginx',
                ports: [{ hostPort: 0, containerPort: 8080, protocol: 'TCP' }],
                env: [
                  { name: 'EMPTY', value: '' },
                  { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                ],
                resources: { limits: { cpu: { string: '500m' }, memory: { string: '128Mi' } } },
                livenessProbe: {
                  handler: { httpGet: { path: '/healthz', port: { type: 1, strVal: 'http' } } },
                  periodSeconds: 0,
                  initialDelaySeconds: 3,
                },
                readinessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 8080 } } } },
                stdin: false,
                tty: false,
              },
            ],
          },
        },
      },
      status: { replicas: 0, observedGeneration: 0 },
    });
    const { object } = decodeProtobufObject(frame('apps/v1', 'Deployment', raw));
    expect(object).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        labels: { app: 'web' },
        deletionTimestamp: '2026-11-22T01:43:02Z',
        deletionGracePeriodSeconds: 5_000_000_000,
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-1', controller: true },
        ],
        managedFields: [
          {
            manager: 'kubectl-create',
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: '2026-01-02T03:04:05Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': { 'f:replicas': {} } },
          },
        ],
      },
      spec: {
        replicas: 0,
        revisionHistoryLimit: 0,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 0,
            securityContext: { runAsUser: 0, runAsNonRoot: false },
            volumes: [
              { name: 'scratch', emptyDir: {} },
              { name: 'cfg', configMap: { name: 'app-cfg', defaultMode: 420 } },
            ],
            containers: [
              {
                name: 'app',
                image: 'nginx',
                ports: [{ containerPort: 8080, protocol: 'TCP' }],
                env: [
                  { name: 'EMPTY' },
                  { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                ],
                resources: { limits: { cpu: '500m', memory: '128Mi' } },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 3 },
                readinessProbe: { tcpSocket: { port: 8080 } },
              },
            ],
          },
        },
      },
    });
  });

  it('decodes kubectl auth can-i and whoami reviews, keeping `allowed: false` (no omitempty)', () => {
    const ssar = encode('SelfSubjectAccessReview', {
      metadata: {},
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
      status: { allowed: false, denied: false },
    });
    expect(
      decodeProtobufObject(frame('authorization.k8s.io/v1', 'SelfSubjectAccessReview', ssar)).object,
    ).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
      status: { allowed: false },
    });

    // UserInfo.extra is map<string, ExtraValue>; ExtraValue is a Go []string wrapped in a message.
    const ssr = encode('SelfSubjectReview', {
      status: { userInfo: { username: 'alice', groups: ['dev'], extra: { scopes: { items: ['a', 'b'] } } } },
    });
    expect(decodeProtobufObject(frame('authentication.k8s.io/v1', 'SelfSubjectReview', ssr)).object).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: {},
      status: { userInfo: { username: 'alice', groups: ['dev'], extra: { scopes: ['a', 'b'] } } },
    });
  });

  it('decodes a CronJob, an RBAC RoleBinding and a Service with IntOrString ports', () => {
    const cj = encode('CronJob', {
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 3 * * *',
        suspend: false,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } },
          },
        },
      },
    });
    expect(decodeProtobufObject(frame('batch/v1', 'CronJob', cj)).object).toEqual({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 3 * * *',
        suspend: false,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } },
          },
        },
      },
    });

    const rb = encode('RoleBinding', {
      metadata: { name: 'rb', namespace: 'team' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    });
    expect(
      decodeProtobufObject(frame('rbac.authorization.k8s.io/v1', 'RoleBinding', rb)).object,
    ).toMatchObject({
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    });

    const svc = encode('Service', {
      metadata: { name: 'web' },
      spec: {
        type: 'ClusterIP',
        selector: { app: 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: { type: 1, strVal: 'http' }, nodePort: 0 },
          { name: 'metrics', port: 9090, targetPort: { type: 0, intVal: 0 } },
        ],
      },
      status: { loadBalancer: {} },
    });
    expect(decodeProtobufObject(frame('v1', 'Service', svc)).object).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: {
        type: 'ClusterIP',
        selector: { app: 'web' },
        // targetPort 0 means "unset" (defaulted to port by the server), as Go's omitempty drops it.
        ports: [
          { name: 'http', port: 80, targetPort: 'http' },
          { name: 'metrics', port: 9090 },
        ],
      },
    });
  });

  it('accepts DeleteOptions under any group version and keeps its pointer zeros', () => {
    const raw = encode('DeleteOptions', {
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
      preconditions: { uid: 'u-1' },
      dryRun: ['All'],
    });
    for (const apiVersion of ['v1', 'meta.k8s.io/v1', 'apps/v1']) {
      const r = decodeProtobufObject(frame(apiVersion, 'DeleteOptions', raw), {
        group: '',
        version: 'v1',
        kind: 'DeleteOptions',
      });
      expect(r.object).toEqual({
        apiVersion,
        kind: 'DeleteOptions',
        gracePeriodSeconds: 0,
        propagationPolicy: 'Foreground',
        preconditions: { uid: 'u-1' },
        dryRun: ['All'],
      });
    }
  });

  it('keeps label keys such as __proto__ as data without touching prototypes', () => {
    const labelMap = JSON.parse('{"__proto__": "x", "ok": "y"}');
    const raw = encode('ConfigMap', { metadata: { name: 'p', labels: labelMap } });
    const { object } = decodeProtobufObject(frame('v1', 'ConfigMap', raw));
    const labels = (object.metadata as any).labels;
    expect(Object.keys(labels).sort()).toEqual(['__proto__', 'ok']);
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(({} as any).x).toBeUndefined();
  });
});

describe('decodeProtobufObject: wire-level facts, independent of the descriptors', () => {
  /** Length-delimited field helper for a bare protobufjs Writer. */
  const msg = (w: protobuf.Writer, field: number, body: (w: protobuf.Writer) => void) => {
    w.uint32((field << 3) | 2).fork();
    body(w);
    w.ldelim();
  };

  it('decodes a Job written field by field; pointer zeros survive, unknown fields are skipped silently', () => {
    const log = vi.spyOn(console, 'log');
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const job = protobuf.Writer.create();
    msg(job, 1, (m) => {
      m.uint32((1 << 3) | 2).string('j1'); // ObjectMeta.name
      m.uint32((7 << 3) | 0).int64(0); // ObjectMeta.generation = 0 (non-pointer: dropped)
      m.uint32((15 << 3) | 2).string('legacy'); // field 15 (the removed clusterName): unknown
    });
    msg(job, 2, (s) => {
      s.uint32((1 << 3) | 0).int32(0); // JobSpec.parallelism = 0 (pointer: kept)
      s.uint32((2 << 3) | 0).int32(0); // completions
      s.uint32((7 << 3) | 0).int32(0); // backoffLimit
      s.uint32((10 << 3) | 0).bool(false); // suspend
      s.uint32((99 << 3) | 0).int32(7); // a field from the future: skipped
      s.uint32((98 << 3) | 5).fixed32(1); // another wire type: skipped
      msg(s, 6, (tpl) =>
        msg(tpl, 2, (ps) => {
          ps.uint32((3 << 3) | 2).string('Never'); // PodSpec.restartPolicy
          msg(ps, 2, (c) => c.uint32((1 << 3) | 2).string('main')); // containers[0].name
        }),
      );
    });
    const envelope = protobuf.Writer.create();
    msg(envelope, 1, (tm) =>
      tm
        .uint32((1 << 3) | 2)
        .string('batch/v1')
        .uint32((2 << 3) | 2)
        .string('Job'),
    );
    envelope.uint32((2 << 3) | 2).bytes(job.finish());
    const body = Buffer.concat([PROTOBUF_MAGIC, envelope.finish()]);

    expect(decodeProtobufObject(body, { group: 'batch', version: 'v1', kind: 'Job' }).object).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j1' },
      spec: {
        parallelism: 0,
        completions: 0,
        backoffLimit: 0,
        suspend: false,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main' }] } },
      },
    });
    expect(log).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it('takes the kind from the URL when the envelope has no type meta', () => {
    const raw = encode('Namespace', { metadata: { name: 'n1' } });
    const body = Buffer.concat([PROTOBUF_MAGIC, encode('Unknown', { raw })]);
    expect(decodeProtobufObject(body, { group: '', version: 'v1', kind: 'Namespace' }).object).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n1' },
    });
    expect(() => decodeProtobufObject(body)).toThrow(/does not name an apiVersion and kind/);
  });

  it('fills the Go zero value of non-omitempty fields the wire left out, but not of nil pointers', () => {
    // SelfSubjectAccessReview.spec and RoleBinding.roleRef have no omitempty; DeploymentSpec.selector
    // is a pointer (nil → null → absent), its template is not (→ {}).
    const ssar = frame(
      'authorization.k8s.io/v1',
      'SelfSubjectAccessReview',
      encode('SelfSubjectAccessReview', {}),
    );
    expect(decodeProtobufObject(ssar).object).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: {},
    });
    const rb = frame(
      'rbac.authorization.k8s.io/v1',
      'RoleBinding',
      encode('RoleBinding', { metadata: { name: 'x' } }),
    );
    expect(decodeProtobufObject(rb).object).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'x' },
      roleRef: { apiGroup: '', kind: '', name: '' },
    });
    const dep = frame('apps/v1', 'Deployment', encode('Deployment', { spec: { replicas: 2 } }));
    expect(decodeProtobufObject(dep).object.spec).toEqual({ replicas: 2, template: {} });
  });
});

describe('decodeProtobufObject: errors', () => {
  function thrown(fn: () => unknown): unknown {
    try {
      fn();
    } catch (err) {
      return err;
    }
    throw new Error('expected an error');
  }

  it('answers 415 naming the kind for protobuf kinds without descriptors', () => {
    const err = thrown(() => decodeProtobufObject(frame('apps/v1', 'StatefulSet', new Uint8Array(0))));
    expect(err).toBeInstanceOf(UnsupportedProtobufKindError);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as UnsupportedProtobufKindError;
    expect(e.message).toBe(
      'protobuf request bodies are not supported for apps/v1, Kind=StatefulSet; send application/json',
    );
    expect(e.code).toBe(415);
    expect(e.reason).toBe('UnsupportedMediaType');
    expect(e.kind).toBe('StatefulSet');
    // A known kind under a version without descriptors is just as unsupported.
    expect(() => decodeProtobufObject(frame('apps/v1beta1', 'Deployment', new Uint8Array(0)))).toThrow(
      'protobuf request bodies are not supported for apps/v1beta1, Kind=Deployment; send application/json',
    );
    for (const [apiVersion, kind] of [
      ['v1', 'toString'],
      ['constructor', 'name'],
      ['__proto__', 'valueOf'],
    ]) {
      expect(() => decodeProtobufObject(frame(apiVersion, kind, new Uint8Array(0)))).toThrow(
        UnsupportedProtobufKindError,
      );
    }
  });

  it('rejects bodies without the k8s magic, truncated bodies and garbage with a 400', () => {
    const good = frame('v1', 'ConfigMap', encode('ConfigMap', { metadata: { name: 'c' }, data: { a: 'b' } }));
    const cases: Array<[string, Buffer, RegExp]> = [
      ['empty', Buffer.alloc(0), /does not start with the Kubernetes protobuf prefix/],
      ['JSON', Buffer.from('{"kind":"ConfigMap"}'), /does not start with the Kubernetes protobuf prefix/],
      ['truncated', good.subarray(0, good.length - 3), /invalid protobuf request body/],
      [
        'bad wire type',
        Buffer.concat([PROTOBUF_MAGIC, Buffer.from([0x0f, 0x01, 0x02])]),
        /invalid protobuf request body/,
      ],
      [
        'garbage object',
        frame('v1', 'ConfigMap', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])),
        /invalid protobuf request body \(v1, Kind=ConfigMap\)/,
      ],
    ];
    for (const [name, body, message] of cases) {
      const err = thrown(() => decodeProtobufObject(body));
      expect(err, name).toBeInstanceOf(ProtobufDecodeError);
      expect((err as ProtobufDecodeError).code, name).toBe(400);
      expect((err as Error).message, name).toMatch(message);
    }
  });

  it('rejects a body whose kind differs from the one the URL addresses', () => {
    const body = frame('v1', 'ConfigMap', encode('ConfigMap', { metadata: { name: 'c' } }));
    expect(() => decodeProtobufObject(body, { group: '', version: 'v1', kind: 'Secret' })).toThrow(
      'the protobuf request body holds v1, Kind=ConfigMap, but this request takes v1, Kind=Secret',
    );
    const dep = frame('apps/v1', 'Deployment', encode('Deployment', {}));
    expect(() =>
      decodeProtobufObject(dep, { group: 'extensions', version: 'v1beta1', kind: 'Deployment' }),
    ).toThrow(ProtobufDecodeError);
  });

  it('rejects content encodings and FieldsV1 that is not JSON', () => {
    const raw = encode('ConfigMap', { metadata: { name: 'c' } });
    expect(() => decodeProtobufObject(frame('v1', 'ConfigMap', raw, { contentEncoding: 'gzip' }))).toThrow(
      /content encoding "gzip"/,
    );
    const bad = encode('ConfigMap', {
      metadata: { name: 'c', managedFields: [{ fieldsV1: { Raw: Buffer.from('{') } }] },
    });
    expect(() => decodeProtobufObject(frame('v1', 'ConfigMap', bad))).toThrow(
      /FieldsV1 in the protobuf body is not JSON/,
    );
  });
});

describe('descriptors', () => {
  it('resolve for every supported kind and list them', () => {
    const kinds = supportedProtobufKinds();
    for (const [apiVersion, byKind] of Object.entries(KINDS)) {
      for (const [kind, message] of Object.entries(byKind)) {
        expect(kinds).toContainEqual({ apiVersion, kind });
        expect(messageType(message).fieldsById[1]).toBeDefined();
      }
    }
    expect(kinds).toContainEqual({ apiVersion: '*', kind: 'DeleteOptions' });
    for (const kind of ['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'Pod']) {
      expect(kinds).toContainEqual({ apiVersion: 'v1', kind });
    }
    expect(kinds).toContainEqual({ apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(kinds).toContainEqual({ apiVersion: 'batch/v1', kind: 'Job' });
    expect(kinds).toContainEqual({ apiVersion: 'batch/v1', kind: 'CronJob' });
  });

  it('parse the compact field syntax and reject malformed or duplicate fields', () => {
    const def = parseMessage('X', 'a=1 b=2:!*[]Foo c=3:{}Quantity d=4:^Inline');
    expect(
      def.fields.map((f) => [f.name, f.id, f.type, f.kind, f.keep, f.pointer, f.repeated, f.map, f.inline]),
    ).toEqual([
      ['a', 1, 'string', 'scalar', false, false, false, false, false],
      ['b', 2, 'Foo', 'message', true, true, true, false, false],
      ['c', 3, 'Quantity', 'special', false, false, false, true, false],
      ['d', 4, 'Inline', 'message', false, false, false, false, true],
    ]);
    expect(() => parseMessage('X', 'a=1 b=1')).toThrow(/used twice/);
    expect(() => parseMessage('X', 'a:1')).toThrow(/cannot parse/);
  });

  it('convert MicroTime with microseconds and RawExtension as JSON', () => {
    const def = parseMessage(
      'X',
      'renewTime=1:MicroTime acquireTime=2:MicroTime object=3:RawExtension at=4:Time',
    );
    expect(
      convertMessage(
        {
          renewTime: { seconds: Date.parse('2026-11-22T01:43:02Z') / 1000, nanos: 123_456_789 },
          acquireTime: { seconds: 0, nanos: 0 },
          object: { raw: Buffer.from('{"kind":"Pod"}') },
          at: { seconds: Date.parse('2026-11-22T01:43:02Z') / 1000, nanos: 999_000_000 },
        },
        def,
      ),
    ).toEqual({
      renewTime: '2026-11-22T01:43:02.123456Z',
      object: { kind: 'Pod' },
      at: '2026-11-22T01:43:02Z',
    });
  });
});
