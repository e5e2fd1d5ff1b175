import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { stringify as toYaml } from 'yaml';
import { openStore } from './storage/sqlite.js';
import type { Store } from './storage/types.js';
import { Registry } from './registry.js';
import { builtinResources, builtinSeedObjects } from './builtins/index.js';
import { Ipam } from './builtins/ipam.js';
import { ObjectService, type ObjectHooks } from './objects.js';
import { OpenApiService } from './openapi.js';
import { ApiHandler, sendJson, sendStatus } from './http/handler.js';
import { authenticate, type UserInfo } from './http/auth.js';
import { ApiError, errors } from './errors.js';
import { loadOrCreateCredentials, type Credentials } from './pki.js';
import { TaskRunner } from './tasks.js';
import { GarbageCollector } from './gc.js';
import {
  cleanupNamespace,
  checkNamespaceDeletable,
  markNamespaceTerminating,
  SEEDED_NAMESPACES,
} from './namespaces.js';
import {
  crdStrategy,
  markCrdTerminating,
  syncCrd,
  createWhileTerminating,
  CLEANUP_FINALIZER,
} from './crd/controller.js';
import type { KObject, ResourceDef, StrategyContext } from './types.js';
import { writeFileAtomic } from '../util/fs.js';

export interface SpaceOptions {
  /** Directory for the database and credentials (created if missing). */
  dataDir: string;
  /** Name of the space; also the kubeconfig context name. */
  name?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * With no `port`: listen on the port of the previous run in this data directory when it is
   * free (kubeconfigs handed out stay valid across restarts), else on a free one; the port used
   * is recorded in `DATA_DIR/port`.
   */
  keepPort?: boolean;
  /** Listen address; 127.0.0.1 unless told otherwise. */
  host?: string;
  logger?: Logger;
  /** Watch bookmark interval (default 60 s). */
  bookmarkIntervalMs?: number;
  /** Storage tuning, mostly for tests and benchmarks. */
  storage?: {
    retainRevisions?: number;
    retainMs?: number;
    compactIntervalMs?: number;
    synchronous?: 'FULL' | 'NORMAL';
  };
}

/** Upstream's default `--event-ttl`. */
const EVENT_TTL_MS = 60 * 60 * 1000;
const EVENT_SWEEP_MS = 60 * 1000;

export const SERVER_VERSION = {
  major: '1',
  minor: '34',
  gitVersion: 'v1.34.0-kstellar',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-01T00:00:00Z',
  goVersion: 'go1.24.0',
  compiler: 'gc',
  platform: 'linux/amd64',
  emulationMajor: '1',
  emulationMinor: '34',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '33',
};

/** A running space: a Kubernetes-compatible HTTPS API server over one SQLite file. */
export class Space {
  readonly store: Store;
  readonly registry = new Registry();
  readonly objects: ObjectService;
  readonly log: Logger;
  private readonly ipam = new Ipam();
  private readonly tasks: TaskRunner;
  private readonly handler: ApiHandler;
  private server?: Server;
  private tokens = new Map<string, UserInfo>();
  private committed = 0;
  private committedWatch?: { close(): void };
  private gc?: GarbageCollector;
  private eventSweeper?: NodeJS.Timeout;
  private activeSockets = new Set<import('node:stream').Duplex>();

  private constructor(
    readonly options: SpaceOptions,
    readonly credentials: Credentials,
  ) {
    this.log = options.logger ?? pino({ level: 'silent' });
    this.tasks = new TaskRunner(this.log);
    this.store = openStore({
      path: join(options.dataDir, 'space.db'),
      retainRevisions: options.storage?.retainRevisions,
      retainMs: options.storage?.retainMs,
      compactIntervalMs: options.storage?.compactIntervalMs,
      synchronous: options.storage?.synchronous,
    });
    this.tokens.set(credentials.token, {
      username: 'admin',
      uid: 'kstellar-admin',
      groups: ['system:masters', 'system:authenticated'],
    });
    const scope = (dryRun: boolean) => {
      if (dryRun)
        return {
          ctx: { now: new Date(), ipam: this.ipam.preview(), newUid: () => randomUUID() } as StrategyContext,
          commit() {},
          rollback() {},
        };
      const t = this.ipam.begin();
      return {
        ctx: { now: new Date(), ipam: t, newUid: () => randomUUID() } as StrategyContext,
        commit: () => t.commit(),
        rollback: () => t.rollback(),
      };
    };
    this.objects = new ObjectService(this.store, this.registry, scope, this.hooks());
    this.handler = new ApiHandler({
      store: this.store,
      registry: this.registry,
      objects: this.objects,
      openapi: new OpenApiService(this.registry),
      log: this.log,
      serverAddress: () => this.address,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
      committedRev: () => Math.max(this.committed, this.store.compactRev()),
      version: SERVER_VERSION,
    });
  }

  static async start(options: SpaceOptions): Promise<Space> {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const creds = await loadOrCreateCredentials(options.dataDir);
    const space = new Space(options, creds);
    try {
      await space.init();
      await space.listen();
    } catch (e) {
      await space.close();
      throw e;
    }
    return space;
  }

  get name(): string {
    return this.options.name ?? 'space';
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `https://${this.options.host && this.options.host !== '0.0.0.0' ? this.options.host : '127.0.0.1'}:${this.port}`;
  }

  /** Tokens other than the admin token (e.g. per-component identities). */
  addToken(token: string, user: UserInfo): void {
    this.tokens.set(token, user);
  }

  // -------------------------------------------------------------------------------------------

  private hooks(): ObjectHooks {
    return {
      beforeCreate: (tx, def) => {
        if (def.crd) {
          const crdDef = this.registry.get('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
          const crd = tx.get(this.objects.key(crdDef, undefined, def.crd.name))?.object;
          if (crd?.metadata?.deletionTimestamp) throw createWhileTerminating(def, '');
        }
      },
      onDelete: (def, obj) => {
        if (def.group === '' && def.resource === 'namespaces') {
          checkNamespaceDeletable(obj.metadata!.name!);
          markNamespaceTerminating(obj);
        } else if (def.group === 'apiextensions.k8s.io' && def.resource === 'customresourcedefinitions') {
          markCrdTerminating(obj, new Date());
        }
      },
      afterWrite: (def, obj, deleted) => {
        if (def.group === 'apiextensions.k8s.io' && def.resource === 'customresourcedefinitions') {
          syncCrd(this.registry, obj, deleted);
          if (!deleted && obj.metadata?.deletionTimestamp) this.scheduleCrdCleanup(obj.metadata.name!);
        } else if (def.group === '' && def.resource === 'namespaces') {
          if (!deleted && obj.metadata?.deletionTimestamp) this.scheduleNamespaceCleanup(obj.metadata.name!);
          else if (!deleted && obj.metadata?.resourceVersion && Number(obj.metadata.resourceVersion) > 0)
            this.scheduleNamespaceDefaults(obj);
        }
      },
    };
  }

  private async init(): Promise<void> {
    const crdDefs: ResourceDef[] = [];
    for (const def of builtinResources()) {
      if (def.group === 'apiextensions.k8s.io' && def.resource === 'customresourcedefinitions') {
        def.strategy = crdStrategy(() => this.objects.listAll(def));
        crdDefs.push(def);
      }
      this.registry.add(def);
    }
    // Serve stored CRDs; resume whatever cleanup a previous run left half done.
    const crdDef = crdDefs[0];
    for (const crd of this.objects.listAll(crdDef)) {
      syncCrd(this.registry, crd, false);
      if (crd.metadata?.deletionTimestamp) this.scheduleCrdCleanup(crd.metadata.name!);
    }
    const svcDef = this.registry.get('', 'v1', 'services')!;
    for (const svc of this.objects.listAll(svcDef)) this.ipam.observe(svc);
    await this.seed();
    const nsDef = this.registry.get('', 'v1', 'namespaces')!;
    for (const ns of this.objects.listAll(nsDef))
      if (ns.metadata?.deletionTimestamp) this.scheduleNamespaceCleanup(ns.metadata.name!);
    this.eventSweeper = setInterval(() => void this.sweepEvents(), EVENT_SWEEP_MS);
    this.eventSweeper.unref();
    // Track the highest published revision (bookmarks, "too large resource version").
    this.committed = this.store.currentRev();
    this.gc = new GarbageCollector(this.store, this.registry, this.objects, this.tasks, this.log);
    this.gc.start();
    this.committedWatch = this.store.watch({
      prefix: '/',
      fromRev: this.store.currentRev(),
      onEvent: (e) => {
        this.committed = e.rev;
        this.gc!.onEvent(e);
      },
    });
  }

  private async seed(): Promise<void> {
    const opts = { fieldManager: 'kstellar-space', fieldValidation: 'Ignore' as const, dryRun: false };
    const nsDef = this.registry.get('', 'v1', 'namespaces')!;
    for (const name of SEEDED_NAMESPACES) {
      if (!this.store.get(this.objects.key(nsDef, undefined, name)))
        await this.objects.create(nsDef, undefined, { metadata: { name } }, opts);
    }
    for (const obj of builtinSeedObjects()) {
      const [g, v] = obj.apiVersion!.includes('/') ? obj.apiVersion!.split('/') : ['', obj.apiVersion!];
      const def = this.registry.byKind(g, v, obj.kind!);
      if (!def) continue;
      if (!this.store.get(this.objects.key(def, obj.metadata?.namespace, obj.metadata!.name!)))
        await this.objects.create(def, obj.metadata?.namespace, structuredClone(obj), opts);
    }
  }

  /** Upstream controllers add a `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap to every namespace. */
  private scheduleNamespaceDefaults(ns: KObject): void {
    const name = ns.metadata!.name!;
    this.tasks.schedule(`ns-defaults/${name}`, async () => {
      const opts = { fieldManager: 'kstellar-space', fieldValidation: 'Ignore' as const, dryRun: false };
      const saDef = this.registry.get('', 'v1', 'serviceaccounts')!;
      const cmDef = this.registry.get('', 'v1', 'configmaps')!;
      const nsDef = this.registry.get('', 'v1', 'namespaces')!;
      const cur = this.store.get(this.objects.key(nsDef, undefined, name))?.object;
      if (!cur || cur.metadata?.deletionTimestamp) return true;
      const ensure = async (def: ResourceDef, obj: KObject) => {
        if (this.store.get(this.objects.key(def, name, obj.metadata!.name!))) return;
        try {
          await this.objects.create(def, name, obj, opts);
        } catch (e) {
          const code = (e as ApiError).code;
          if (code !== 409 && code !== 403 && code !== 404) throw e;
        }
      };
      await ensure(saDef, { metadata: { name: 'default' } });
      await ensure(cmDef, {
        metadata: { name: 'kube-root-ca.crt' },
        data: { 'ca.crt': this.credentials.caCertPem },
      });
      return true;
    });
  }

  private scheduleNamespaceCleanup(name: string): void {
    // Like upstream's namespace controller, start a moment later: `kubectl delete -f` of a
    // manifest holding a namespace and its objects then still finds the objects it deletes.
    this.tasks.schedule(`ns-cleanup/${name}`, () => cleanupNamespace(this.objects, this.registry, name), 300);
  }

  private scheduleCrdCleanup(name: string): void {
    this.tasks.schedule(`crd-cleanup/${name}`, () => this.cleanupCrd(name));
  }

  /** Delete every instance of a terminating CRD, then release its finalizer. */
  private async cleanupCrd(name: string): Promise<boolean> {
    const crdDef = this.registry.get('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
    const crd = this.store.get(this.objects.key(crdDef, undefined, name))?.object;
    if (!crd?.metadata?.deletionTimestamp) return true;
    const def = this.registry.all().find((d) => d.crd?.name === name);
    let remaining = 0;
    if (def) {
      for (const o of this.objects.listAll(def)) {
        if (o.metadata?.deletionTimestamp) {
          remaining++;
          continue;
        }
        try {
          const r = await this.objects.delete(def, o.metadata?.namespace, o.metadata!.name!, {
            dryRun: false,
          });
          if (!r.deleted) remaining++;
        } catch (e) {
          if ((e as ApiError).code !== 404) throw e;
        }
      }
    }
    if (remaining > 0) return false;
    await this.objects.modify(
      crdDef,
      undefined,
      name,
      { fieldManager: 'kstellar-space', fieldValidation: 'Ignore', dryRun: false },
      (cur) => ({
        ...cur,
        metadata: {
          ...cur.metadata,
          finalizers: (cur.metadata?.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER),
        },
      }),
    );
    return true;
  }

  // -------------------------------------------------------------------------------------------

  private async listen(): Promise<void> {
    const c = this.credentials;
    this.server = createHttpsServer(
      {
        key: c.serverKeyPem,
        cert: c.serverCertPem,
        ca: c.caCertPem,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => void this.onRequest(req, res),
    );
    this.server.keepAliveTimeout = 65_000;
    this.server.on('connection', (s) => {
      this.activeSockets.add(s);
      s.on('close', () => this.activeSockets.delete(s));
    });
    this.server.on('tlsClientError', () => {});
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        this.server!.once('error', reject);
        this.server!.listen(port, this.options.host ?? '127.0.0.1', () => {
          this.server!.off('error', reject);
          resolve();
        });
      });
    const portFile = join(this.options.dataDir, 'port');
    const recorded = this.options.keepPort && !this.options.port ? readPort(portFile) : undefined;
    try {
      await listen(recorded ?? this.options.port ?? 0);
    } catch (e) {
      if (recorded === undefined || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      this.log.warn({ port: recorded }, 'the port of the previous run is taken; using a new one');
      await listen(0);
    }
    if (this.options.keepPort) writeFileAtomic(portFile, `${this.port}\n`, 0o600);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (req.method === 'GET' && (path === '/healthz' || path === '/livez' || path === '/readyz')) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      }
      if (req.method === 'GET' && path === '/version') return sendJson(res, 200, SERVER_VERSION);
      const user = authenticate(req, this.tokens);
      if (!user) throw errors.unauthorized();
      await this.handler.handle(req, res, user);
    } catch (e) {
      const err = e instanceof ApiError ? e : errors.internal((e as Error)?.message ?? String(e));
      if (!(e instanceof ApiError))
        this.log.error({ err: e, method: req.method, url: req.url }, 'request failed');
      sendStatus(res, err);
    } finally {
      this.log.debug(
        { method: req.method, url: req.url, code: res.statusCode, ms: Date.now() - started },
        'request',
      );
    }
  }

  /** A kubeconfig for the admin user (bearer token), as YAML. */
  kubeconfig(opts: { name?: string; server?: string; namespace?: string } = {}): string {
    const name = opts.name ?? this.name;
    return toYaml({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name,
          cluster: {
            server: opts.server ?? this.url,
            'certificate-authority-data': Buffer.from(this.credentials.caCertPem).toString('base64'),
          },
        },
      ],
      users: [{ name: `${name}-admin`, user: { token: this.credentials.token } }],
      contexts: [
        { name, context: { cluster: name, user: `${name}-admin`, namespace: opts.namespace ?? 'default' } },
      ],
      'current-context': name,
      preferences: {},
    });
  }

  writeKubeconfig(path: string, opts: { name?: string } = {}): void {
    writeFileAtomic(path, this.kubeconfig(opts), 0o600);
  }

  /**
   * Events expire an hour after they were last updated, as upstream's `--event-ttl` (kine
   * stores them with a lease). Returns how many were deleted.
   */
  async sweepEvents(now = Date.now()): Promise<number> {
    let n = 0;
    for (const [group, version] of [
      ['', 'v1'],
      ['events.k8s.io', 'v1'],
    ]) {
      const def = this.registry.get(group, version, 'events');
      if (!def) continue;
      for (const ev of this.objects.listAll(def)) {
        const last = Date.parse(
          ev.lastTimestamp ??
            ev.eventTime ??
            ev.series?.lastObservedTime ??
            ev.metadata?.creationTimestamp ??
            '',
        );
        if (!(now - last > EVENT_TTL_MS)) continue;
        try {
          const r = await this.objects.delete(def, ev.metadata?.namespace, ev.metadata!.name!, {
            dryRun: false,
            preconditions: { uid: ev.metadata?.uid },
          });
          if (r.deleted) n++;
        } catch (e) {
          if ((e as ApiError).code !== 404 && (e as ApiError).code !== 409)
            this.log.warn({ err: (e as Error).message }, 'event expiry failed');
        }
      }
    }
    return n;
  }

  /** Close every client connection (watches included); clients reconnect. For fault tests. */
  dropConnections(): void {
    for (const s of this.activeSockets) s.destroy();
  }

  async close(): Promise<void> {
    this.tasks.stop();
    if (this.eventSweeper) clearInterval(this.eventSweeper);
    this.committedWatch?.close();
    if (this.server) {
      const srv = this.server;
      await new Promise<void>((resolve) => {
        srv.close(() => resolve());
        // Watches are long-lived: end them so close() does not wait for their timeouts.
        for (const s of this.activeSockets) s.destroy();
      });
    }
    this.store.close();
  }
}

/** The port recorded by a previous run, if any. */
function readPort(file: string): number | undefined {
  try {
    const port = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  } catch {
    return undefined;
  }
}
