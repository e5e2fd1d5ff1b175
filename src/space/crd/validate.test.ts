import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../errors.js';
import { defaultCRD, validateCRD } from './validate.js';

/** The CRD of trace 09 (kubectl apply of widgets.example.com), already defaulted. */
function widgetCRD(): any {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: {
        categories: ['all'],
        kind: 'Widget',
        plural: 'widgets',
        shortNames: ['wd'],
        singular: 'widget',
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          additionalPrinterColumns: [
            { jsonPath: '.spec.size', name: 'Size', type: 'string' },
            { jsonPath: '.spec.replicas', name: 'Replicas', type: 'integer' },
            { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    replicas: { type: 'integer' },
                    size: { default: 'small', type: 'string' },
                    tags: { items: { type: 'string' }, type: 'array' },
                  },
                },
                status: { type: 'object', properties: { replicas: { type: 'integer' } } },
              },
            },
          },
          subresources: {
            scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
            status: {},
          },
        },
      ],
    },
  };
  defaultCRD(crd);
  return crd;
}

const msgs = (crd: any, old?: any): string[] => validateCRD(crd, old).map(formatFieldError);

describe('defaultCRD', () => {
  it('fills singular, listKind and the conversion strategy', () => {
    const crd: any = { spec: { names: { kind: 'Gadget', plural: 'gadgets' } } };
    defaultCRD(crd);
    expect(crd.spec.names).toEqual({
      kind: 'Gadget',
      plural: 'gadgets',
      singular: 'gadget',
      listKind: 'GadgetList',
    });
    expect(crd.spec.conversion).toEqual({ strategy: 'None' });
  });

  it('keeps what the user set', () => {
    const crd: any = {
      spec: {
        names: { kind: 'Gadget', singular: 'gizmo', listKind: 'Gizmos' },
        conversion: { strategy: 'Webhook' },
      },
    };
    defaultCRD(crd);
    expect(crd.spec.names).toMatchObject({ singular: 'gizmo', listKind: 'Gizmos' });
    expect(crd.spec.conversion.strategy).toBe('Webhook');
  });
});

describe('validateCRD', () => {
  it('accepts a good CRD', () => {
    expect(msgs(widgetCRD())).toEqual([]);
  });

  it('requires name == plural.group and a dotted DNS group', () => {
    const crd = widgetCRD();
    crd.metadata.name = 'widgets.other.com';
    expect(msgs(crd)).toEqual([
      'metadata.name: Invalid value: "widgets.other.com": must be spec.names.plural+"."+spec.group',
    ]);

    const single = widgetCRD();
    single.spec.group = 'example';
    single.metadata.name = 'widgets.example';
    expect(msgs(single)).toEqual([
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
    ]);

    const upper = widgetCRD();
    upper.spec.group = 'Example.com';
    upper.metadata.name = 'widgets.Example.com';
    expect(msgs(upper)[0]).toMatch(
      /^spec\.group: Invalid value: "Example\.com": a lowercase RFC 1123 subdomain must consist of/,
    );
  });

  it('checks names as DNS-1035 labels and kind != listKind', () => {
    const crd = widgetCRD();
    crd.spec.names.shortNames = ['wd', 'Bad'];
    crd.spec.names.categories = ['1all'];
    crd.spec.names.listKind = 'Widget';
    const errs = msgs(crd);
    expect(errs).toEqual([
      expect.stringMatching(
        /^spec\.names\.shortNames\[1\]: Invalid value: "Bad": a DNS-1035 label must consist of .*'my-name', {2}or 'abc-123'/,
      ),
      'spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same',
      expect.stringMatching(/^spec\.names\.categories\[0\]: Invalid value: "1all": a DNS-1035 label/),
    ]);
    const noKind = widgetCRD();
    delete noKind.spec.names.kind;
    expect(msgs(noKind)).toContain('spec.names.kind: Required value');
  });

  it('checks scope', () => {
    const crd = widgetCRD();
    crd.spec.scope = 'Global';
    expect(msgs(crd)).toEqual([
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    ]);
  });

  it('requires versions: present, unique, exactly one storage, valid names', () => {
    const none = widgetCRD();
    none.spec.versions = [];
    expect(msgs(none)).toEqual(['spec.versions: Required value: must have at least one version']);

    const two = widgetCRD();
    two.spec.versions.push({ ...structuredClone(two.spec.versions[0]) });
    expect(msgs(two)).toEqual([
      'spec.versions: Invalid value: ["v1","v1"]: must contain unique version names',
      'spec.versions: Invalid value: ["v1","v1"]: must have exactly one version marked as storage version',
    ]);

    const bad = widgetCRD();
    bad.spec.versions[0].name = 'V1';
    expect(msgs(bad)[0]).toMatch(/^spec\.versions\[0\]\.name: Invalid value: "V1": a DNS-1035 label/);
  });

  it('requires a structural schema per version', () => {
    const missing = widgetCRD();
    delete missing.spec.versions[0].schema;
    expect(msgs(missing)).toEqual([
      'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
    ]);

    const crd = widgetCRD();
    delete crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.type;
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.tags.uniqueItems = true;
    expect(msgs(crd)).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
    ]);
  });

  it('limits the root schema when the status subresource is enabled', () => {
    const crd = widgetCRD();
    crd.spec.versions[0].schema.openAPIV3Schema.anyOf = [{ required: ['spec'] }];
    const errs = msgs(crd);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(
      /^spec\.versions\[0\]\.schema\.openAPIV3Schema: Invalid value: only \[Description Type .*\] fields are allowed at the root of the schema if the status subresource is enabled$/,
    );
    delete crd.spec.versions[0].subresources.status;
    expect(msgs(crd)).toEqual([]);
  });

  it('checks printer columns and scale paths', () => {
    const crd = widgetCRD();
    const v = crd.spec.versions[0];
    v.additionalPrinterColumns = [{ name: '', type: 'text', jsonPath: 'spec.size', format: 'weird' }];
    v.subresources.scale = { specReplicasPath: '.status.replicas', labelSelectorPath: '.metadata.labels' };
    expect(msgs(crd)).toEqual([
      'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
      'spec.versions[0].subresources.scale.statusReplicasPath: Required value',
      'spec.versions[0].subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": should be a json path under either .spec or .status',
      'spec.versions[0].additionalPrinterColumns[0].name: Required value',
      'spec.versions[0].additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string',
      'spec.versions[0].additionalPrinterColumns[0].format: Invalid value: "weird": must be one of byte,date,date-time,double,float,int32,int64,password',
      'spec.versions[0].additionalPrinterColumns[0].JSONPath: Invalid value: "spec.size": must be a simple json path starting with .',
    ]);
  });

  it('checks selectable fields against the schema', () => {
    const crd = widgetCRD();
    crd.spec.versions[0].selectableFields = [
      { jsonPath: '.spec.size' },
      { jsonPath: '.spec.tags' },
      { jsonPath: '.spec.nope' },
      { jsonPath: '.spec.size' },
    ];
    expect(msgs(crd)).toEqual([
      'spec.versions[0].selectableFields[1].jsonPath: Invalid value: ".spec.tags": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
      'spec.versions[0].selectableFields[2].jsonPath: Invalid value: ".spec.nope": is an invalid path: no such field: .spec.nope',
      'spec.versions[0].selectableFields[3].jsonPath: Duplicate value: ".spec.size"',
    ]);
  });

  it('rejects webhook conversion with a clear message', () => {
    const crd = widgetCRD();
    crd.spec.conversion = {
      strategy: 'Webhook',
      webhook: { clientConfig: { url: 'https://x' }, conversionReviewVersions: ['v1'] },
    };
    expect(msgs(crd)).toEqual([
      'spec.conversion.strategy: Invalid value: "Webhook": conversion webhooks are not supported by this server; use strategy None',
    ]);
    const none = widgetCRD();
    none.spec.conversion = { strategy: 'None', webhook: { clientConfig: { url: 'https://x' } } };
    expect(msgs(none)).toEqual([
      'spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook',
    ]);
  });

  it('rejects spec.preserveUnknownFields: true', () => {
    const crd = widgetCRD();
    crd.spec.preserveUnknownFields = true;
    expect(msgs(crd)).toEqual([
      'spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
    ]);
  });

  describe('on update', () => {
    const established = (crd: any): any => ({
      ...structuredClone(crd),
      status: { conditions: [{ type: 'Established', status: 'True' }], storedVersions: ['v1'] },
    });

    it('keeps group and plural immutable always, scope and kind once established', () => {
      const old = widgetCRD();
      const crd = widgetCRD();
      crd.spec.scope = 'Cluster';
      crd.spec.names.kind = 'Gadget';
      crd.spec.names.listKind = 'GadgetList';
      expect(msgs(crd, old)).toEqual([]);
      expect(msgs(crd, established(old))).toEqual([
        'spec.scope: Invalid value: "Cluster": field is immutable',
        'spec.names.kind: Invalid value: "Gadget": field is immutable',
      ]);

      const moved = widgetCRD();
      moved.spec.group = 'other.io';
      moved.spec.names.plural = 'gizmos';
      moved.metadata.name = 'gizmos.other.io';
      expect(msgs(moved, old)).toEqual(
        expect.arrayContaining([
          'spec.group: Invalid value: "other.io": field is immutable',
          'spec.names.plural: Invalid value: "gizmos": field is immutable',
        ]),
      );
    });

    it('forbids removing a version that is still in storedVersions', () => {
      const old = widgetCRD();
      old.spec.versions[0].storage = false;
      old.spec.versions.unshift({ ...structuredClone(old.spec.versions[0]), name: 'v1alpha1' });
      old.spec.versions[1].storage = true;
      old.spec.versions[0].storage = false;
      const prev = { ...old, status: { storedVersions: ['v1alpha1', 'v1'] } };
      const crd = widgetCRD(); // only v1 left
      expect(msgs(crd, prev)).toEqual([
        'status.storedVersions[0]: Invalid value: "v1alpha1": missing from spec.versions; v1alpha1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1alpha1 and removes v1alpha1 from status.storedVersions',
      ]);
      expect(msgs(old, prev)).toEqual([]);
    });
  });
});
