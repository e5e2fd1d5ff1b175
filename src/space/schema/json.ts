/** Small helpers over decoded JSON values, shared by the schema modules. */
import type { JSONSchemaProps } from './types.js';

export type JsonType = 'null' | 'boolean' | 'string' | 'integer' | 'number' | 'array' | 'object';

/** The OpenAPI type name of a decoded JSON value (what go-openapi reports in type errors). */
export function jsonType(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return Number.isInteger(Number(v)) ? 'integer' : 'number';
    default:
      return 'object';
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasOwn(o: object | undefined, k: string): boolean {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, k);
}

/** Assigns an own data property even for keys such as `__proto__`, which plain assignment would not. */
export function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

export function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** JSON text with object keys sorted, so equal values give equal strings. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** Dotted child path: `spec` + `replicas` → `spec.replicas`; the root is the empty string. */
export const childPath = (base: string, key: string): string => (base ? `${base}.${key}` : key);
export const indexPath = (base: string, i: number): string => `${base}[${i}]`;

/** A schema node (any JSON object); a type guard that keeps the JSONSchemaProps type intact. */
export function isSchema(v: unknown): v is JSONSchemaProps {
  return isPlainObject(v);
}
