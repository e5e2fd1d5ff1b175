import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto, randomBytes, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';

/**
 * Per-space credentials: a self-signed CA, a serving certificate for 127.0.0.1/localhost, and an
 * admin bearer token. Generated once and persisted next to the database, so a restarted space
 * keeps the kubeconfig its users already have.
 */
export interface Credentials {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** Bearer token of the admin user. */
  token: string;
}

x509.cryptoProvider.set(webcrypto as any);
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

function serial(): string {
  // Positive 16-byte serial (leading bit cleared).
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

async function keyToPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as any));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({
    format: 'pem',
    type: 'pkcs8',
  }) as string;
}

async function importPkcs8(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
  return (await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign'])) as unknown as CryptoKey;
}

export async function createCA(commonName: string): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, [
    'sign',
    'verify',
  ])) as unknown as CryptoKeyPair;
  const now = new Date(Date.now() - 60_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: now,
    notAfter: new Date(now.getTime() + TEN_YEARS_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyToPem(keys.privateKey) };
}

/** Issue a leaf certificate signed by the CA: a server cert (with SANs) or a client cert (CN=user, O=groups). */
export async function issueCert(
  ca: { certPem: string; keyPem: string },
  opts: {
    commonName: string;
    organizations?: string[];
    dnsNames?: string[];
    ips?: string[];
    client?: boolean;
  },
): Promise<{ certPem: string; keyPem: string }> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importPkcs8(ca.keyPem);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, [
    'sign',
    'verify',
  ])) as unknown as CryptoKeyPair;
  const subject = [`CN=${opts.commonName}`, ...(opts.organizations ?? []).map((o) => `O=${o}`)].join(', ');
  const now = new Date(Date.now() - 60_000);
  const san = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: caCert.subject,
    notBefore: now,
    notAfter: new Date(now.getTime() + TEN_YEARS_MS),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        opts.client ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth,
      ]),
      ...(san.length ? [new x509.SubjectAlternativeNameExtension(san)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyToPem(keys.privateKey) };
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Load the credentials kept in `dir`, creating whatever is missing. `ca` lets several spaces of
 * one installation share a CA (the daemon); by default each space gets its own.
 */
export async function loadOrCreateCredentials(
  dir: string,
  opts: { ca?: { certPem: string; keyPem: string }; hosts?: string[] } = {},
): Promise<Credentials> {
  const p = (f: string) => join(dir, f);
  const read = (f: string) => (existsSync(p(f)) ? readFileSync(p(f), 'utf8') : undefined);
  let caCertPem = read('ca.crt');
  let caKeyPem = read('ca.key');
  if (!caCertPem || !caKeyPem) {
    const ca = opts.ca ?? (await createCA('kstellar-space-ca'));
    caCertPem = ca.certPem;
    caKeyPem = ca.keyPem;
    writeFileAtomic(p('ca.key'), caKeyPem, 0o600);
    writeFileAtomic(p('ca.crt'), caCertPem, 0o644);
  }
  let serverCertPem = read('server.crt');
  let serverKeyPem = read('server.key');
  if (!serverCertPem || !serverKeyPem) {
    const hosts = opts.hosts ?? [];
    const leaf = await issueCert(
      { certPem: caCertPem, keyPem: caKeyPem },
      {
        commonName: 'kstellar-space',
        dnsNames: ['localhost', ...hosts.filter((h) => !/^[\d.]+$|:/.test(h))],
        ips: ['127.0.0.1', ...hosts.filter((h) => /^[\d.]+$|:/.test(h) && h !== '127.0.0.1')],
      },
    );
    serverCertPem = leaf.certPem;
    serverKeyPem = leaf.keyPem;
    writeFileAtomic(p('server.key'), serverKeyPem, 0o600);
    writeFileAtomic(p('server.crt'), serverCertPem, 0o644);
  }
  let token = read('token')?.trim();
  if (!token) {
    token = newToken();
    writeFileAtomic(p('token'), token + '\n', 0o600);
  }
  return { caCertPem, caKeyPem, serverCertPem, serverKeyPem, token };
}
