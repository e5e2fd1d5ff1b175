import { describe, expect, it } from 'vitest';
import { builtinResources } from '../builtins/index.js';
import type { JSONSchemaProps } from '../schema/types.js';
import type { KObject } from '../types.js';
import {
  ApplyBodyError,
  ApplyUndeclaredFieldError,
  gvkString,
  serverSideApply,
  validateApplyBody,
} from './index.js';

const defs = builtinResources();
const deploymentSchema = defs.find((r) => r.group === 'apps' && r.kind === 'Deployment')!.schema!;
const info = { apiVersion: 'apps/v1', kind: 'Deployment', objectRef: 'default/web' };

function body(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...metadata },
    spec,
  };
}

function thrown(fn: () => void): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('validateApplyBody', () => {
  it('accepts a well-formed body', () => {
    expect(() =>
      validateApplyBody(
        body({ replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } }),
        deploymentSchema,
        info,
      ),
    ).not.toThrow();
  });

  it('rejects metadata.managedFields with 400, even an empty list', () => {
    for (const managedFields of [[], [{ manager: 'x' }]]) {
      const err = thrown(() => validateApplyBody(body({}, { managedFields }), deploymentSchema, info));
      expect(err).toBeInstanceOf(ApplyBodyError);
      expect((err as ApplyBodyError).status).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message: 'metadata.managedFields must be nil',
      });
    }
  });

  it('rejects a body of another kind or version', () => {
    const err = thrown(() =>
      validateApplyBody({ ...body({}), apiVersion: 'apps/v1beta1' }, deploymentSchema, info),
    ) as ApplyBodyError;
    expect(err.status.message).toBe('invalid object type: apps/v1beta1, Kind=Deployment');
    expect(gvkString('v1', 'ConfigMap')).toBe('/v1, Kind=ConfigMap');
  });

  it("answers an undeclared field with upstream's 500 and no reason", () => {
    const err = thrown(() => validateApplyBody(body({ foo: 1 }), deploymentSchema, info));
    expect(err).toBeInstanceOf(ApplyUndeclaredFieldError);
    const status = (err as ApplyUndeclaredFieldError).status;
    expect(status.code).toBe(500);
    expect(status.reason).toBeUndefined();
    expect(status.message).toBe(
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema',
    );
    expect(JSON.parse(JSON.stringify(status))).not.toHaveProperty('reason');
  });

  it('names list-map elements by key and lists several problems', () => {
    const b = body(
      { bar: 1, template: { spec: { containers: [{ name: 'nginx', image: 'x', foo: true }] } } },
      { color: 'red' },
    );
    const err = thrown(() => validateApplyBody(b, deploymentSchema, info));
    expect(err.message).toBe(
      [
        'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:',
        '  .metadata.color: field not declared in schema',
        '  .spec.bar: field not declared in schema',
        '  .spec.template.spec.containers[name="nginx"].foo: field not declared in schema',
      ].join('\n'),
    );
  });

  it('rejects duplicate list-map keys and elements without key fields', () => {
    const dup = body({ template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } });
    expect(thrown(() => validateApplyBody(dup, deploymentSchema, info)).message).toBe(
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="a"]',
    );
    const keyless = body({ template: { spec: { containers: [{ image: 'x' }] } } });
    expect(thrown(() => validateApplyBody(keyless, deploymentSchema, info)).message).toContain(
      '.spec.template.spec.containers: element 0: associative list with keys has an element that omits all key fields ["name"]',
    );
  });

  it('accepts anything when the kind has no schema, and under preserve-unknown-fields', () => {
    expect(() => validateApplyBody(body({ anything: { at: ['all'] } }), undefined, info)).not.toThrow();
    const loose: JSONSchemaProps = {
      type: 'object',
      properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
    };
    expect(() => validateApplyBody(body({ anything: 1 }), loose, info)).not.toThrow();
    expect(() => validateApplyBody({ ...body({}), extra: 1 }, loose, info)).toThrow(
      /\.extra: field not declared in schema/,
    );
  });

  it('runs before serverSideApply merges anything', () => {
    expect(() =>
      serverSideApply({
        live: undefined,
        applied: body({ foo: 1 }),
        manager: 'm',
        force: false,
        schema: deploymentSchema,
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        now: 'T',
        objectRef: 'default/web',
      }),
    ).toThrow(ApplyUndeclaredFieldError);
  });
});
