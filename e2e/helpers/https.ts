import { request as httpsRequest, Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** What a test needs from a space kubeconfig: where it is, the CA that signed it, the admin token. */
export interface SpaceAccess {
  url: string;
  caPem: string;
  token: string;
}

export function readKubeconfig(path: string): SpaceAccess {
  const kc = parseYaml(readFileSync(path, 'utf8'));
  const cluster = kc.clusters[0].cluster;
  return {
    url: cluster.server,
    caPem: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
    token: kc.users[0].user.token,
  };
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface RequestOptions {
  method?: string;
  token?: string;
  body?: unknown;
  contentType?: string;
  ca?: string;
  cert?: string;
  key?: string;
  agent?: Agent;
  timeoutMs?: number;
}

/** One HTTPS request to a space (server verified against `ca`), resolved with status and body. */
export function request(url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
  const payload =
    opts.body === undefined
      ? undefined
      : typeof opts.body === 'string'
        ? opts.body
        : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: opts.method ?? 'GET',
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        agent: opts.agent,
        headers: {
          accept: 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(payload !== undefined
            ? {
                'content-type': opts.contentType ?? 'application/json',
                'content-length': Buffer.byteLength(payload),
              }
            : {}),
        },
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          let json: any;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
