import { isDeepStrictEqual } from 'node:util';
import { fieldErr, type FieldError } from '../../errors.js';
import { qualifiedNameErrors } from '../../meta-validation.js';
import type { KObject, Strategy } from '../../types.js';
import { configMapKey } from '../names.js';
import { asArray, ensureObject, immutable, isObject, unset } from './common.js';
import { defaultPvc } from './workloads.js';

/** Namespaces, ConfigMaps, Secrets, volumes and the other plain core kinds. */

// ---------------------------------------------------------------------------------------------
// Namespace (apiserver-compat.md §11)

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function syncNameLabel(obj: KObject): void {
  const name = obj.metadata?.name;
  if (!name) return;
  obj.metadata!.labels = {
    ...(isObject(obj.metadata!.labels) ? obj.metadata!.labels : {}),
    [NAMESPACE_NAME_LABEL]: name,
  };
}

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

export const namespaceStrategy: Strategy = {
  prepareCreate(obj) {
    syncNameLabel(obj);
    const spec = ensureObject(obj, 'spec');
    const fins: string[] = Array.isArray(spec.finalizers) ? spec.finalizers : [];
    if (!fins.includes('kubernetes')) fins.push('kubernetes');
    spec.finalizers = fins;
    obj.status = { phase: 'Active' };
  },
  // Upstream ignores spec.finalizers on the main endpoint; here the namespace controller and
  // `/finalize` write through the same update path, so the value is taken as given.
  prepareUpdate(obj) {
    syncNameLabel(obj);
  },
  validate(obj) {
    const errs: FieldError[] = [];
    asArray(obj.spec?.finalizers).forEach((f, i) => {
      const path = `spec.finalizers[${i}]`;
      const v = String(f);
      for (const m of qualifiedNameErrors(v)) errs.push(fieldErr.invalid(path, v, m));
      if (!v.includes('/') && !STANDARD_FINALIZERS.includes(v))
        errs.push(
          fieldErr.invalid(path, v, 'name is neither a standard finalizer name nor is it fully qualified'),
        );
    });
    return errs;
  },
};

// ---------------------------------------------------------------------------------------------
// ConfigMap and Secret

/** 1 MiB, upstream's MaxSecretSize (also the ConfigMap limit). */
const MAX_DATA_SIZE = 1024 * 1024;

function keyErrors(data: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(data)) return errs;
  for (const k of Object.keys(data))
    for (const m of configMapKey(k)) errs.push(fieldErr.invalid(`${path}[${k}]`, k, m));
  return errs;
}

const decodedSize = (b64: unknown): number =>
  typeof b64 === 'string' ? Buffer.from(b64, 'base64').length : 0;

/** Upstream's immutability rule for ConfigMap and Secret (`immutable: true`). */
function immutableDataErrors(obj: KObject, old: KObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true)
    errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields)
    if (!isDeepStrictEqual(obj[f] ?? {}, old[f] ?? {}))
      errs.push(fieldErr.forbidden(f, 'field is immutable when `immutable` is set'));
  return errs;
}

export const configMapStrategy: Strategy = {
  validate(obj, old) {
    const errs = [...keyErrors(obj.data, 'data'), ...keyErrors(obj.binaryData, 'binaryData')];
    let size = 0;
    for (const [k, v] of Object.entries(isObject(obj.data) ? obj.data : {})) {
      if (isObject(obj.binaryData) && k in obj.binaryData)
        errs.push(fieldErr.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
      size += k.length + Buffer.byteLength(String(v));
    }
    for (const [k, v] of Object.entries(isObject(obj.binaryData) ? obj.binaryData : {}))
      size += k.length + decodedSize(v);
    if (size > MAX_DATA_SIZE) errs.push(fieldErr.tooLong('', MAX_DATA_SIZE));
    if (old) errs.push(...immutableDataErrors(obj, old, ['data', 'binaryData']));
    return errs;
  },
};

/** `stringData` is write-only: merged into `data` (base64) and dropped (upstream's conversion). */
function mergeStringData(obj: KObject): void {
  if (isObject(obj.stringData)) {
    const data = isObject(obj.data) ? obj.data : {};
    for (const [k, v] of Object.entries(obj.stringData))
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    obj.data = data;
  }
  delete obj.stringData;
}

function defaultSecret(obj: KObject): void {
  mergeStringData(obj);
  if (unset(obj.type)) obj.type = 'Opaque';
}

/** Required keys per well-known Secret type (`ValidateSecret`). */
function typeErrors(obj: KObject): FieldError[] {
  const data = isObject(obj.data) ? obj.data : {};
  const has = (k: string) => k in data;
  const errs: FieldError[] = [];
  const requireJson = (key: string) => {
    if (!has(key)) return errs.push(fieldErr.required(`data[${key}]`));
    try {
      JSON.parse(Buffer.from(String(data[key]), 'base64').toString('utf8'));
    } catch (e) {
      errs.push({
        type: 'FieldValueInvalid',
        field: `data[${key}]`,
        value: '<secret contents redacted>',
        detail: (e as Error).message,
      });
    }
  };
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata?.annotations?.['kubernetes.io/service-account.name'])
        errs.push(fieldErr.required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      requireJson('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      requireJson('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password'))
        errs.push(fieldErr.required('data[username]'), fieldErr.required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) errs.push(fieldErr.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(fieldErr.required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(fieldErr.required('data[tls.key]'));
      break;
  }
  return errs;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The decode error upstream reports (400) for a `data` value that is not base64, or undefined.
 * The server can turn it into `Secret in version "v1" cannot be handled as a Secret: <message>`.
 */
export function secretDataDecodeError(obj: KObject): string | undefined {
  for (const v of Object.values(isObject(obj.data) ? obj.data : {})) {
    if (typeof v !== 'string')
      return 'json: cannot unmarshal into Go struct field Secret.data of type []uint8';
    const s = v.replace(/\s/g, '');
    if (s.length % 4 !== 0 || !BASE64.test(s))
      return `illegal base64 data at input byte ${Math.max(0, s.search(/[^A-Za-z0-9+/=]/))}`;
  }
  return undefined;
}

export const secretStrategy: Strategy = {
  prepareCreate: (obj) => defaultSecret(obj),
  prepareUpdate: (obj) => defaultSecret(obj),
  validate(obj, old) {
    const errs = [...keyErrors(obj.data, 'data'), ...typeErrors(obj)];
    let size = 0;
    for (const v of Object.values(isObject(obj.data) ? obj.data : {})) size += decodedSize(v);
    if (size > MAX_DATA_SIZE) errs.push(fieldErr.tooLong('data', MAX_DATA_SIZE));
    if (old) {
      errs.push(...immutable('type', obj.type, old.type));
      errs.push(...immutableDataErrors(obj, old, ['data']));
    }
    return errs;
  },
};

// ---------------------------------------------------------------------------------------------
// volumes and endpoints

export const pvcStrategy: Strategy = {
  prepareCreate(obj) {
    defaultPvc(obj);
    obj.status = { phase: 'Pending' };
  },
  prepareUpdate(obj) {
    defaultPvc(obj);
  },
  validate(obj) {
    const errs: FieldError[] = [];
    if (!asArray(obj.spec?.accessModes).length)
      errs.push(fieldErr.required('spec.accessModes', 'at least 1 access mode is required'));
    if (obj.spec?.resources?.requests?.storage === undefined)
      errs.push(fieldErr.required('spec.resources[storage]'));
    return errs;
  },
};

function defaultPv(obj: KObject): void {
  const spec = ensureObject(obj, 'spec');
  if (unset(spec.persistentVolumeReclaimPolicy)) spec.persistentVolumeReclaimPolicy = 'Retain';
  if (unset(spec.volumeMode)) spec.volumeMode = 'Filesystem';
}

export const pvStrategy: Strategy = {
  prepareCreate(obj) {
    defaultPv(obj);
    obj.status = { phase: 'Pending' };
  },
  prepareUpdate: (obj) => defaultPv(obj),
};

export const endpointsStrategy: Strategy = {
  prepareCreate: (obj) => defaultEndpoints(obj),
  prepareUpdate: (obj) => defaultEndpoints(obj),
};

function defaultEndpoints(obj: KObject): void {
  for (const ss of asArray(obj.subsets))
    for (const p of asArray(ss?.ports)) if (isObject(p) && unset(p.protocol)) p.protocol = 'TCP';
}

export const endpointSliceStrategy: Strategy = {
  prepareCreate: (obj) => defaultEndpointSlice(obj),
  prepareUpdate: (obj) => defaultEndpointSlice(obj),
};

function defaultEndpointSlice(obj: KObject): void {
  for (const p of asArray(obj.ports)) {
    if (!isObject(p)) continue;
    if (p.name === undefined || p.name === null) p.name = '';
    if (unset(p.protocol)) p.protocol = 'TCP';
  }
}
