import { createHash } from 'node:crypto';
import type { Registry } from './registry.js';
import type { ResourceDef } from './types.js';
import type { JSONSchemaProps } from './schema/types.js';

/**
 * OpenAPI v3 documents, generated from the resource table (apiserver-compat.md §3). Each kind's
 * PATCH operation carries `x-kubernetes-group-version-kind` and an inline `fieldValidation`
 * query parameter, which is what lets kubectl trust server-side validation. Built-in PATCH ops
 * carry no requestBody, so kubectl computes strategic merge patches from its compiled-in types;
 * CR PATCH ops list only the patch types CRs accept.
 */

const FIELD_VALIDATION = {
  name: 'fieldValidation',
  in: 'query',
  description:
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict.',
  schema: { type: 'string', uniqueItems: true },
};
const PARAMS = (names: string[]) =>
  names.map((n) => ({
    name: n,
    in: 'query',
    schema: { type: n === 'force' ? 'boolean' : 'string', uniqueItems: true },
  }));

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(def: ResourceDef): string {
  if (!def.group) return `io.k8s.api.core.${def.version}.${def.kind}`;
  if (def.crd) return `${def.group.split('.').reverse().join('.')}.${def.version}.${def.kind}`;
  const short = def.group
    .replace(/\.k8s\.io$/, '')
    .replace(/\.authorization$/, '')
    .split('.')[0];
  return `io.k8s.api.${short}.${def.version}.${def.kind}`;
}

const OBJECT_META_REF = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } as const;

function documentFor(registry: Registry, group: string, version: string) {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const def of registry.resources(group, version)) {
    const gvk = { group: def.group, version: def.version, kind: def.kind };
    const base = `/${gvPath(group, version)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.resource}`;
    const ref = { $ref: `#/components/schemas/${schemaName(def)}` };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const verbs = new Set(def.verbs);
    if (def.review) {
      paths[base] = {
        post: {
          operationId: `create${def.kind}`,
          'x-kubernetes-action': 'post',
          'x-kubernetes-group-version-kind': gvk,
          parameters: [FIELD_VALIDATION],
          responses: ok,
        },
      };
    } else {
      const collection: Record<string, unknown> = {};
      if (verbs.has('list'))
        collection.get = {
          operationId: `list${def.kind}`,
          'x-kubernetes-action': 'list',
          'x-kubernetes-group-version-kind': gvk,
          responses: { '200': { description: 'OK' } },
        };
      if (verbs.has('create'))
        collection.post = {
          operationId: `create${def.kind}`,
          'x-kubernetes-action': 'post',
          'x-kubernetes-group-version-kind': gvk,
          parameters: [FIELD_VALIDATION, ...PARAMS(['dryRun', 'fieldManager'])],
          responses: ok,
        };
      paths[base] = collection;
      const item: Record<string, unknown> = {};
      if (verbs.has('get'))
        item.get = {
          operationId: `read${def.kind}`,
          'x-kubernetes-action': 'get',
          'x-kubernetes-group-version-kind': gvk,
          responses: ok,
        };
      if (verbs.has('update'))
        item.put = {
          operationId: `replace${def.kind}`,
          'x-kubernetes-action': 'put',
          'x-kubernetes-group-version-kind': gvk,
          parameters: [FIELD_VALIDATION, ...PARAMS(['dryRun', 'fieldManager'])],
          responses: ok,
        };
      if (verbs.has('patch')) {
        const op: Record<string, unknown> = {
          operationId: `patch${def.kind}`,
          'x-kubernetes-action': 'patch',
          'x-kubernetes-group-version-kind': gvk,
          parameters: [FIELD_VALIDATION, ...PARAMS(['dryRun', 'fieldManager', 'force'])],
          responses: ok,
        };
        if (def.crd) {
          const body = { schema: { type: 'object' } };
          op.requestBody = {
            content: {
              'application/json-patch+json': body,
              'application/merge-patch+json': body,
              'application/apply-patch+yaml': body,
            },
            required: true,
          };
        }
        item.patch = op;
      }
      if (verbs.has('delete'))
        item.delete = {
          operationId: `delete${def.kind}`,
          'x-kubernetes-action': 'delete',
          'x-kubernetes-group-version-kind': gvk,
          responses: ok,
        };
      paths[`${base}/{name}`] = item;
    }
    schemas[schemaName(def)] = {
      ...(def.schema
        ? withEnvelope(def.schema)
        : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.34.0' },
    paths,
    components: { schemas },
  };
}

function withEnvelope(schema: JSONSchemaProps): JSONSchemaProps {
  const props = { ...(schema.properties ?? {}) };
  props.apiVersion ??= {
    type: 'string',
    description: 'APIVersion defines the versioned schema of this representation of an object.',
  };
  props.kind ??= {
    type: 'string',
    description: 'Kind is a string value representing the REST resource this object represents.',
  };
  props.metadata =
    props.metadata && Object.keys(props.metadata).length > 1
      ? props.metadata
      : (OBJECT_META_REF as JSONSchemaProps);
  return { ...schema, type: 'object', properties: props };
}

/** Caches documents per registry generation. */
export class OpenApiService {
  private gen = -1;
  private docs = new Map<string, { body: string; hash: string }>();

  constructor(private readonly registry: Registry) {}

  private refresh(): void {
    if (this.gen === this.registry.generation) return;
    this.gen = this.registry.generation;
    this.docs.clear();
  }

  private doc(group: string, version: string): { body: string; hash: string } {
    this.refresh();
    const key = gvPath(group, version);
    let d = this.docs.get(key);
    if (!d) {
      const body = JSON.stringify(documentFor(this.registry, group, version));
      d = { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 16).toUpperCase() };
      this.docs.set(key, d);
    }
    return d;
  }

  index(): unknown {
    const paths: Record<string, unknown> = {};
    for (const g of this.registry.groups())
      for (const v of this.registry.versions(g)) {
        const p = gvPath(g, v);
        paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${this.doc(g, v).hash}` };
      }
    return { paths };
  }

  /** The document for `api/v1` or `apis/<g>/<v>`; undefined when not served. */
  document(path: string): string | undefined {
    const parts = path.split('/').filter(Boolean);
    let group: string, version: string;
    if (parts[0] === 'api' && parts.length === 2) [group, version] = ['', parts[1]];
    else if (parts[0] === 'apis' && parts.length === 3) [group, version] = [parts[1], parts[2]];
    else return undefined;
    if (!this.registry.hasGroupVersion(group, version)) return undefined;
    return this.doc(group, version).body;
  }
}
