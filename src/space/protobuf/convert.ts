/**
 * Decoded protobufjs message → the JSON a kube-apiserver would store (apiserver-compat.md §1.2):
 * Go JSON names, RFC 3339 times, IntOrString/Quantity as scalars, bytes as base64, embedded
 * inline structs merged, and zero values dropped unless the Go field keeps them.
 */
import { messageDef, type FieldDef, type MessageDef } from './schema.js';
import { ProtobufDecodeError } from './errors.js';

type Json = unknown;
type Msg = Record<string, any>;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Sets a key without ever touching a prototype (map keys come from the client). */
function put(obj: Record<string, Json>, key: string, value: Json): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** int64 arrives as a Long (when the `long` package is loadable) or as a number. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'low' in v && 'high' in v) {
    const l = v as { low: number; high: number; unsigned?: boolean; toNumber?: () => number };
    if (typeof l.toNumber === 'function') return l.toNumber();
    return (l.unsigned ? l.high >>> 0 : l.high) * 0x1_0000_0000 + (l.low >>> 0);
  }
  return Number(v);
}

function base64(v: unknown): string {
  if (!(v instanceof Uint8Array)) return '';
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** metav1.Time / MicroTime. The zero time is absent: Go marshals it as null. */
function time(msg: Msg, micro: boolean): string | undefined {
  const seconds = toNumber(msg.seconds ?? 0);
  const nanos = toNumber(msg.nanos ?? 0);
  if (seconds === 0 && nanos === 0) return undefined;
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new ProtobufDecodeError(`invalid timestamp: ${seconds} seconds`);
  const base = d.toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

/** RawExtension / FieldsV1 carry JSON text. */
function rawJson(bytes: unknown, what: string): Json {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) return undefined;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtobufDecodeError(`${what} in the protobuf body is not JSON`);
  }
}

function special(type: string, msg: Msg): Json {
  switch (type) {
    case 'Time':
      return time(msg, false);
    case 'MicroTime':
      return time(msg, true);
    case 'Quantity':
      return String(msg.string ?? '');
    case 'IntOrString':
      // type 1 = String; anything else is Int (0).
      return toNumber(msg.type ?? 0) === 1 ? String(msg.strVal ?? '') : toNumber(msg.intVal ?? 0);
    case 'RawExtension':
      return rawJson(msg.raw, 'a RawExtension');
    case 'FieldsV1':
      return rawJson(msg.Raw, 'a FieldsV1');
    case 'StringList':
      return Array.isArray(msg.items) ? [...msg.items] : [];
    default:
      throw new Error(`unhandled special protobuf type ${type}`);
  }
}

function scalar(type: string, v: unknown): Json {
  switch (type) {
    case 'int64':
      return toNumber(v);
    case 'bytes':
      return base64(v);
    default:
      return v;
  }
}

/** One value of a field (a list element, a map value, or the field itself). */
function value(f: FieldDef, v: unknown): Json {
  if (f.kind === 'scalar') return scalar(f.type, v);
  if (v === null || typeof v !== 'object') return undefined;
  if (f.kind === 'special') return special(f.type, v as Msg);
  return convertMessage(v as Msg, messageDef(f.type));
}

function isZero(v: Json): boolean {
  if (v === '' || v === 0 || v === false || v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/** Go's zero value of a `!` scalar the wire did not carry (gogo always sends them; others may not). */
function zeroOf(f: FieldDef): Json {
  switch (f.type) {
    case 'string':
      return '';
    case 'int32':
    case 'int64':
    case 'double':
    case 'IntOrString':
      return 0;
    case 'bool':
      return false;
    default:
      return undefined;
  }
}

export function convertMessage(msg: Msg, def: MessageDef): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const f of def.fields) {
    const present = hasOwn(msg, f.name) && msg[f.name] !== null && msg[f.name] !== undefined;
    if (f.inline) {
      if (present) Object.assign(out, value(f, msg[f.name]));
      continue;
    }
    if (f.repeated) {
      // Elements are kept as they are, zeros included: a list's length is data.
      const list = present && Array.isArray(msg[f.name]) ? (msg[f.name] as unknown[]) : [];
      if (list.length) out[f.name] = list.map((v) => value(f, v));
      continue;
    }
    if (f.map) {
      const entries = present ? Object.entries(msg[f.name] as object) : [];
      if (!entries.length) continue;
      const obj: Record<string, Json> = {};
      for (const [k, v] of entries) {
        const cv = value(f, v);
        if (cv !== undefined) put(obj, k, cv);
      }
      out[f.name] = obj;
      continue;
    }
    if (!present) {
      // Go marshals a non-omitempty field even when the wire left it out (a nil pointer as null,
      // which is the same as absent here): emit its zero value.
      const z =
        !f.keep || f.pointer
          ? undefined
          : f.kind === 'message'
            ? convertMessage({}, messageDef(f.type))
            : zeroOf(f);
      if (z !== undefined) out[f.name] = z;
      continue;
    }
    const v = value(f, msg[f.name]);
    if (v === undefined) continue; // zero Time, empty raw JSON
    if (f.pointer || f.keep || !isZero(v)) out[f.name] = v;
  }
  return out;
}
