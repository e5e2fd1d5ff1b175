/**
 * Turns the compact descriptors of descriptors.ts into (a) field tables the JSON converter walks
 * and (b) a protobufjs reflection Root that does the wire decoding. Built once, on first use.
 */
import protobuf from 'protobufjs/light.js';
import { MESSAGES, SPECIAL_MESSAGES } from './descriptors.js';

export type ScalarType = 'string' | 'int32' | 'int64' | 'bool' | 'bytes' | 'double';
export type SpecialType =
  'Time' | 'MicroTime' | 'Quantity' | 'IntOrString' | 'RawExtension' | 'FieldsV1' | 'StringList';

export interface FieldDef {
  /** JSON name; for inline (`^`) fields, the protobuf field name (never emitted). */
  name: string;
  id: number;
  type: string;
  kind: 'scalar' | 'special' | 'message';
  /** `!`: keep zero values (no omitempty in the Go JSON tag). */
  keep: boolean;
  /** `*`: Go pointer; presence on the wire is meaningful, zeros are kept. */
  pointer: boolean;
  /** `^`: embedded struct whose fields merge into the parent JSON object. */
  inline: boolean;
  repeated: boolean;
  map: boolean;
}

export interface MessageDef {
  name: string;
  fields: FieldDef[];
}

const SCALARS = new Set<string>(['string', 'int32', 'int64', 'bool', 'bytes', 'double']);
const SPECIALS = new Set<string>([
  'Time',
  'MicroTime',
  'Quantity',
  'IntOrString',
  'RawExtension',
  'FieldsV1',
  'StringList',
]);
/** The protobuf package the descriptors live in; only field numbers matter on the wire. */
const PKG = 'kstellar.k8s';

const FIELD_RE = /^(\w+)=(\d+)(?::([!*^]*)(\[\]|\{\})?(\w+))?$/;

/** Parses one message string of descriptors.ts. Exported for tests. */
export function parseMessage(name: string, spec: string): MessageDef {
  const fields: FieldDef[] = [];
  const seen = new Set<number>();
  for (const token of spec.trim().split(/\s+/)) {
    const m = FIELD_RE.exec(token);
    if (!m) throw new Error(`protobuf descriptor ${name}: cannot parse field "${token}"`);
    const [, fieldName, num, mods = '', coll, type = 'string'] = m;
    const id = Number(num);
    if (seen.has(id)) throw new Error(`protobuf descriptor ${name}: field number ${id} used twice`);
    seen.add(id);
    fields.push({
      name: fieldName,
      id,
      type,
      kind: SCALARS.has(type) ? 'scalar' : SPECIALS.has(type) ? 'special' : 'message',
      keep: mods.includes('!'),
      pointer: mods.includes('*'),
      inline: mods.includes('^'),
      repeated: coll === '[]',
      map: coll === '{}',
    });
  }
  return { name, fields };
}

interface Schema {
  root: protobuf.Root;
  messages: Map<string, MessageDef>;
}

let schema: Schema | undefined;

function build(): Schema {
  const messages = new Map<string, MessageDef>();
  for (const table of [SPECIAL_MESSAGES, MESSAGES]) {
    for (const [name, spec] of Object.entries(table)) {
      if (messages.has(name)) throw new Error(`protobuf descriptor ${name} defined twice`);
      messages.set(name, parseMessage(name, spec));
    }
  }
  const nested: Record<string, protobuf.IType> = {};
  for (const def of messages.values()) {
    const fields: Record<string, protobuf.IField & { keyType?: string }> = {};
    for (const f of def.fields) {
      if (f.kind === 'message' && !messages.has(f.type)) {
        throw new Error(`protobuf descriptor ${def.name}.${f.name}: unknown message ${f.type}`);
      }
      fields[f.name] = f.map
        ? { id: f.id, type: f.type, keyType: 'string' }
        : { id: f.id, type: f.type, ...(f.repeated ? { rule: 'repeated' } : {}) };
    }
    nested[def.name] = { fields };
  }
  const root = protobuf.Root.fromJSON({ nested: { kstellar: { nested: { k8s: { nested } } } } });
  root.resolveAll();
  return { root, messages };
}

function get(): Schema {
  schema ??= build();
  return schema;
}

/** Field table of one message (descriptors.ts name). */
export function messageDef(name: string): MessageDef {
  const def = get().messages.get(name);
  if (!def) throw new Error(`no protobuf descriptor for ${name}`);
  return def;
}

/** The protobufjs reflection type of one message, for decoding (and for encoding in tests). */
export function messageType(name: string): protobuf.Type {
  messageDef(name);
  return get().root.lookupType(`${PKG}.${name}`);
}
