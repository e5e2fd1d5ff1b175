/**
 * HTTP transport to one API server, configured from a kubeconfig: TLS (CA, client certificate),
 * credentials (token, exec and auth providers through client-node), a keep-alive connection pool,
 * client-side rate limiting, and streaming responses for watches.
 *
 * NOTE: we speak HTTP ourselves instead of using client-node's generated clients so that any
 * group/version/resource can be addressed, watches are plain line streams we control (resume,
 * idle detection), and connections are pooled (client-node makes a new agent per request).
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfigLike as KubeConfig } from './static-kubeconfig.js';
import { ApiError, KubeConfigError, type Status } from './errors.js';
import { TokenBucket, type RateLimiter } from './rate-limiter.js';

export interface RestClientOptions {
  /** Client-side rate limit (default 1000 QPS). Ignored when `rateLimiter` is given. */
  qps?: number;
  /** Client-side burst (default 2000). */
  burst?: number;
  /** A limiter to share between clients, or `null` for none. */
  rateLimiter?: RateLimiter | null;
  /** User-Agent header (default `kstellar`). */
  userAgent?: string;
  /** Whole-request timeout for non-streaming requests (default 60 s). */
  timeoutMs?: number;
  /** How long credentials (tokens from files or exec plugins) are reused before re-reading (60 s). */
  credentialTtlMs?: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: string;
  /** Path below the server URL, e.g. `/api/v1/namespaces`. */
  path: string;
  query?: Query;
  /** An object is sent as JSON; strings and Buffers as they are. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** Overrides the client's request timeout (ms). */
  timeoutMs?: number;
}

export interface StreamOptions extends RequestOptions {
  /** The stream is cut when nothing arrives for this long (default 5 min). */
  idleTimeoutMs?: number;
}

/** An open streaming response. `done` settles when it ends: resolved on a clean end or close(). */
export interface Stream {
  readonly done: Promise<void>;
  close(): void;
}

interface Setup {
  agent: http.Agent;
  /** Headers carrying credentials, and when they were computed. */
  headers: Record<string, string>;
  at: number;
}

export class RestClient {
  readonly server: URL;
  readonly limiter: RateLimiter | null;
  private readonly basePath: string;
  private readonly mod: typeof http | typeof https;
  private setup?: Promise<Setup>;
  private closed = false;

  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly options: RestClientOptions = {},
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeConfigError(`context "${kubeConfig.getCurrentContext()}" has no cluster`);
    this.server = new URL(cluster.server);
    // A server URL may carry a path prefix (one listener hosting several spaces).
    this.basePath = this.server.pathname.replace(/\/+$/, '');
    this.mod = this.server.protocol === 'http:' ? http : https;
    this.limiter =
      options.rateLimiter !== undefined
        ? options.rateLimiter
        : new TokenBucket({ qps: options.qps, burst: options.burst });
  }

  /** Sends a request and returns the decoded JSON body; non-2xx answers throw ApiError. */
  async request<T = any>(o: RequestOptions): Promise<T> {
    const { status, body } = await this.requestRaw(o);
    if (status === 204 || body === '') return undefined as T;
    return JSON.parse(body) as T;
  }

  /** Like `request` but returns the body text and status without decoding. */
  async requestRaw(o: RequestOptions): Promise<{ status: number; body: string }> {
    const method = o.method ?? 'GET';
    for (let attempt = 0; ; attempt++) {
      const started = await this.open(o, o.timeoutMs ?? this.options.timeoutMs ?? 60_000).then(
        (r) => ({ ok: true as const, r }),
        (err) => ({ ok: false as const, err }),
      );
      if (!started.ok) {
        // A pooled socket the server had already closed (idle timeout, restart): the request
        // almost surely never reached it, so it is replayed once whatever the method, as Go's
        // transport does for closed idle connections (Node's documented reusedSocket pattern).
        // Should the server have processed it after all, the replay answers a plain 409/404.
        const e = started.err as { code?: string; reusedSocket?: boolean };
        if (attempt === 0 && e.reusedSocket && e.code === 'ECONNRESET') continue;
        throw started.err;
      }
      const { res } = started.r;
      const body = await readBody(res);
      const status = res.statusCode ?? 0;
      if (status === 401 && attempt === 0) {
        this.setup = this.refreshCredentials();
        continue;
      }
      if (status < 200 || status >= 300) throw apiErrorFrom(status, body, `${method} ${o.path}`);
      return { status, body };
    }
  }

  /**
   * Opens a streaming GET (a watch) and feeds it to `onLine` one line at a time. Resolves once the
   * server has answered 200; any other answer throws ApiError.
   */
  async stream(o: StreamOptions, onLine: (line: string) => void): Promise<Stream> {
    const { req, res } = await this.open(o, 0);
    const status = res.statusCode ?? 0;
    if (status !== 200) throw apiErrorFrom(status, await readBody(res), `GET ${o.path}`);
    let closedByUs = false;
    const onAbort = () => (closedByUs = true);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const idle = o.idleTimeoutMs ?? 300_000;
    req.setTimeout(idle, () => req.destroy(Object.assign(new Error('watch idle'), { code: 'ETIMEDOUT' })));
    let broken = false;
    // A throwing consumer ends the stream with its error instead of escaping from an emitter.
    const deliver = (line: string): boolean => {
      if (broken) return false;
      try {
        onLine(line);
        return true;
      } catch (e) {
        broken = true;
        req.destroy(e as Error);
        res.destroy(e as Error);
        return false;
      }
    };
    const done = new Promise<void>((resolve, reject) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let start = 0;
        let nl: number;
        while ((nl = buf.indexOf('\n', start)) >= 0) {
          const line = buf.slice(start, nl);
          start = nl + 1;
          if (line.trim() !== '' && !deliver(line)) return;
          if (closedByUs) return;
        }
        buf = start ? buf.slice(start) : buf;
      });
      res.on('end', () => {
        if (buf.trim() !== '' && !closedByUs) deliver(buf);
        resolve();
      });
      const fail = (err: Error) => (closedByUs ? resolve() : reject(err));
      res.on('error', fail);
      req.on('error', fail);
      res.on('close', () => (res.complete || closedByUs ? resolve() : reject(resetError())));
    }).finally(() => o.signal?.removeEventListener('abort', onAbort));
    return {
      done,
      close: () => {
        closedByUs = true;
        req.destroy();
      },
    };
  }

  /** Closes pooled connections; in-flight requests fail. */
  close(): void {
    this.closed = true;
    void this.setup?.then((s) => s.agent.destroy()).catch(() => undefined);
  }

  private async open(
    o: RequestOptions,
    timeoutMs: number,
  ): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    if (this.closed) throw new Error('client closed');
    if (this.limiter) await this.limiter.acquire(o.signal);
    o.signal?.throwIfAborted();
    const setup = await this.credentials();
    const body =
      o.body === undefined
        ? undefined
        : typeof o.body === 'string' || Buffer.isBuffer(o.body)
          ? o.body
          : JSON.stringify(o.body);
    const headers: Record<string, string | number> = {
      ...setup.headers,
      Accept: o.accept ?? 'application/json',
      'User-Agent': this.options.userAgent ?? 'kstellar',
    };
    if (body !== undefined) {
      headers['Content-Type'] = o.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const req = this.mod.request(
        {
          protocol: this.server.protocol,
          hostname: this.server.hostname.replace(/^\[|\]$/g, ''),
          port: this.server.port || undefined,
          method: o.method ?? 'GET',
          path: this.basePath + o.path + queryString(o.query),
          headers,
          agent: setup.agent,
          signal: o.signal,
        },
        (res) => {
          if (timer) res.once('close', () => clearTimeout(timer));
          resolve({ req, res });
        },
      );
      const timer =
        timeoutMs > 0
          ? setTimeout(
              () =>
                req.destroy(
                  Object.assign(new Error(`request timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
                ),
              timeoutMs,
            )
          : undefined;
      req.on('error', (err: Error & { reusedSocket?: boolean }) => {
        clearTimeout(timer);
        err.reusedSocket = req.reusedSocket;
        reject(err);
      });
      req.end(body);
    });
  }

  private credentials(): Promise<Setup> {
    const ttl = this.options.credentialTtlMs ?? 60_000;
    if (!this.setup) this.setup = this.initialSetup();
    return this.setup.then((s) => {
      if (Date.now() - s.at < ttl) return s;
      this.setup = this.refreshCredentials();
      return this.setup;
    });
  }

  private async initialSetup(): Promise<Setup> {
    const opts: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(opts);
    const cluster = this.kubeConfig.getCurrentCluster()!;
    // Our own keep-alive pool unless a proxy is configured (then client-node's proxy agent).
    const agent = cluster.proxyUrl
      ? (opts.agent as http.Agent)
      : this.mod === http
        ? new http.Agent({ keepAlive: true, scheduling: 'lifo' })
        : new https.Agent({
            keepAlive: true,
            scheduling: 'lifo',
            ca: opts.ca,
            cert: opts.cert,
            key: opts.key,
            rejectUnauthorized: opts.rejectUnauthorized,
            servername: opts.servername,
          });
    return { agent, headers: headersOf(opts), at: Date.now() };
  }

  private async refreshCredentials(): Promise<Setup> {
    const prev = await (this.setup ?? this.initialSetup());
    const opts: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(opts);
    return { agent: prev.agent, headers: headersOf(opts), at: Date.now() };
  }
}

function headersOf(opts: https.RequestOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {}))
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  if (opts.auth) out.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return out;
}

function queryString(q: Query | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(resetError());
    });
  });
}

function resetError(): Error {
  return Object.assign(new Error('connection closed before the response ended'), { code: 'ECONNRESET' });
}

/** Builds an ApiError from an error response, using its Status body when there is one. */
export function apiErrorFrom(code: number, body: string, request?: string): ApiError {
  let status: Status | undefined;
  try {
    const parsed = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && parsed.kind === 'Status') status = parsed;
  } catch {
    // not JSON: keep the text as the message
  }
  if (!status && body) status = { message: body.slice(0, 500), code };
  return new ApiError(code, status, request);
}
