import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { stringify as toYaml } from 'yaml';
import { startSpaceProcess, tempDir, removeDir, type SpaceProcess } from '../test/helpers/space-process.js';
import { createCA, issueCert } from '../src/space/pki.js';
import { Kubectl } from './helpers/kubectl.js';
import { readKubeconfig, request, type SpaceAccess } from './helpers/https.js';

/** Authentication and TLS of a `kstellar space serve` process, seen from Node's https client and kubectl. */

let space: SpaceProcess;
let access: SpaceAccess;
let scratch: string;

beforeAll(async () => {
  space = await startSpaceProcess({ name: 'e2e-auth' });
  access = readKubeconfig(space.kubeconfig);
  scratch = tempDir('kstellar-auth-');
});

afterAll(async () => {
  await space?.stop();
  if (space) removeDir(space.dataDir);
  if (scratch) removeDir(scratch);
});

function expectUnauthorized(res: { status: number; json: any }): void {
  expect(res.status).toBe(401);
  expect(res.json).toMatchObject({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason: 'Unauthorized',
    code: 401,
  });
  expect(typeof res.json.message).toBe('string');
}

/** A kubeconfig for this space that authenticates with the given user entry. */
function writeUserKubeconfig(file: string, user: Record<string, string>): string {
  const kc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 's',
        cluster: {
          server: access.url,
          'certificate-authority-data': Buffer.from(access.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: 'u', user }],
    contexts: [{ name: 's', context: { cluster: 's', user: 'u' } }],
    'current-context': 's',
  };
  const path = join(scratch, file);
  writeFileSync(path, toYaml(kc), { mode: 0o600 });
  return path;
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

describe('bearer tokens', () => {
  it('no token → 401 Status with reason Unauthorized', async () => {
    expectUnauthorized(await request(`${access.url}/api/v1/namespaces`, { ca: access.caPem }));
    expectUnauthorized(await request(`${access.url}/apis`, { ca: access.caPem }));
  });

  it('wrong token → 401', async () => {
    expectUnauthorized(
      await request(`${access.url}/api/v1/namespaces`, { ca: access.caPem, token: 'not-the-token' }),
    );
    // A prefix of the real token is not accepted either.
    expectUnauthorized(
      await request(`${access.url}/api/v1/namespaces`, {
        ca: access.caPem,
        token: access.token.slice(0, -1),
      }),
    );
  });

  it('valid token → 200', async () => {
    const res = await request(`${access.url}/api/v1/namespaces`, { ca: access.caPem, token: access.token });
    expect(res.status).toBe(200);
    expect(res.json.kind).toBe('NamespaceList');
    expect(res.json.items.map((n: any) => n.metadata.name)).toContain('default');
  });

  it('/version and /healthz answer without credentials', async () => {
    const version = await request(`${access.url}/version`, { ca: access.caPem });
    expect(version.status).toBe(200);
    expect(version.json.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(version.json.major).toBe('1');
    const health = await request(`${access.url}/healthz`, { ca: access.caPem });
    expect(health.status).toBe(200);
    expect(health.body).toBe('ok');
  });

  it('kubectl with a wrong token is told to log in', async () => {
    const kc = writeUserKubeconfig('bad-token.kubeconfig', { token: 'nope' });
    const r = await new Kubectl(kc, join(scratch, 'bad-token')).run(['get', 'ns']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('You must be logged in to the server');
  });
});

describe('client certificates', () => {
  let alice: { certPem: string; keyPem: string };

  beforeAll(async () => {
    const ca = {
      certPem: readFileSync(join(space.dataDir, 'ca.crt'), 'utf8'),
      keyPem: readFileSync(join(space.dataDir, 'ca.key'), 'utf8'),
    };
    alice = await issueCert(ca, { commonName: 'alice', organizations: ['devs'], client: true });
  });

  it('a certificate signed by the space CA authenticates as CN with O as groups', async () => {
    const ns = await request(`${access.url}/api/v1/namespaces`, {
      ca: access.caPem,
      cert: alice.certPem,
      key: alice.keyPem,
    });
    expect(ns.status).toBe(200);
    expect(ns.json.kind).toBe('NamespaceList');

    const review = await request(`${access.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
      method: 'POST',
      ca: access.caPem,
      cert: alice.certPem,
      key: alice.keyPem,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    expect(review.status).toBe(201);
    expect(review.json.status.userInfo.username).toBe('alice');
    expect(review.json.status.userInfo.groups).toEqual(
      expect.arrayContaining(['devs', 'system:authenticated']),
    );
  });

  it('kubectl works with a client-certificate kubeconfig', async () => {
    const kc = writeUserKubeconfig('alice.kubeconfig', {
      'client-certificate-data': b64(alice.certPem),
      'client-key-data': b64(alice.keyPem),
    });
    const k = new Kubectl(kc, join(scratch, 'alice'));
    const r = await k.run(['get', 'ns']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^default\s+Active/m);
    const list = await k.json(['get', 'ns']);
    expect(list.items.map((n: any) => n.metadata.name)).toContain('kube-system');
  });

  it('a certificate from another CA → 401', async () => {
    const otherCa = await createCA('someone-else');
    const mallory = await issueCert(otherCa, {
      commonName: 'alice',
      organizations: ['system:masters'],
      client: true,
    });
    const res = await request(`${access.url}/api/v1/namespaces`, {
      ca: access.caPem,
      cert: mallory.certPem,
      key: mallory.keyPem,
    });
    expectUnauthorized(res);

    const kc = writeUserKubeconfig('mallory.kubeconfig', {
      'client-certificate-data': b64(mallory.certPem),
      'client-key-data': b64(mallory.keyPem),
    });
    const r = await new Kubectl(kc, join(scratch, 'mallory')).run(['get', 'ns']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('You must be logged in to the server');
  });
});

describe('TLS and the kubeconfig file', () => {
  it('the kubeconfig is written with mode 0600 and names the context after the space', () => {
    expect(statSync(space.kubeconfig).mode & 0o777).toBe(0o600);
    const text = readFileSync(space.kubeconfig, 'utf8');
    expect(text).toMatch(/current-context: e2e-auth/);
    expect(access.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(access.token.length).toBeGreaterThanOrEqual(32);
  });

  it('the served certificate is signed by the kubeconfig CA and has SANs IP:127.0.0.1 and DNS:localhost', async () => {
    const port = Number(new URL(access.url).port);
    const peer = await new Promise<X509Certificate>((resolve, reject) => {
      // servername "localhost": the TLS client verifies both the chain and the DNS SAN.
      const sock: TLSSocket = connect(
        { host: '127.0.0.1', port, ca: access.caPem, servername: 'localhost' },
        () => {
          const cert = sock.getPeerX509Certificate();
          sock.end();
          if (!sock.authorized || !cert) reject(new Error(`not authorized: ${sock.authorizationError}`));
          else resolve(cert);
        },
      );
      sock.on('error', reject);
    });
    const sans = (peer.subjectAltName ?? '').split(', ');
    expect(sans).toContain('IP Address:127.0.0.1');
    expect(sans).toContain('DNS:localhost');
    expect(peer.checkIssued(new X509Certificate(access.caPem))).toBe(true);
    // The same certificate is on disk.
    expect(new X509Certificate(readFileSync(join(space.dataDir, 'server.crt'))).fingerprint256).toBe(
      peer.fingerprint256,
    );

    // Through "localhost" as well as the IP the server verifies.
    const viaName = await request(`https://localhost:${port}/version`, { ca: access.caPem });
    expect(viaName.status).toBe(200);
  });

  it('plain HTTP does not get a 200 JSON answer', async () => {
    const port = Number(new URL(access.url).port);
    const outcome = await new Promise<{ status?: number; body?: string; error?: string }>((resolve) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/namespaces',
          headers: { authorization: `Bearer ${access.token}` },
          timeout: 5_000,
        },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode, body }));
          res.on('error', (e) => resolve({ error: e.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ error: e.message }));
      req.end();
    });
    if (outcome.error === undefined) {
      expect(outcome.status).not.toBe(200);
      expect(outcome.body ?? '').not.toContain('NamespaceList');
    } else {
      expect(outcome.error).toBeTruthy();
    }
  });
});
