/**
 * Golden vectors: every protobuf request body captured from real kubectl and helm
 * (../shared/spec/kubectl-traces beside the repo, apiserver-compat.md §1.2) decodes to the JSON in the trace.
 *
 * The traces' `body` was produced by the measurement harness, which decoded with the upstream
 * .proto files and did NOT drop gogo-protobuf's zero values. A kube-apiserver (Go JSON with
 * `omitempty`) does not keep those, so for each kind the harness-only zeros are listed below and
 * removed from the trace before comparing; each listed path must exist and hold a zero value.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeProtobufObject } from './index.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const tracesDir = join(repoRoot, '..', 'shared', 'spec', 'kubectl-traces');

/** The trace files the protobuf captures come from (32, kubectl run, sends JSON: none there). */
const FILES = [
  '28',
  '29',
  '30',
  '31',
  '32',
  '33',
  '34',
  '50',
  '51',
  '53',
  '54',
  '55',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
];

/** Zero values the harness kept but a kube-apiserver drops (non-pointer `omitempty` fields). */
const HARNESS_ZEROS: Record<string, string[]> = {
  // NamespaceSpec/Status hold only omitempty fields; empty non-pointer structs are dropped.
  Namespace: ['metadata.generation', 'spec', 'status'],
  ConfigMap: ['metadata.generation'],
  Secret: ['metadata.generation'],
  Deployment: [
    'metadata.generation',
    'spec.template.metadata.generation',
    'spec.template.spec.containers.0.ports.0.hostPort',
    'spec.template.spec.containers.0.resources',
    'spec.template.spec.containers.0.stdin',
    'spec.template.spec.containers.0.stdinOnce',
    'spec.template.spec.containers.0.tty',
    'spec.template.spec.hostNetwork',
    'spec.template.spec.hostPID',
    'spec.template.spec.hostIPC',
    'spec.strategy',
    'spec.minReadySeconds',
    'spec.paused',
    // DeploymentStatus: every counter is a non-pointer omitempty int, so all of status goes.
    'status',
  ],
  // `status.allowed` stays: SubjectAccessReviewStatus.Allowed has no omitempty (Go sends false).
  SelfSubjectAccessReview: ['metadata.generation', 'status.denied'],
  // A top-level object keeps `metadata: {}`; the empty userInfo (and so status) is dropped.
  SelfSubjectReview: ['metadata.generation', 'status'],
  DeleteOptions: [],
};

function isZeroValue(v: unknown): boolean {
  if (v === 0 || v === false || v === '') return true;
  if (v && typeof v === 'object') return Object.values(v).every(isZeroValue);
  return false;
}

/** Removes `path` (dotted, numeric segments index arrays) and returns the removed value. */
function removePath(obj: any, path: string): unknown {
  const parts = path.split('.');
  const last = parts.pop()!;
  let cur = obj;
  for (const p of parts) {
    cur = cur?.[p];
    if (cur === undefined) throw new Error(`path ${path} not in trace body`);
  }
  if (!(last in cur)) throw new Error(`path ${path} not in trace body`);
  const v = cur[last];
  delete cur[last];
  return v;
}

/** The trace body as a kube-apiserver would hold it. */
function apiserverForm(traceBody: any): any {
  const body = structuredClone(traceBody);
  const paths = HARNESS_ZEROS[body.kind];
  if (!paths) throw new Error(`no documented harness zeros for ${body.kind}`);
  for (const p of paths) {
    const removed = removePath(body, p);
    if (!isZeroValue(removed))
      throw new Error(`${body.kind} ${p} is not a zero value: ${JSON.stringify(removed)}`);
  }
  return body;
}

interface Capture {
  file: string;
  seq: number;
  method: string;
  path: string;
  bytes: Buffer;
  /** Decoded JSON from the harness, or undefined where the stub answered 415 without decoding. */
  body?: any;
}

function captures(): Capture[] {
  const out: Capture[] = [];
  for (const file of readdirSync(tracesDir).sort()) {
    if (!FILES.some((p) => file.startsWith(`${p}-`)) || !file.endsWith('.jsonl')) continue;
    for (const line of readFileSync(join(tracesDir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const rec = JSON.parse(line);
      if (rec.contentType !== 'application/vnd.kubernetes.protobuf') continue;
      const decodedByHarness = typeof rec.bodyNote === 'string' && !rec.bodyNote.includes('NOT decoded');
      out.push({
        file,
        seq: rec.seq,
        method: rec.method,
        path: rec.path,
        bytes: Buffer.from(rec.bodyProtobufBase64, 'base64'),
        body: decodedByHarness ? JSON.parse(rec.body) : undefined,
      });
    }
  }
  return out;
}

/** What the request URL addresses, as the HTTP layer would pass it. */
function expectedFor(c: Capture): { group: string; version: string; kind: string } {
  if (c.method === 'DELETE') return { group: '', version: 'v1', kind: 'DeleteOptions' };
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.*)$/.exec(c.path)!;
  const [group, version] = m[1] ? ['', m[1]] : [m[2], m[3]];
  const rest = m[4].split('/');
  const resource = rest[0] === 'namespaces' && rest.length >= 3 ? rest[2] : rest[0];
  const kinds: Record<string, string> = {
    namespaces: 'Namespace',
    configmaps: 'ConfigMap',
    secrets: 'Secret',
    deployments: 'Deployment',
    selfsubjectaccessreviews: 'SelfSubjectAccessReview',
    selfsubjectreviews: 'SelfSubjectReview',
  };
  return { group, version, kind: kinds[resource] ?? `unknown resource ${resource}` };
}

describe.skipIf(!existsSync(tracesDir))('protobuf golden vectors from kubectl/helm traces', () => {
  const all = existsSync(tracesDir) ? captures() : [];

  it('finds the captured protobuf bodies of every traced command', () => {
    const files = new Set(all.map((c) => c.file.slice(0, 2)));
    for (const f of FILES.filter((f) => f !== '32')) expect(files, `trace ${f}`).toContain(f);
    expect(all.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of all.filter((c) => c.body)) {
    it(`${c.file} #${c.seq} ${c.method} ${c.path}`, () => {
      const expected = apiserverForm(c.body);
      const r = decodeProtobufObject(c.bytes, expectedFor(c));
      expect(r.apiVersion).toBe(c.body.apiVersion);
      expect(r.kind).toBe(c.body.kind);
      expect(r.object).toEqual(expected);
    });
  }

  it('28 (kubectl create ns, answered 415 by the stub) carries the same Namespace as 29', () => {
    const c28 = all.find((c) => c.file.startsWith('28-'))!;
    const c29 = all.find((c) => c.file.startsWith('29-'))!;
    expect(decodeProtobufObject(c28.bytes).object).toEqual(apiserverForm(c29.body));
  });

  it('50 (helm 3 install, answered 415 by the stub) is a helm release Secret', () => {
    const c50 = all.find((c) => c.file.startsWith('50-'))!;
    const { object } = decodeProtobufObject(c50.bytes, { group: '', version: 'v1', kind: 'Secret' });
    expect(object).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sh.helm.release.v1.r0.v1', labels: { owner: 'helm', status: 'pending-install' } },
      type: 'helm.sh/release.v1',
    });
    expect(object.metadata).not.toHaveProperty('generation');
    // helm stores base64(gzip(release JSON)); Secret.data adds one more base64 layer.
    const release = Buffer.from((object as any).data.release, 'base64').toString('latin1');
    expect(Buffer.from(release, 'base64').subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });
});
