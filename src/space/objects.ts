import { randomUUID, randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ApiError, errors, fieldErr, formatFieldError, type FieldError } from './errors.js';
import type { KObject, ResourceDef, StrategyContext } from './types.js';
import type { Store, StoredObject, WriteTxn } from './storage/types.js';
import { KeyExistsError, RevisionMismatchError } from './storage/types.js';
import { objectKey, apiVersionOf, collectionPrefix } from './keys.js';
import { prune } from './schema/prune.js';
import { applyDefaults } from './schema/defaults.js';
import { validateValue } from './schema/validate.js';
import { validateName } from './builtins/index.js';
import { validateObjectMeta, isDns1123Subdomain, DNS1123_SUBDOMAIN_MSG } from './meta-validation.js';
import { serverSideApply, validateApplyBody, trackUpdate, type ManagedFieldsEntry } from './ssa/index.js';
import type { Registry } from './registry.js';
import { defaultPropagation, FOREGROUND, ORPHAN } from './gc.js';

/**
 * The generic write pipeline every kind goes through (apiserver-compat.md §4–§5, §12):
 * decode checks → unknown fields → system metadata → defaults → strategy → validation →
 * generation → managedFields → no-op detection → store. Used by the HTTP handlers and by the
 * server's own controllers (namespace and CRD cleanup).
 */

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** A strategy context plus the fate of its allocations (IP addresses, node ports). */
export interface StrategyScope {
  ctx: StrategyContext;
  commit(): void;
  rollback(): void;
}

export interface WriteOptions {
  fieldManager?: string;
  fieldValidation: FieldValidation;
  dryRun: boolean;
  /** Set when the write targets a subresource (`status`, `finalize`). */
  subresource?: string;
  /** Internal: server-side apply already computed metadata.managedFields. */
  appliedManagedFields?: boolean;
  /** The subresource recorded in managedFields when it differs from `subresource` (`scale`). */
  managedSubresource?: string;
}

export interface WriteResult {
  object: KObject;
  /** HTTP status: 201 for creates, 200 otherwise. */
  code: number;
  warnings: string[];
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

export interface DeleteResult {
  /** The object (when still present because of finalizers, or for kinds that return it). */
  object?: KObject;
  /** True when the object is gone from storage. */
  deleted: boolean;
  warnings?: string[];
}

/** Hooks that let the server react to writes of particular kinds (namespaces, CRDs). */
export interface ObjectHooks {
  /** Synchronously inside the write transaction, after the write. */
  afterWrite?(def: ResourceDef, obj: KObject, deleted: boolean): void;
  /** Extra checks before a create (namespace lifecycle, terminating CRDs). */
  beforeCreate?(tx: WriteTxn, def: ResourceDef, obj: KObject): void;
  /** Called for a DELETE before the generic logic; may mutate obj (finalizers) and return true to keep it. */
  onDelete?(def: ResourceDef, obj: KObject, opts: DeleteOptions): void;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export function nowRfc3339(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ObjectService {
  constructor(
    private readonly store: Store,
    readonly registry: Registry,
    private readonly ctxFactory: (dryRun: boolean) => StrategyScope,
    private readonly hooks: ObjectHooks = {},
  ) {}

  /** Run `fn` with a strategy context whose allocations are kept only if `fn` succeeds. */
  private withCtx<T>(dryRun: boolean, fn: (ctx: StrategyContext) => T): T {
    const scope = this.ctxFactory(dryRun);
    try {
      const r = fn(scope.ctx);
      scope.commit();
      return r;
    } catch (e) {
      scope.rollback();
      throw e;
    }
  }

  key(def: ResourceDef, namespace: string | undefined, name: string): string {
    return objectKey(def, def.namespaced ? namespace : undefined, name);
  }

  /** Present a stored object in the requested version (CRDs share storage across versions). */
  present(def: ResourceDef, obj: KObject): KObject {
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    return obj;
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): KObject {
    const cur = this.store.get(this.key(def, namespace, name));
    if (!cur) throw errors.notFound(def.resource, def.group, name);
    return this.present(def, cur.object);
  }

  // -------------------------------------------------------------------------------------------
  // create

  async create(
    def: ResourceDef,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions,
  ): Promise<WriteResult> {
    const warnings: string[] = [];
    const obj = this.checkBody(def, body);
    this.handleUnknownFields(def, obj, opts, 'write', warnings);
    const created = await this.store.write((tx) => this.createInTxn(tx, def, namespace, obj, opts));
    return { object: this.present(def, created), code: 201, warnings };
  }

  /** The create pipeline after decoding, inside a store transaction. */
  private createInTxn(
    tx: WriteTxn,
    def: ResourceDef,
    namespace: string | undefined,
    obj: KObject,
    opts: WriteOptions,
  ): KObject {
    obj.metadata ??= {};
    const md = obj.metadata;
    if (def.namespaced) {
      if (md.namespace && namespace && md.namespace !== namespace)
        throw errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      md.namespace = namespace ?? md.namespace;
      if (!md.namespace)
        throw errors.badRequest('the server could not find the requested resource: a namespace is required');
    } else {
      delete md.namespace;
    }
    if (!md.name && !md.generateName)
      throw errors.invalid(def.kind, def.group, '', [
        fieldErr.required('metadata.name', 'name or generateName is required'),
      ]);
    // System-owned metadata.
    md.uid = randomUUID();
    md.creationTimestamp = nowRfc3339();
    delete md.resourceVersion;
    delete md.deletionTimestamp;
    delete md.deletionGracePeriodSeconds;
    delete md.selfLink;
    if (def.generation) md.generation = 1;
    else delete md.generation;
    if (def.subresources?.status) {
      if (def.crd) delete obj.status;
      else obj.status = {};
    }
    if (def.crd && def.schema) applyDefaults(obj, def.schema);
    return this.withCtx(opts.dryRun, (ctx) => {
      if (!md.name) md.name = this.generateName(tx, def, namespace, md.generateName!);
      this.hooks.beforeCreate?.(tx, def, obj);
      if (def.namespaced) this.checkNamespaceForCreate(tx, md.namespace!);
      def.strategy?.prepareCreate?.(obj, ctx);
      this.validate(def, obj, undefined, ctx);
      if (!opts.appliedManagedFields) this.setManagedFields(def, undefined, obj, opts, ctx);
      const key = this.key(def, md.namespace, md.name!);
      if (opts.dryRun) {
        if (tx.get(key)) throw errors.alreadyExists(def.resource, def.group, md.name!);
        return obj;
      }
      try {
        tx.create(key, obj);
      } catch (e) {
        if (e instanceof KeyExistsError) throw errors.alreadyExists(def.resource, def.group, md.name!);
        throw e;
      }
      this.hooks.afterWrite?.(def, obj, false);
      return obj;
    });
  }

  /**
   * Server-side apply (`application/apply-patch+yaml`): creates the object when it is absent,
   * otherwise merges the applied configuration by field ownership (apiserver-compat.md §7).
   */
  async apply(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions & { force: boolean; fieldManager: string },
  ): Promise<WriteResult> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw errors.badRequest('the apply body must be an object');
    const applied = body as KObject;
    const objectRef = `${def.namespaced ? (namespace ?? '') : ''}/${name}`;
    validateApplyBody(applied, def.schema, { apiVersion: apiVersionOf(def), kind: def.kind, objectRef });
    if (applied.metadata?.name !== undefined && applied.metadata.name !== name)
      throw errors.badRequest(
        `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
      );
    if (
      def.namespaced &&
      applied.metadata?.namespace &&
      namespace &&
      applied.metadata.namespace !== namespace
    )
      throw errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    const sub = opts.subresource === 'status' ? ('status' as const) : undefined;
    const params = {
      applied,
      manager: opts.fieldManager,
      force: opts.force,
      schema: def.schema,
      apiVersion: apiVersionOf(def),
      kind: def.kind,
      subresource: sub,
      now: nowRfc3339(),
      objectRef,
      statusSubresource: !!def.subresources?.status,
    };
    const internal: WriteOptions = { ...opts, appliedManagedFields: true };
    return this.store.write((tx): WriteResult => {
      const cur = tx.get(this.key(def, namespace, name));
      if (!cur) {
        if (sub) throw errors.notFound(def.resource, def.group, name);
        const merged = serverSideApply({ ...params, live: undefined });
        merged.metadata = { ...merged.metadata, name };
        if (def.namespaced) merged.metadata.namespace = namespace;
        const created = this.createInTxn(tx, def, namespace, merged, internal);
        return { object: this.present(def, created), code: 201, warnings: [] };
      }
      // A resourceVersion in the apply body is a precondition.
      const rv = applied.metadata?.resourceVersion;
      if (rv && rv !== String(cur.rev)) throw errors.staleResourceVersion(def.resource, def.group, name);
      const merged = serverSideApply({ ...params, live: this.present(def, cur.object) });
      // commitUpdate restores the stored server-owned metadata over whatever the body said.
      delete merged.metadata?.resourceVersion;
      return this.commitUpdate(tx, def, cur, merged, { ...internal, subresource: sub });
    });
  }

  private generateName(tx: WriteTxn, def: ResourceDef, namespace: string | undefined, base: string): string {
    const prefix = base.length > 58 ? base.slice(0, 58) : base;
    for (let attempt = 0; attempt < 8; attempt++) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += NAME_CHARS[randomInt(NAME_CHARS.length)];
      const name = prefix + suffix;
      if (!tx.get(this.key(def, namespace, name))) return name;
    }
    throw errors.alreadyExists(def.resource, def.group, base);
  }

  private checkNamespaceForCreate(tx: WriteTxn, namespace: string): void {
    const nsDef = this.registry.get('', 'v1', 'namespaces')!;
    const ns = tx.get(this.key(nsDef, undefined, namespace));
    if (!ns) throw errors.notFound('namespaces', '', namespace);
    const o = ns.object;
    if (o.metadata?.deletionTimestamp || o.status?.phase === 'Terminating')
      throw namespaceTerminating(namespace);
  }

  // -------------------------------------------------------------------------------------------
  // update (PUT) and patch

  async update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
  ): Promise<WriteResult> {
    const warnings: string[] = [];
    const obj = this.checkBody(def, body);
    obj.metadata ??= {};
    if (obj.metadata.name !== undefined && obj.metadata.name !== name)
      throw errors.badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    if (def.namespaced && obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace)
      throw errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    this.handleUnknownFields(def, obj, opts, 'write', warnings);
    const result = await this.store.write((tx) => {
      const cur = tx.get(this.key(def, namespace, name));
      if (!cur) throw errors.notFound(def.resource, def.group, name);
      const rv = obj.metadata!.resourceVersion;
      if (rv && rv !== String(cur.rev)) throw errors.staleResourceVersion(def.resource, def.group, name);
      const uid = obj.metadata!.uid;
      if (uid && uid !== cur.object.metadata?.uid)
        throw errors.conflict(
          def.resource,
          def.group,
          name,
          `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${cur.object.metadata?.uid}`,
        );
      return this.commitUpdate(tx, def, cur, obj, opts);
    });
    return { ...result, warnings: [...warnings, ...result.warnings] };
  }

  /**
   * Read-modify-write under the store's write lock: `mutate` gets a copy of the stored object
   * and returns the desired new object (patches, scale, internal controllers).
   */
  async modify(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions,
    mutate: (current: KObject, cur: StoredObject) => KObject,
  ): Promise<WriteResult> {
    return this.store.write((tx) => {
      const cur = tx.get(this.key(def, namespace, name));
      if (!cur) throw errors.notFound(def.resource, def.group, name);
      const next = mutate(this.present(def, cur.object), cur);
      if (next.metadata?.name !== undefined && next.metadata.name !== name)
        throw errors.badRequest(
          `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
        );
      const rv = next.metadata?.resourceVersion;
      if (rv && rv !== String(cur.rev)) throw errors.staleResourceVersion(def.resource, def.group, name);
      return this.commitUpdate(tx, def, cur, next, opts);
    });
  }

  /** Unknown-field handling for a patched object (422 on Strict, like upstream's patch path). */
  checkPatchedFields(def: ResourceDef, obj: KObject, opts: WriteOptions, warnings: string[]): void {
    this.handleUnknownFields(def, obj, opts, 'patch', warnings);
  }

  private commitUpdate(
    tx: WriteTxn,
    def: ResourceDef,
    cur: StoredObject,
    incoming: KObject,
    opts: WriteOptions,
  ): WriteResult {
    return this.withCtx(opts.dryRun, (ctx) => this.commitUpdateWith(ctx, tx, def, cur, incoming, opts));
  }

  private commitUpdateWith(
    ctx: StrategyContext,
    tx: WriteTxn,
    def: ResourceDef,
    cur: StoredObject,
    incoming: KObject,
    opts: WriteOptions,
  ): WriteResult {
    const old = this.present(def, cur.object);
    const obj = this.maskForUpdate(def, old, incoming, opts.subresource);
    const md = obj.metadata!;
    // Finalizers may be removed but not added once deletion has started.
    if (old.metadata?.deletionTimestamp) {
      const before = new Set(old.metadata.finalizers ?? []);
      const added = (md.finalizers ?? []).filter((f: string) => !before.has(f));
      if (added.length)
        throw errors.invalid(def.kind, def.group, old.metadata.name!, [
          fieldErr.forbidden(
            'metadata.finalizers',
            `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f: string) => JSON.stringify(f)).join(', ')}}`,
          ),
        ]);
    }
    if (def.crd && def.schema) applyDefaults(obj, def.schema);
    if (!opts.subresource || opts.subresource === 'finalize') def.strategy?.prepareUpdate?.(obj, old, ctx);
    this.validate(def, obj, old, ctx);
    if (def.generation) {
      md.generation = old.metadata?.generation ?? 1;
      if (specChanged(def, old, obj)) md.generation = (md.generation ?? 0) + 1;
    }
    if (!opts.appliedManagedFields) this.setManagedFields(def, old, obj, opts, ctx);

    // No-op writes keep the stored object: no new revision, no event.
    if (isNoop(old, obj)) return { object: old, code: 200, warnings: [] };

    const key = this.key(def, md.namespace, md.name!);
    const finished =
      md.deletionTimestamp &&
      !md.finalizers?.length &&
      !(def.resource === 'namespaces' && def.group === '' && obj.spec?.finalizers?.length);
    if (opts.dryRun) return { object: obj, code: 200, warnings: [] };
    try {
      if (finished) {
        // The last finalizer is gone: the object is deleted in this same write. Upstream's
        // DELETED event carries the last stored state.
        tx.delete(key, cur.rev, old);
        this.hooks.afterWrite?.(def, old, true);
        return { object: obj, code: 200, warnings: [] };
      }
      tx.update(key, obj, cur.rev);
    } catch (e) {
      if (e instanceof RevisionMismatchError)
        throw errors.staleResourceVersion(def.resource, def.group, md.name!);
      throw e;
    }
    this.hooks.afterWrite?.(def, obj, false);
    return { object: obj, code: 200, warnings: [] };
  }

  /** Apply status/spec masking and keep server-owned metadata from the stored object. */
  private maskForUpdate(def: ResourceDef, old: KObject, incoming: KObject, subresource?: string): KObject {
    let obj: KObject;
    const isNamespace = def.group === '' && def.resource === 'namespaces';
    if (subresource === 'status') {
      obj = structuredClone(old);
      if (incoming.status === undefined) delete obj.status;
      else obj.status = incoming.status;
    } else if (subresource === 'finalize' && isNamespace) {
      // namespaces/finalize changes spec.finalizers and nothing else.
      obj = structuredClone(old);
      obj.spec = { ...(obj.spec ?? {}), finalizers: incoming.spec?.finalizers ?? [] };
    } else {
      obj = incoming;
      if (def.subresources?.status) {
        if (old.status === undefined) delete obj.status;
        else obj.status = structuredClone(old.status);
      }
      // Only namespaces/finalize may change a namespace's spec.finalizers.
      if (isNamespace) obj.spec = { ...(obj.spec ?? {}), finalizers: old.spec?.finalizers ?? [] };
    }
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    obj.metadata ??= {};
    const md = obj.metadata;
    const om = old.metadata ?? {};
    md.name = om.name;
    if (def.namespaced) md.namespace = om.namespace;
    else delete md.namespace;
    md.uid = om.uid;
    md.creationTimestamp = om.creationTimestamp;
    if (om.deletionTimestamp) md.deletionTimestamp = om.deletionTimestamp;
    else delete md.deletionTimestamp;
    if (om.deletionGracePeriodSeconds !== undefined)
      md.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    else delete md.deletionGracePeriodSeconds;
    if (om.generation !== undefined) md.generation = om.generation;
    else delete md.generation;
    delete md.selfLink;
    delete md.resourceVersion;
    if (subresource === 'status') md.managedFields = om.managedFields;
    else if (!Array.isArray(md.managedFields) || md.managedFields.length === 0)
      md.managedFields = om.managedFields;
    if (md.managedFields === undefined) delete md.managedFields;
    return obj;
  }

  // -------------------------------------------------------------------------------------------
  // delete

  async delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
  ): Promise<DeleteResult> {
    return this.store.write((tx) => this.deleteInTxn(tx, def, namespace, name, opts));
  }

  deleteInTxn(
    tx: WriteTxn,
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
  ): DeleteResult {
    const key = this.key(def, namespace, name);
    const cur = tx.get(key);
    if (!cur) throw errors.notFound(def.resource, def.group, name);
    const obj = this.present(def, cur.object);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata?.uid)
      throw errors.conflict(
        def.resource,
        def.group,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata?.uid}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== String(cur.rev))
      throw errors.conflict(
        def.resource,
        def.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.rev}`,
      );
    const before = JSON.stringify(obj);
    const warnings: string[] = [];
    const policy = opts.propagationPolicy ?? defaultPropagation(def);
    if (!opts.propagationPolicy && policy === 'Orphan')
      warnings.push(
        'child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning',
      );
    this.hooks.onDelete?.(def, obj, opts);
    const md = obj.metadata!;
    // The propagation policy is recorded as a finalizer that the garbage collector works off.
    if (policy !== 'Background' && !(md.deletionTimestamp && opts.propagationPolicy === undefined)) {
      const fins = (md.finalizers ?? []).filter((f: string) => f !== FOREGROUND && f !== ORPHAN);
      fins.push(policy === 'Foreground' ? FOREGROUND : ORPHAN);
      md.finalizers = fins;
    }
    const keep = (md.finalizers?.length ?? 0) > 0 || (def.group === '' && def.resource === 'namespaces');
    if (keep) {
      if (!md.deletionTimestamp) {
        md.deletionTimestamp = nowRfc3339();
        md.deletionGracePeriodSeconds = 0;
        if (def.generation && (md.generation ?? 0) > 0) md.generation = (md.generation ?? 0) + 1;
      }
      if (JSON.stringify(obj) === before || opts.dryRun) return { object: obj, deleted: false, warnings };
      delete md.resourceVersion;
      tx.update(key, obj, cur.rev);
      this.hooks.afterWrite?.(def, obj, false);
      return { object: obj, deleted: false, warnings };
    }
    if (opts.dryRun) return { object: obj, deleted: true, warnings };
    tx.delete(key, cur.rev, obj);
    if (def.strategy?.afterDelete) this.withCtx(false, (ctx) => def.strategy!.afterDelete!(obj, ctx));
    this.hooks.afterWrite?.(def, obj, true);
    return { object: obj, deleted: true, warnings };
  }

  /** All objects of a resource under a namespace (or everywhere), for internal controllers. */
  listAll(def: ResourceDef, namespace?: string): KObject[] {
    const res = this.store.list({ prefix: collectionPrefix(def, namespace) });
    return res.items.map((i) => this.present(def, i.object));
  }

  // -------------------------------------------------------------------------------------------
  // shared steps

  /** Body must be an object whose apiVersion/kind (when present) match the URL. */
  private checkBody(def: ResourceDef, body: unknown): KObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw errors.badRequest(`the body of the request must be a ${def.kind} object`);
    const obj = body as KObject;
    const gv = apiVersionOf(def);
    if (obj.kind !== undefined && obj.kind !== def.kind) {
      throw errors.badRequest(
        `the kind in the request body (${String(obj.kind)}) does not match the resource ${def.resource} (kind ${def.kind}) of the URL`,
      );
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== gv) {
      // Another served version of the same resource is fine for CRDs; otherwise reject.
      const [g, v] = String(obj.apiVersion).includes('/')
        ? String(obj.apiVersion).split('/')
        : ['', String(obj.apiVersion)];
      if (g !== def.group || !this.registry.get(g, v, def.resource))
        throw errors.badRequest(
          `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`,
        );
    }
    if (
      obj.metadata !== undefined &&
      (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))
    )
      throw errors.badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: metadata must be an object`,
      );
    obj.apiVersion = gv;
    obj.kind = def.kind;
    return obj;
  }

  private handleUnknownFields(
    def: ResourceDef,
    obj: KObject,
    opts: WriteOptions,
    path: 'write' | 'patch',
    warnings: string[],
  ): void {
    if (!def.schema) return;
    if (!def.crd) {
      // Go decoding of built-in types: JSON null means "zero value", and a value of the wrong
      // type is a decode error (400), caught before any strategy looks at the object.
      dropNulls(obj);
      const typeErrs = validateValue(obj, def.schema, '').filter((e) => e.type === 'FieldValueTypeInvalid');
      if (typeErrs.length)
        throw errors.badRequest(
          `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${typeErrs.map(formatFieldError).join(', ')}`,
        );
    }
    const unknown = prune(obj, def.schema, { root: true });
    if (unknown.length === 0) return;
    if (opts.fieldValidation === 'Strict') {
      const detail = `strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`;
      if (path === 'write')
        throw errors.badRequest(
          `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${detail}`,
        );
      throw new ApiError({
        code: 422,
        reason: 'Invalid',
        message: ` "" is invalid: patch: Invalid value: "${jsonForMessage(obj)}": ${detail}`,
        details: {
          causes: [
            {
              reason: 'FieldValueInvalid',
              message: `Invalid value: "${jsonForMessage(obj)}": ${detail}`,
              field: 'patch',
            },
          ],
        },
      });
    }
    if (opts.fieldValidation === 'Warn') for (const u of unknown) warnings.push(`unknown field "${u}"`);
  }

  private validate(def: ResourceDef, obj: KObject, old: KObject | undefined, ctx: StrategyContext): void {
    const errs: FieldError[] = [];
    const name = obj.metadata?.name ?? '';
    if (!old) {
      for (const m of def.crd ? crNameErrors(name) : validateName(def, name))
        errs.push(fieldErr.invalid('metadata.name', name, m));
    }
    errs.push(...validateObjectMeta(obj));
    if (def.crd && def.schema) errs.push(...validateValue(obj, def.schema, ''));
    errs.push(...(def.strategy?.validate?.(obj, old, ctx) ?? []));
    if (errs.length) throw errors.invalid(def.kind, def.group, name, errs);
  }

  private setManagedFields(
    def: ResourceDef,
    old: KObject | undefined,
    obj: KObject,
    opts: WriteOptions,
    ctx: StrategyContext,
  ): void {
    const md = obj.metadata!;
    let entries = (md.managedFields ?? []) as ManagedFieldsEntry[];
    // `[{}]` resets tracking (upstream rule); anything malformed is dropped.
    if (entries.length === 1 && Object.keys(entries[0] ?? {}).length === 0) entries = [];
    entries = entries.filter((e) => e && typeof e === 'object' && typeof e.manager === 'string');
    const next = trackUpdate({
      live: old,
      obj,
      entries,
      schema: def.schema,
      manager: opts.fieldManager ?? 'unknown',
      apiVersion: apiVersionOf(def),
      time: nowRfc3339(ctx.now),
      subresource: opts.managedSubresource ?? (opts.subresource === 'status' ? 'status' : undefined),
      statusSubresource: !!def.subresources?.status,
    });
    if (next.length) md.managedFields = next;
    else delete md.managedFields;
  }
}

// ---------------------------------------------------------------------------------------------

export function namespaceTerminating(namespace: string): ApiError {
  return new ApiError({
    code: 403,
    reason: 'Forbidden',
    message: `unable to create new content in namespace ${namespace} because it is being terminated`,
    details: {
      name: namespace,
      kind: 'namespaces',
      causes: [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ],
    },
  });
}

function crNameErrors(name: string): string[] {
  return isDns1123Subdomain(name) ? [] : [DNS1123_SUBDOMAIN_MSG];
}

/** Whether anything outside metadata (and status, when it is a subresource) changed. */
function specChanged(def: ResourceDef, a: KObject, b: KObject): boolean {
  const strip = (o: KObject) => {
    const c: KObject = { ...o };
    delete c.metadata;
    delete c.apiVersion;
    delete c.kind;
    if (def.subresources?.status) delete c.status;
    return c;
  };
  return !isDeepStrictEqual(strip(a), strip(b));
}

function isNoop(old: KObject, obj: KObject): boolean {
  const a = { ...old, metadata: { ...old.metadata } };
  const b = { ...obj, metadata: { ...obj.metadata } };
  delete a.metadata.resourceVersion;
  delete b.metadata.resourceVersion;
  return isDeepStrictEqual(a, b);
}

function dropNulls(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) dropNulls(x);
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (o[k] === null) delete o[k];
      else dropNulls(o[k]);
    }
  }
}

function jsonForMessage(obj: KObject): string {
  const s = JSON.stringify(obj);
  return (s.length > 200 ? s.slice(0, 200) + '...' : s).replace(/"/g, '\\"');
}
