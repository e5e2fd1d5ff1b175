import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ApiError, errors, type Status } from '../errors.js';
import type { KObject, ResourceDef } from '../types.js';
import type { Store } from '../storage/types.js';
import { CompactedError } from '../storage/types.js';
import { encodeContinue, decodeContinue } from '../storage/sqlite.js';
import type { Registry } from '../registry.js';
import type { ObjectService, WriteOptions, FieldValidation, DeleteOptions } from '../objects.js';
import { parseTarget, type RequestTarget } from './request-info.js';
import { parseMediaTypes, negotiate, type Representation } from './negotiate.js';
import { readBody, bodyFormat, decodeStructured } from './body.js';
import * as discovery from '../discovery.js';
import type { OpenApiService } from '../openapi.js';
import { toTable, toPartial, type IncludeObject } from '../table.js';
import { collectionPrefix, apiVersionOf } from '../keys.js';
import {
  parseLabelSelector,
  matchesLabels,
  parseFieldSelector,
  matchesFields,
  labelSelectorFromObject,
  labelSelectorToString,
} from '../selectors.js';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  PatchApplyError,
  PatchDecodeError,
  PatchTooLargeError,
} from '../patch/index.js';
import type { UserInfo } from './auth.js';
import { evalJsonPath } from '../../util/jsonpath.js';
import { decodeProtobufObject } from '../protobuf/index.js';

/** Everything the handler needs from the space. */
export interface HandlerDeps {
  store: Store;
  registry: Registry;
  objects: ObjectService;
  openapi: OpenApiService;
  log: Logger;
  serverAddress: () => string;
  /** Interval between watch bookmarks (upstream: about a minute). */
  bookmarkIntervalMs: number;
  /** Highest revision whose events have been published. */
  committedRev: () => number;
  version: Record<string, string>;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  q: URLSearchParams;
  user: UserInfo;
  warnings: string[];
}

const JSON_CT = 'application/json';

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': JSON_CT,
    'Cache-Control': 'no-cache, private',
    ...headers,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendStatus(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, err.code, err.status, err.headers);
}

function warningHeaders(ctx: Ctx): Record<string, string | string[]> {
  if (!ctx.warnings.length) return {};
  return { Warning: ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}

function respond(ctx: Ctx, code: number, body: unknown): void {
  const w = warningHeaders(ctx);
  for (const [k, v] of Object.entries(w)) ctx.res.setHeader(k, v);
  sendJson(ctx.res, code, body);
}

function fieldValidation(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (!v) return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`);
}

function fieldManager(ctx: Ctx): string {
  const fm = ctx.q.get('fieldManager');
  if (fm) {
    if (fm.length > 128)
      throw errors.invalidRequest(
        `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes`,
      );
    return fm;
  }
  const ua = String(ctx.req.headers['user-agent'] ?? 'unknown');
  return ua.split('/')[0] || 'unknown';
}

function dryRun(q: URLSearchParams): boolean {
  const v = q.getAll('dryRun');
  if (v.length === 0) return false;
  for (const x of v)
    if (x !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${x}": supported values: "All"`);
  return true;
}

/** The whole request surface of one space. */
export class ApiHandler {
  constructor(private readonly d: HandlerDeps) {}

  async handle(req: IncomingMessage, res: ServerResponse, user: UserInfo): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://space');
    const ctx: Ctx = { req, res, url, q: url.searchParams, user, warnings: [] };
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';

    if (path === '/openapi/v3' && method === 'GET') return respond(ctx, 200, this.d.openapi.index());
    if (path.startsWith('/openapi/v3/') && method === 'GET') {
      const doc = this.d.openapi.document(path.slice('/openapi/v3/'.length));
      if (!doc) throw errors.pathNotFound();
      return sendJson(res, 200, doc);
    }
    if (path === '/openapi/v2') throw errors.pathNotFound();

    const target = parseTarget(path, this.d.registry);
    const accept = parseMediaTypes(req.headers.accept);
    switch (target.type) {
      case 'root':
        return respond(ctx, 200, {
          paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/openapi/v3', '/readyz', '/version'],
        });
      case 'api-versions':
      case 'api-groups': {
        if (method !== 'GET') throw errors.methodNotAllowed(method, '', '');
        const rep = negotiate(accept, { discovery: true });
        if (!rep)
          throw errors.notAcceptable(
            'only the following media types are accepted: application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
          );
        const legacy = target.type === 'api-versions';
        if (rep.kind === 'discovery-v2') {
          res.setHeader('Vary', 'Accept');
          return sendJson(res, 200, discovery.aggregatedDiscovery(this.d.registry, legacy), {
            'Content-Type': discovery.DISCOVERY_V2_CONTENT_TYPE,
          });
        }
        return sendJson(
          res,
          200,
          legacy ? discovery.apiVersions(this.d.serverAddress()) : discovery.apiGroupList(this.d.registry),
          { Vary: 'Accept' },
        );
      }
      case 'api-group':
        return sendJson(res, 200, discovery.apiGroup(this.d.registry, target.group));
      case 'api-resources':
        return sendJson(res, 200, discovery.apiResourceList(this.d.registry, target.group, target.version));
      case 'not-found':
        throw errors.pathNotFound();
      case 'resource':
        return this.resource(ctx, target, method, accept);
    }
  }

  private async resource(
    ctx: Ctx,
    t: Extract<RequestTarget, { type: 'resource' }>,
    method: string,
    accept: ReturnType<typeof parseMediaTypes>,
  ): Promise<void> {
    const def = t.def;
    const verbs = new Set(def.verbs);
    const isCollection = t.name === undefined;
    const sub = t.subresource;
    const allowed = (verb: string) => {
      if (!verbs.has(verb)) throw errors.methodNotAllowed(verb, def.resource, def.group);
    };
    if (sub !== undefined) {
      const known =
        (sub === 'status' && def.subresources?.status) ||
        (sub === 'scale' && def.subresources?.scale) ||
        (sub === 'finalize' && def.group === '' && def.resource === 'namespaces');
      if (!known) throw errors.pathNotFound();
    }
    const rep = negotiate(accept, { table: true, partial: true });
    if (!rep)
      throw errors.notAcceptable(
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
      );

    if (def.review) {
      if (method !== 'POST' || !isCollection) throw errors.methodNotAllowed(method, def.resource, def.group);
      return this.review(ctx, def, t.namespace);
    }
    if (def.computed && method !== 'GET') throw errors.methodNotAllowed(method, def.resource, def.group);

    const watch = t.watchPath || ctx.q.get('watch') === 'true' || ctx.q.get('watch') === '1';
    switch (method) {
      case 'GET':
        if (isCollection) {
          if (watch) {
            allowed('watch');
            return this.watch(ctx, def, t.namespace, rep);
          }
          allowed('list');
          return this.list(ctx, def, t.namespace, rep);
        }
        allowed('get');
        if (sub === 'scale')
          return respond(ctx, 200, this.toScale(def, this.d.objects.get(def, t.namespace, t.name!)));
        return respond(
          ctx,
          200,
          this.render(
            def,
            [this.d.objects.get(def, t.namespace, t.name!)],
            rep,
            false,
            {},
            includeObject(ctx.q),
          ),
        );
      case 'POST':
        if (!isCollection) throw errors.methodNotAllowed('create', def.resource, def.group);
        allowed('create');
        return this.create(ctx, def, t.namespace, rep);
      case 'PUT':
        if (isCollection) throw errors.methodNotAllowed('update', def.resource, def.group);
        allowed('update');
        return this.update(ctx, def, t.namespace, t.name!, sub, rep);
      case 'PATCH':
        if (isCollection) throw errors.methodNotAllowed('patch', def.resource, def.group);
        allowed('patch');
        return this.patch(ctx, def, t.namespace, t.name!, sub, rep);
      case 'DELETE':
        if (sub) throw errors.methodNotAllowed('delete', def.resource, def.group);
        if (isCollection) {
          allowed('deletecollection');
          return this.deleteCollection(ctx, def, t.namespace);
        }
        allowed('delete');
        return this.delete(ctx, def, t.namespace, t.name!);
      default:
        throw errors.methodNotAllowed(method, def.resource, def.group);
    }
  }

  // --- representation ---------------------------------------------------------------------

  private render(
    def: ResourceDef,
    objs: KObject[],
    rep: Representation,
    list: boolean,
    meta: { rv?: string; cont?: string; remaining?: number } = {},
    include: IncludeObject = 'Metadata',
  ): unknown {
    if (rep.kind === 'table')
      return toTable(def, objs, {
        include,
        resourceVersion: meta.rv,
        continueToken: meta.cont,
        remaining: meta.remaining,
      });
    if (rep.kind === 'partial') {
      if (!list) return toPartial(objs[0]);
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata: listMeta(meta),
        items: objs.map(toPartial),
      };
    }
    if (!list) return objs[0];
    return { kind: def.listKind, apiVersion: apiVersionOf(def), metadata: listMeta(meta), items: objs };
  }

  // --- reads --------------------------------------------------------------------------------

  private selectors(ctx: Ctx, def: ResourceDef) {
    const ls = ctx.q.get('labelSelector');
    const fs = ctx.q.get('fieldSelector');
    let labelSel: ReturnType<typeof parseLabelSelector> | undefined;
    let fieldReqs: ReturnType<typeof parseFieldSelector> | undefined;
    try {
      if (ls) labelSel = parseLabelSelector(ls);
      if (fs) fieldReqs = parseFieldSelector(fs);
    } catch (e) {
      throw errors.badRequest((e as Error).message);
    }
    if (fieldReqs) {
      for (const r of fieldReqs) {
        const f = (r as any).field as string;
        if (f !== 'metadata.name' && f !== 'metadata.namespace' && !def.fieldSelectors?.[f])
          throw errors.badRequest(`field label not supported: ${f}`);
      }
    }
    if (!labelSel && !fieldReqs) return undefined;
    return (o: KObject): boolean => {
      if (labelSel && !matchesLabels(labelSel, o.metadata?.labels)) return false;
      if (fieldReqs) {
        const get = (f: string) => {
          if (f === 'metadata.name') return o.metadata?.name ?? '';
          if (f === 'metadata.namespace') return o.metadata?.namespace ?? '';
          return def.fieldSelectors?.[f]?.(o) ?? '';
        };
        if (!matchesFields(fieldReqs, get)) return false;
      }
      return true;
    };
  }

  private async list(
    ctx: Ctx,
    def: ResourceDef,
    namespace: string | undefined,
    rep: Representation,
  ): Promise<void> {
    const q = ctx.q;
    if (q.get('sendInitialEvents') !== null)
      throw errors.invalidRequest(
        'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
        [
          {
            reason: 'FieldValueForbidden',
            message: 'Forbidden: sendInitialEvents is forbidden for list',
            field: 'sendInitialEvents',
          },
        ],
      );
    const include = includeObject(q);
    const filter = this.selectors(ctx, def);
    const limitRaw = q.get('limit');
    const limit = limitRaw ? Number(limitRaw) : 0;
    if (limitRaw && (!Number.isInteger(limit) || limit < 0))
      throw errors.badRequest(`invalid limit: ${limitRaw}`);
    const cont = q.get('continue');
    const rvParam = q.get('resourceVersion');
    const rvMatch = q.get('resourceVersionMatch');
    if (rvMatch && !rvParam)
      throw invalidListOptions(
        'resourceVersionMatch',
        'resourceVersionMatch is forbidden unless resourceVersion is provided',
      );
    if (rvMatch && cont)
      throw invalidListOptions(
        'resourceVersionMatch',
        'resourceVersionMatch is forbidden when continue is provided',
      );
    if (rvMatch && rvMatch !== 'Exact' && rvMatch !== 'NotOlderThan')
      throw invalidListOptions('resourceVersionMatch', `Unsupported value: "${rvMatch}"`);
    if (rvMatch === 'Exact' && rvParam === '0')
      throw invalidListOptions(
        'resourceVersionMatch',
        'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      );

    let readRev: number | undefined;
    let startAfter: string | undefined;
    if (cont) {
      let tok: { rev: number; key: string };
      try {
        tok = decodeContinue(cont);
      } catch (e) {
        throw errors.badRequest(`continue key is not valid: ${(e as Error).message}`);
      }
      const prefix = collectionPrefix(def, namespace);
      if (!tok.key.startsWith(prefix))
        throw errors.badRequest('continue key is not valid: it does not belong to this collection');
      readRev = tok.rev;
      startAfter = tok.key;
      if (readRev < this.d.store.compactRev()) throw expiredContinue(tok.key);
    } else if (rvParam && rvParam !== '0') {
      const n = Number(rvParam);
      if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid resource version: ${rvParam}`);
      await this.waitForRev(n);
      if (rvMatch === 'Exact') readRev = n;
    }
    let result;
    try {
      result = this.d.store.list({
        prefix: collectionPrefix(def, namespace),
        rev: readRev,
        startAfter,
        limit: limit || undefined,
        filter,
      });
    } catch (e) {
      if (e instanceof CompactedError) {
        if (cont) throw expiredContinue(startAfter!);
        throw errors.gone('The resourceVersion for the provided list is too old.');
      }
      throw e;
    }
    const rv = String(result.rev);
    const contToken = result.continueKey ? encodeContinue(result.rev, result.continueKey) : undefined;
    const meta = { rv, cont: contToken, remaining: result.continueKey ? result.remaining : undefined };
    if (rep.kind === 'object' && !def.crd) {
      // Fast path: stored JSON already carries apiVersion, kind and resourceVersion.
      const head = JSON.stringify({
        kind: def.listKind,
        apiVersion: apiVersionOf(def),
        metadata: listMeta(meta),
      });
      const body = `${head.slice(0, -1)},"items":[${result.items.map((i) => i.raw).join(',')}]}`;
      return respond(ctx, 200, body);
    }
    const objs = result.items.map((i) => this.d.objects.present(def, i.object));
    return respond(ctx, 200, this.render(def, objs, rep, true, meta, include));
  }

  /** A list or watch at revision N waits briefly for N to be reached, then answers 504. */
  private async waitForRev(n: number): Promise<void> {
    const deadline = Date.now() + 3000;
    while (n > this.d.committedRev()) {
      if (Date.now() > deadline) {
        throw errors.timeout(
          `Timeout: Too large resource version: ${n}, current: ${this.d.committedRev()}`,
          [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
          1,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private watch(ctx: Ctx, def: ResourceDef, namespace: string | undefined, rep: Representation): void {
    const q = ctx.q;
    const sendInitialRaw = q.get('sendInitialEvents');
    const rvMatch = q.get('resourceVersionMatch');
    if (sendInitialRaw !== null && sendInitialRaw !== 'true' && sendInitialRaw !== 'false')
      throw errors.badRequest(`sendInitialEvents: invalid value "${sendInitialRaw}"`);
    if (sendInitialRaw !== null && rvMatch !== 'NotOlderThan')
      throw invalidListOptions(
        'sendInitialEvents',
        'sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan',
        'FieldValueForbidden',
      );
    if (rvMatch && sendInitialRaw === null)
      throw invalidListOptions(
        'resourceVersionMatch',
        'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
      );
    if (rvMatch && rvMatch !== 'NotOlderThan')
      throw invalidListOptions(
        'resourceVersionMatch',
        `Unsupported value: "${rvMatch}": supported values: "NotOlderThan"`,
      );
    // WatchList (streaming list): initial ADDED events, then a bookmark marking their end.
    const watchList = sendInitialRaw === 'true';
    const include = includeObject(q);
    const selector = this.selectors(ctx, def);
    const filter = selector ?? (() => true);
    // Without selectors or conversion the stored JSON text is the event object as is.
    const rawOk = !selector && rep.kind === 'object' && !def.crd;
    const rvParam = q.get('resourceVersion');
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const timeoutSec = q.get('timeoutSeconds')
      ? Number(q.get('timeoutSeconds'))
      : 1800 + Math.floor(Math.random() * 1800);
    const prefix = collectionPrefix(def, namespace);
    const res = ctx.res;

    const encode = (type: string, obj: KObject): string => {
      let o: unknown = obj;
      if (type !== 'ERROR' && type !== 'BOOKMARK') {
        this.d.objects.present(def, obj);
        if (rep.kind === 'table') o = toTable(def, [obj], { include });
        else if (rep.kind === 'partial') o = toPartial(obj);
      }
      return JSON.stringify({ type, object: o }) + '\n';
    };

    let fromRev: number;
    const initial: string[] = [];
    if (watchList && rvParam && rvParam !== '0') {
      const n = Number(rvParam);
      if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid resource version: ${rvParam}`);
      if (n > this.d.committedRev())
        throw errors.timeout(
          `Timeout: Too large resource version: ${n}, current: ${this.d.committedRev()}`,
          [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
          1,
        );
    }
    if (watchList || !rvParam || rvParam === '0') {
      // Start "at most recent": synthetic ADDED events for the current state.
      const snap = this.d.store.list({ prefix, filter });
      fromRev = snap.rev;
      for (const item of snap.items) initial.push(encode('ADDED', item.object));
    } else {
      fromRev = Number(rvParam);
      if (!Number.isInteger(fromRev) || fromRev < 0)
        throw errors.badRequest(`invalid resource version: ${rvParam}`);
    }

    res.writeHead(200, {
      'Content-Type': JSON_CT,
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    let closed = false;
    let lastRev = fromRev;
    const timers: NodeJS.Timeout[] = [];
    let handle: { close(): void } | undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      handle?.close();
      res.end();
    };
    const write = (s: string) => {
      if (closed) return;
      res.write(s);
      // A consumer that stops reading must not make the server buffer without bound.
      if (res.writableLength > 64 * 1024 * 1024) {
        this.d.log.warn({ resource: def.resource }, 'closing a watch whose client does not keep up');
        close();
      }
    };
    for (const line of initial) write(line);
    if (watchList && bookmarks)
      write(
        JSON.stringify({
          type: 'BOOKMARK',
          object: {
            kind: def.kind,
            apiVersion: apiVersionOf(def),
            metadata: {
              resourceVersion: String(fromRev),
              annotations: { 'k8s.io/initial-events-end': 'true' },
            },
          },
        }) + '\n',
      );
    try {
      handle = this.d.store.watch({
        prefix,
        fromRev,
        onEvent: (e) => {
          lastRev = e.rev;
          if (rawOk && e.raw !== undefined) {
            write(`{"type":"${e.type}","object":${e.raw}}\n`);
            return;
          }
          const nowMatch = e.type !== 'DELETED' && filter(e.object);
          const wasMatch = e.prev ? filter(e.prev) : false;
          if (e.type === 'ADDED') {
            if (nowMatch) write(encode('ADDED', e.object));
          } else if (e.type === 'MODIFIED') {
            if (nowMatch && wasMatch) write(encode('MODIFIED', e.object));
            else if (nowMatch) write(encode('ADDED', e.object));
            else if (wasMatch) write(encode('DELETED', e.object));
          } else if (filter(e.object) || wasMatch) write(encode('DELETED', e.object));
        },
      });
    } catch (e) {
      if (e instanceof CompactedError) {
        write(
          JSON.stringify({
            type: 'ERROR',
            object: {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: `too old resource version: ${fromRev} (${e.compactRev})`,
              reason: 'Expired',
              code: 410,
            },
          }) + '\n',
        );
        close();
        return;
      }
      throw e;
    }
    const bookmark = () => {
      const rev = Math.max(lastRev, this.d.committedRev());
      write(
        JSON.stringify({
          type: 'BOOKMARK',
          object: {
            kind: def.kind,
            apiVersion: apiVersionOf(def),
            metadata: { resourceVersion: String(rev) },
          },
        }) + '\n',
      );
    };
    if (bookmarks) timers.push(setInterval(bookmark, this.d.bookmarkIntervalMs));
    timers.push(
      setTimeout(
        () => {
          if (bookmarks) bookmark();
          close();
        },
        Math.max(0, timeoutSec) * 1000,
      ),
    );
    ctx.req.on('close', close);
    res.on('close', close);
  }

  // --- writes -------------------------------------------------------------------------------

  private async decodeBody(ctx: Ctx, def: ResourceDef): Promise<unknown> {
    const buf = await readBody(ctx.req);
    const fmt = bodyFormat(ctx.req.headers['content-type']);
    if (fmt === 'json' || fmt === 'yaml')
      return decodeStructured(
        buf,
        fmt,
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}`,
      );
    if (fmt === 'protobuf')
      return decodeProtobufObject(buf, { group: def.group, version: def.version, kind: def.kind }).object;
    throw errors.unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
    );
  }

  private writeOptions(ctx: Ctx, sub?: string): WriteOptions {
    return {
      fieldManager: fieldManager(ctx),
      fieldValidation: fieldValidation(ctx.q),
      dryRun: dryRun(ctx.q),
      subresource: sub === 'status' || sub === 'finalize' ? sub : undefined,
    };
  }

  private async create(
    ctx: Ctx,
    def: ResourceDef,
    namespace: string | undefined,
    rep: Representation,
  ): Promise<void> {
    const opts = this.writeOptions(ctx);
    const body = await this.decodeBody(ctx, def);
    const r = await this.d.objects.create(def, namespace, body, opts);
    ctx.warnings.push(...r.warnings);
    respond(ctx, r.code, this.render(def, [r.object], rep, false));
  }

  private async update(
    ctx: Ctx,
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    sub: string | undefined,
    rep: Representation,
  ): Promise<void> {
    const opts = this.writeOptions(ctx, sub);
    const body = await this.decodeBody(ctx, def);
    if (sub === 'scale') return this.updateScale(ctx, def, namespace, name, opts, () => body as KObject);
    if (sub === 'finalize') {
      const r = await this.d.objects.modify(def, namespace, name, opts, () => body as KObject);
      return respond(ctx, 200, r.object);
    }
    const r = await this.d.objects.update(def, namespace, name, body, opts);
    ctx.warnings.push(...r.warnings);
    respond(ctx, r.code, this.render(def, [r.object], rep, false));
  }

  private async patch(
    ctx: Ctx,
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    sub: string | undefined,
    rep: Representation,
  ): Promise<void> {
    const opts = this.writeOptions(ctx, sub);
    const fmt = bodyFormat(ctx.req.headers['content-type']);
    const buf = await readBody(ctx.req);
    if (ctx.q.get('force') !== null && fmt !== 'apply-patch')
      throw errors.invalidRequest(
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
        [
          {
            reason: 'FieldValueForbidden',
            message: 'Forbidden: may not be specified for non-apply patch',
            field: 'force',
          },
        ],
      );
    if (fmt === 'strategic-merge-patch' && def.crd) throw crPatchUnsupported();
    if (fmt === 'apply-patch') {
      const fm = ctx.q.get('fieldManager');
      if (!fm)
        throw errors.invalidRequest(
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: is required for apply patch',
              field: 'fieldManager',
            },
          ],
        );
      const forceRaw = ctx.q.get('force');
      if (forceRaw !== null && forceRaw !== 'true' && forceRaw !== 'false')
        throw errors.badRequest(`force: invalid value "${forceRaw}"`);
      if (sub === 'scale')
        throw errors.unsupportedMediaType(
          'server-side apply of the scale subresource is not supported; use a merge patch',
        );
      const body = decodeStructured(buf, 'yaml', 'error decoding apply patch');
      const r = await this.d.objects.apply(def, namespace, name, body, {
        ...opts,
        force: forceRaw === 'true',
        fieldManager: fm,
      });
      ctx.warnings.push(...r.warnings);
      return respond(ctx, r.code, this.render(def, [r.object], rep, false));
    }
    if (fmt !== 'json-patch' && fmt !== 'merge-patch' && fmt !== 'strategic-merge-patch')
      throw def.crd
        ? crPatchUnsupported()
        : errors.unsupportedMediaType(
            'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json',
          );
    let patch: unknown;
    try {
      patch = JSON.parse(buf.toString('utf8'));
    } catch (e) {
      throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const apply = (doc: KObject): KObject => {
      try {
        if (fmt === 'json-patch') return applyJsonPatch(doc, patch) as KObject;
        if (fmt === 'merge-patch') return applyMergePatch(doc, patch) as KObject;
        return applyStrategicMergePatch(doc, patch, def.schema) as KObject;
      } catch (e) {
        if (e instanceof PatchTooLargeError)
          throw errors.tooLarge(
            'The request entity is too large: the JSON patch has more than 10000 operations',
          );
        if (e instanceof PatchDecodeError) throw errors.badRequest(e.message);
        if (e instanceof PatchApplyError)
          throw errors.invalidRequest('the server rejected our request due to an error in our request');
        throw e;
      }
    };
    if (sub === 'scale') return this.updateScale(ctx, def, namespace, name, opts, (scale) => apply(scale));
    const warnings: string[] = [];
    const r = await this.d.objects.modify(def, namespace, name, opts, (cur) => {
      const patched = apply(cur);
      if (typeof patched !== 'object' || patched === null || Array.isArray(patched))
        throw errors.invalidRequest('the server rejected our request due to an error in our request');
      this.d.objects.checkPatchedFields(def, patched, opts, warnings);
      return patched;
    });
    ctx.warnings.push(...warnings, ...r.warnings);
    respond(ctx, 200, this.render(def, [r.object], rep, false));
  }

  private toScale(def: ResourceDef, obj: KObject): KObject {
    const sc = def.subresources!.scale!;
    const first = (p: string | undefined) => (p ? evalJsonPath(obj, p)[0] : undefined);
    let selector: unknown = first(sc.labelSelectorPath);
    if (selector && typeof selector === 'object') {
      try {
        selector = labelSelectorToString(labelSelectorFromObject(selector as any));
      } catch {
        selector = undefined;
      }
    }
    const md = obj.metadata ?? {};
    const status: Record<string, unknown> = { replicas: Number(first(sc.statusReplicasPath) ?? 0) };
    if (selector) status.selector = selector;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: md.name,
        namespace: md.namespace,
        uid: md.uid,
        resourceVersion: md.resourceVersion,
        creationTimestamp: md.creationTimestamp,
      },
      spec: { replicas: Number(first(sc.specReplicasPath) ?? 0) },
      status,
    };
  }

  private async updateScale(
    ctx: Ctx,
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions,
    next: (scale: KObject) => KObject,
  ): Promise<void> {
    const sc = def.subresources!.scale!;
    const r = await this.d.objects.modify(
      def,
      namespace,
      name,
      { ...opts, subresource: undefined, managedSubresource: 'scale' },
      (cur) => {
        const scale = next(this.toScale(def, cur));
        const replicas = scale?.spec?.replicas;
        if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
          throw errors.invalid('Scale', 'autoscaling', name, [
            {
              type: 'FieldValueInvalid',
              field: 'spec.replicas',
              value: replicas,
              detail: 'must be greater than or equal to 0',
            },
          ]);
        const rv = scale.metadata?.resourceVersion;
        const obj = structuredClone(cur);
        setPath(obj, sc.specReplicasPath, replicas);
        if (rv) obj.metadata!.resourceVersion = rv;
        else delete obj.metadata!.resourceVersion;
        return obj;
      },
    );
    respond(ctx, 200, this.toScale(def, r.object));
  }

  private async readDeleteOptions(ctx: Ctx): Promise<DeleteOptions> {
    const buf = await readBody(ctx.req);
    let body: any = {};
    if (buf.length) {
      const fmt = bodyFormat(ctx.req.headers['content-type']);
      if (fmt === 'protobuf')
        body = decodeProtobufObject(buf, { group: '', version: 'v1', kind: 'DeleteOptions' }).object;
      else body = decodeStructured(buf, fmt === 'yaml' ? 'yaml' : 'json', 'DeleteOptions');
    }
    const q = ctx.q;
    const policy = body.propagationPolicy ?? q.get('propagationPolicy') ?? undefined;
    if (policy && !['Background', 'Foreground', 'Orphan'].includes(policy))
      throw errors.invalidRequest(
        `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      );
    const dry = body.dryRun ? (Array.isArray(body.dryRun) ? body.dryRun.includes('All') : false) : dryRun(q);
    return { propagationPolicy: policy, preconditions: body.preconditions, dryRun: dry };
  }

  private async delete(
    ctx: Ctx,
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
  ): Promise<void> {
    const opts = await this.readDeleteOptions(ctx);
    const r = await this.d.objects.delete(def, namespace, name, opts);
    ctx.warnings.push(...(r.warnings ?? []));
    const returnsObject = def.group === '' && ['namespaces', 'pods', 'services'].includes(def.resource);
    if (!r.deleted || returnsObject) return respond(ctx, 200, r.object);
    respond(ctx, 200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: def.group || undefined, kind: def.resource, uid: r.object?.metadata?.uid },
    } as Status);
  }

  private async deleteCollection(ctx: Ctx, def: ResourceDef, namespace: string | undefined): Promise<void> {
    const opts = await this.readDeleteOptions(ctx);
    const filter = this.selectors(ctx, def);
    const snap = this.d.store.list({ prefix: collectionPrefix(def, namespace), filter });
    const items: KObject[] = [];
    for (const i of snap.items) {
      const o = i.object;
      try {
        const r = await this.d.objects.delete(def, o.metadata?.namespace, o.metadata!.name!, opts);
        if (r.object) items.push(r.object);
      } catch (e) {
        if ((e as ApiError).code !== 404) throw e;
      }
    }
    respond(ctx, 200, {
      kind: def.listKind,
      apiVersion: apiVersionOf(def),
      metadata: { resourceVersion: String(this.d.committedRev()) },
      items,
    });
  }

  // --- review APIs ------------------------------------------------------------------------------

  private async review(ctx: Ctx, def: ResourceDef, _namespace: string | undefined): Promise<void> {
    const buf = await readBody(ctx.req);
    const fmt = bodyFormat(ctx.req.headers['content-type']);
    const body = (
      fmt === 'protobuf'
        ? decodeProtobufObject(buf, { group: def.group, version: def.version, kind: def.kind }).object
        : decodeStructured(buf, fmt === 'yaml' ? 'yaml' : 'json', def.kind)
    ) as KObject;
    const out: KObject = {
      ...body,
      apiVersion: apiVersionOf(def),
      kind: def.kind,
      metadata: { ...(body.metadata ?? {}), creationTimestamp: null as unknown as string },
    };
    const user = ctx.user;
    if (def.review === 'access')
      out.status = { allowed: true, reason: 'kstellar spaces allow every authenticated user' };
    else if (def.review === 'selfsubject')
      out.status = {
        userInfo: { username: user.username, groups: user.groups, ...(user.uid ? { uid: user.uid } : {}) },
      };
    else out.status = { authenticated: false, error: 'token reviews are not supported by kstellar spaces' };
    respond(ctx, 201, out);
  }
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (!v) return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw errors.badRequest(
    `includeObject: Unsupported value: "${v}": supported values: "None", "Metadata", "Object"`,
  );
}

function listMeta(meta: { rv?: string; cont?: string; remaining?: number }): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (meta.rv) m.resourceVersion = meta.rv;
  if (meta.cont) m.continue = meta.cont;
  if (meta.remaining !== undefined) m.remainingItemCount = meta.remaining;
  return m;
}

function invalidListOptions(field: string, msg: string, reason = 'FieldValueForbidden'): ApiError {
  return errors.invalidRequest(`ListOptions.meta.k8s.io "" is invalid: ${field}: Forbidden: ${msg}`, [
    { reason, message: `Forbidden: ${msg}`, field },
  ]);
}

function expiredContinue(key: string): ApiError {
  const err = errors.gone(
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
  (err.status as any).metadata = { continue: encodeContinue(-1, key) };
  return err;
}

function crPatchUnsupported(): ApiError {
  return errors.unsupportedMediaType(
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  );
}

function setPath(obj: any, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = cur[p] ??= {};
  cur[parts[parts.length - 1]] = value;
}
