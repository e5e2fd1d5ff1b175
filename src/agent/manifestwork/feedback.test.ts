import { describe, expect, it } from 'vitest';
import { evaluateFeedback, fieldValueOf, statusFeedbackRule } from './feedback.js';

const deployGvk = { group: 'apps', version: 'v1', kind: 'Deployment' };
const deploy = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  status: { replicas: 3, readyReplicas: 2, availableReplicas: 2 },
};

describe('WellKnownStatus', () => {
  it('reads Deployment replicas in rule order', () => {
    const r = evaluateFeedback(deploy, [{ type: 'WellKnownStatus' }], deployGvk);
    expect(r).toEqual({
      values: [
        { name: 'ReadyReplicas', fieldValue: { type: 'Integer', integer: 2 } },
        { name: 'Replicas', fieldValue: { type: 'Integer', integer: 3 } },
        { name: 'AvailableReplicas', fieldValue: { type: 'Integer', integer: 2 } },
      ],
      errors: [],
    });
  });

  it('reads Job and Pod conditions as strings; missing fields give no value', () => {
    const job = { status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } };
    expect(
      evaluateFeedback(job, [{ type: 'WellKnownStatus' }], { group: 'batch', version: 'v1', kind: 'Job' })
        .values,
    ).toEqual([
      { name: 'JobComplete', fieldValue: { type: 'String', string: 'True' } },
      { name: 'JobSucceeded', fieldValue: { type: 'Integer', integer: 1 } },
    ]);
    const pod = { status: { phase: 'Pending' } };
    expect(
      evaluateFeedback(pod, [{ type: 'WellKnownStatus' }], { group: '', version: 'v1', kind: 'Pod' }),
    ).toEqual({
      values: [{ name: 'PodPhase', fieldValue: { type: 'String', string: 'Pending' } }],
      errors: [],
    });
  });

  it('fails for kinds without well-known statuses', () => {
    const r = evaluateFeedback({ status: {} }, [{ type: 'WellKnownStatus' }], {
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
    });
    expect(r.errors).toEqual([
      'cannot find the wellknown statuses for resource with gvk /v1, Kind=ConfigMap',
    ]);
  });
});

describe('JSONPaths', () => {
  it('returns the whole status as canonical JsonRaw for the engine', () => {
    const r = evaluateFeedback(deploy, [statusFeedbackRule()], deployGvk);
    expect(r.values).toEqual([
      {
        name: 'status',
        fieldValue: { type: 'JsonRaw', jsonRaw: '{"availableReplicas":2,"readyReplicas":2,"replicas":3}' },
      },
    ]);
    expect(JSON.parse(r.values[0].fieldValue.jsonRaw!)).toEqual(deploy.status);
  });

  it('types values and supports filters', () => {
    const obj = {
      spec: { paused: true, name: 'x', ratio: 0.5 },
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    };
    const r = evaluateFeedback(
      obj,
      [
        {
          type: 'JSONPaths',
          jsonPaths: [
            { name: 'paused', path: '.spec.paused' },
            { name: 'name', path: '.spec.name' },
            { name: 'ratio', path: '.spec.ratio' },
            { name: 'ready', path: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'missing', path: '.status.nothing' },
          ],
        },
      ],
      deployGvk,
    );
    expect(r.errors).toEqual([]);
    expect(r.values.map((v) => [v.name, v.fieldValue])).toEqual([
      ['paused', { type: 'Boolean', boolean: true }],
      ['name', { type: 'String', string: 'x' }],
      ['ratio', { type: 'JsonRaw', jsonRaw: '0.5' }],
      ['ready', { type: 'String', string: 'False' }],
    ]);
  });

  it('behaves as OCM without the raw gate, and enforces the raw length limit', () => {
    expect(fieldValueOf([{ a: 1 }], { rawJson: false })).toMatch(/not supported: map/);
    expect(fieldValueOf([1, 2], { rawJson: false })).toEqual({ type: 'Integer', integer: 1 });
    expect(fieldValueOf([1, 2])).toEqual({ type: 'JsonRaw', jsonRaw: '[1,2]' });
    expect(fieldValueOf([{ a: 'x'.repeat(50) }], { maxJsonRawLength: 20 })).toMatch(
      /more than the limit of 20/,
    );
  });

  it('rejects mismatched versions and bad paths, keeps other values, and de-duplicates names', () => {
    const r = evaluateFeedback(
      deploy,
      [
        {
          type: 'JSONPaths',
          jsonPaths: [
            { name: 'v', path: '.status.replicas', version: 'v2' },
            { name: 'bad', path: '.status[' },
            { name: 'r', path: '.status.replicas' },
            { name: 'r', path: '.status.readyReplicas' },
          ],
        },
      ],
      deployGvk,
    );
    expect(r.errors).toHaveLength(2);
    expect(r.values).toEqual([{ name: 'r', fieldValue: { type: 'Integer', integer: 3 } }]);
  });
});
