import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'node:https';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';

/**
 * Bad input never crashes the server or leaves half a write: each case gets the metav1.Status a
 * kube-apiserver would give, and the server keeps serving afterwards.
 */

let space: Space;
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  space = await Space.start({ dataDir: dir });
});

afterAll(async () => {
  await space?.close();
  removeDir(dir);
});

function call(
  method: string,
  path: string,
  body?: string | Buffer,
  contentType = 'application/json',
): Promise<{ code: number; json: any }> {
  const u = new URL(space.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: Number(u.port),
        method,
        path,
        ca: space.credentials.caCertPem,
        headers: {
          Authorization: `Bearer ${space.credentials.token}`,
          ...(body !== undefined
            ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ code: res.statusCode!, json });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const CMS = '/api/v1/namespaces/default/configmaps';

function expectStatus(r: { code: number; json: any }, code: number, reason: string, message?: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
  if (message) expect(r.json.message).toMatch(message);
}

describe('bad input', () => {
  it('malformed JSON is a 400 that names the problem', async () => {
    expectStatus(
      await call('POST', CMS, '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {'),
      400,
      'BadRequest',
      /ConfigMap.*cannot be handled.*JSON/,
    );
  });

  it('malformed YAML is a 400', async () => {
    expectStatus(
      await call('POST', CMS, 'kind: ConfigMap\nmetadata: [unclosed', 'application/yaml'),
      400,
      'BadRequest',
      /YAML/,
    );
  });

  it('a body whose kind does not match the URL is a 400', async () => {
    const r = await call(
      'POST',
      CMS,
      JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }),
    );
    expectStatus(r, 400, 'BadRequest', /Secret/);
  });

  it('a namespace in the body that differs from the URL is a 400', async () => {
    const r = await call(
      'POST',
      CMS,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', namespace: 'kube-system' },
      }),
    );
    expectStatus(r, 400, 'BadRequest', /does not match the namespace/);
  });

  it('an invalid name is a 422 with a cause on metadata.name', async () => {
    const r = await call(
      'POST',
      CMS,
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid' } }),
    );
    expectStatus(
      r,
      422,
      'Invalid',
      /ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid"/,
    );
    expect(r.json.details).toMatchObject({
      name: 'Not_Valid',
      kind: 'ConfigMap',
      causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }],
    });
  });

  it('a missing name is a 422 FieldValueRequired', async () => {
    const r = await call('POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }));
    expectStatus(r, 422, 'Invalid');
    expect(r.json.details.causes[0]).toMatchObject({ reason: 'FieldValueRequired', field: 'metadata.name' });
  });

  it('a body over 3 MiB is a 413 and nothing is stored', async () => {
    const big = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'huge' },
      data: { x: 'y'.repeat(3 * 1024 * 1024) },
    });
    const r = await call('POST', CMS, big);
    expectStatus(r, 413, 'RequestEntityTooLarge');
    expect((await call('GET', `${CMS}/huge`)).code).toBe(404);
  });

  it('an unknown resource or group is a 404', async () => {
    expectStatus(
      await call('GET', '/api/v1/namespaces/default/widgets'),
      404,
      'NotFound',
      /could not find the requested resource/,
    );
    expectStatus(await call('GET', '/apis/nope.example.com/v1/things'), 404, 'NotFound');
  });

  it('a verb the resource does not support is a 405', async () => {
    expectStatus(await call('DELETE', '/api/v1/namespaces'), 405, 'MethodNotAllowed');
    expectStatus(await call('POST', `${CMS}/some-name`, '{}'), 405, 'MethodNotAllowed');
  });

  it('an unsupported content type is a 415', async () => {
    expectStatus(
      await call('POST', CMS, Buffer.from([0xa1, 0x01]), 'application/cbor'),
      415,
      'UnsupportedMediaType',
    );
    const merge = await call('PATCH', `${CMS}/nothing`, '{}', 'text/plain');
    expectStatus(merge, 415, 'UnsupportedMediaType');
  });

  it('a garbage protobuf body is a 400, and an unsupported protobuf kind a 415 naming it', async () => {
    expectStatus(
      await call('POST', CMS, Buffer.from('not protobuf'), 'application/vnd.kubernetes.protobuf'),
      400,
      'BadRequest',
    );
  });

  it('a stale resourceVersion is a 409 Conflict with the upstream message', async () => {
    const created = await call(
      'POST',
      CMS,
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'occ' }, data: { a: '1' } }),
    );
    expect(created.code).toBe(201);
    const obj = created.json;
    obj.data.a = '2';
    expect((await call('PUT', `${CMS}/occ`, JSON.stringify(obj))).code).toBe(200);
    obj.data.a = '3';
    expectStatus(
      await call('PUT', `${CMS}/occ`, JSON.stringify(obj)),
      409,
      'Conflict',
      /the object has been modified; please apply your changes to the latest version and try again/,
    );
  });

  it('a failing JSON patch is a 422 and changes nothing', async () => {
    const before = (await call('GET', `${CMS}/occ`)).json;
    const r = await call(
      'PATCH',
      `${CMS}/occ`,
      JSON.stringify([
        { op: 'test', path: '/data/a', value: 'nope' },
        { op: 'replace', path: '/data/a', value: 'x' },
      ]),
      'application/json-patch+json',
    );
    expectStatus(r, 422, 'Invalid');
    const after = (await call('GET', `${CMS}/occ`)).json;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.data).toEqual(before.data);
  });

  it('an invalid label selector is a 400', async () => {
    expectStatus(
      await call('GET', `${CMS}?labelSelector=${encodeURIComponent('a in (b')}`),
      400,
      'BadRequest',
    );
    expectStatus(
      await call('GET', `${CMS}?fieldSelector=spec.nope%3Dx`),
      400,
      'BadRequest',
      /field label not supported: spec.nope/,
    );
  });

  it('keeps serving after all of that', async () => {
    const r = await call('GET', '/api/v1/namespaces');
    expect(r.code).toBe(200);
    expect(r.json.items.map((n: any) => n.metadata.name)).toContain('default');
  });
});

describe('event expiry', () => {
  it('deletes Events an hour after they were last updated, and keeps newer ones', async () => {
    const EV = '/api/v1/namespaces/default/events';
    const ev = (name: string, last: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name },
        involvedObject: { kind: 'ConfigMap', name: 'occ', namespace: 'default' },
        reason: 'Test',
        message: 'm',
        type: 'Normal',
        firstTimestamp: last,
        lastTimestamp: last,
      });
    const now = Date.now();
    expect(
      (await call('POST', EV, ev('old', new Date(now - 61 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'))))
        .code,
    ).toBe(201);
    expect(
      (await call('POST', EV, ev('fresh', new Date(now - 5 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'))))
        .code,
    ).toBe(201);
    expect(await space.sweepEvents(now)).toBe(1);
    expect((await call('GET', `${EV}/old`)).code).toBe(404);
    expect((await call('GET', `${EV}/fresh`)).code).toBe(200);
  });
});
