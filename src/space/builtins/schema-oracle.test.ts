import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../schema/types.js';
import { builtinResources } from './index.js';

/**
 * Cross-checks every built-in schema against the field tables of @kubernetes/client-node 1.4
 * (generated from the v1.34.0 OpenAPI document): each field a client may send must be declared
 * (or sit under a preserve-unknown subtree), declared fields must exist, and scalar types and
 * integer formats must agree. This is what keeps strict field validation from rejecting valid
 * manifests.
 */

interface Attr {
  baseName: string;
  type: string;
  format: string;
}

const models = k8s as unknown as Record<string, { getAttributeTypeMap?: () => Attr[] }>;

/** client-node class names whose kind name differs from `V1<Kind>`. */
const MODEL_NAMES: Record<string, string> = {
  '/Event': 'CoreV1Event',
  'events.k8s.io/Event': 'EventsV1Event',
  'autoscaling/HorizontalPodAutoscaler': 'V2HorizontalPodAutoscaler',
  'apiregistration.k8s.io/APIService': 'V1APIService',
};

const preserves = (s: JSONSchemaProps): boolean => s['x-kubernetes-preserve-unknown-fields'] === true;

function compare(
  s: JSONSchemaProps | undefined,
  type: string,
  format: string,
  path: string,
  problems: string[],
): void {
  if (!s) return void problems.push(`${path}: no schema`);
  if (preserves(s) && !s.properties && !s.items && !s.additionalProperties) return;
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) {
    if (s.type !== 'array') return void problems.push(`${path}: expected array, schema has ${s.type}`);
    return compare(s.items, arr[1], '', `${path}[]`, problems);
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (s.type !== 'object' || typeof s.additionalProperties !== 'object')
      return void problems.push(`${path}: expected map, schema has ${s.type}`);
    return compare(s.additionalProperties, map[1], '', `${path}{}`, problems);
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  switch (type) {
    case 'string':
      if (s.type !== 'string' && !intOrString)
        problems.push(`${path}: expected string, schema has ${s.type}`);
      if ((format === 'byte' || format === 'date-time') && s.format !== format)
        problems.push(`${path}: expected format ${format}`);
      return;
    case 'Date':
    case 'V1MicroTime':
      if (s.type !== 'string' || s.format !== 'date-time' || !s['x-kstellar-time'])
        problems.push(`${path}: expected a time`);
      return;
    case 'number':
      if (s.type !== 'integer' && s.type !== 'number')
        problems.push(`${path}: expected number, schema has ${s.type}`);
      else if (format && s.format !== format)
        problems.push(`${path}: expected format ${format}, schema has ${s.format}`);
      return;
    case 'boolean':
      if (s.type !== 'boolean') problems.push(`${path}: expected boolean, schema has ${s.type}`);
      return;
    case 'IntOrString':
      if (!intOrString) problems.push(`${path}: expected int-or-string`);
      return;
    case 'any':
    case 'object':
      return;
  }
  const model = models[type];
  if (!model?.getAttributeTypeMap) return void problems.push(`${path}: unknown client-node type ${type}`);
  if (s.type !== 'object' || !s.properties) return void problems.push(`${path}: expected object ${type}`);
  const attrs = model.getAttributeTypeMap();
  const names = new Set(attrs.map((a) => a.baseName));
  for (const a of attrs) {
    const sub = s.properties[a.baseName];
    if (!sub) {
      if (!preserves(s)) problems.push(`${path}.${a.baseName}: missing from schema (${type})`);
      continue;
    }
    compare(sub, a.type, a.format, `${path}.${a.baseName}`, problems);
  }
  for (const k of Object.keys(s.properties))
    if (!names.has(k)) problems.push(`${path}.${k}: not a field of ${type}`);
}

describe('the oracle itself', () => {
  it('reports missing, unknown and mistyped fields', () => {
    const problems: string[] = [];
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { name: { type: 'string' }, port: { type: 'string' }, bogus: { type: 'string' } },
    };
    compare(schema, 'CoreV1EndpointPort', '', 'p', problems);
    expect(problems).toEqual([
      'p.appProtocol: missing from schema (CoreV1EndpointPort)',
      'p.port: expected number, schema has string',
      'p.protocol: missing from schema (CoreV1EndpointPort)',
      'p.bogus: not a field of CoreV1EndpointPort',
    ]);
  });
});

describe('built-in schemas agree with the v1.34 API types', () => {
  for (const def of builtinResources()) {
    const modelName = MODEL_NAMES[`${def.group}/${def.kind}`] ?? `V1${def.kind}`;
    it(`${def.group || 'core'}/${def.version} ${def.kind} (${modelName})`, () => {
      expect(models[modelName]?.getAttributeTypeMap, `client-node has ${modelName}`).toBeTypeOf('function');
      const problems: string[] = [];
      compare(def.schema, modelName, '', def.kind, problems);
      expect(problems).toEqual([]);
    });
  }
});
