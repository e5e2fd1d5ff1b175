/**
 * Apply-side cases from upstream's strategic merge patch test suite (k8s.io/apimachinery
 * pkg/util/strategicpatch, patch_test.go): live object + patch → the result upstream asserts.
 * The element order of the results is the interesting part.
 */
import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../schema/types.js';
import { applyStrategicMergePatch } from './index.js';

// The `MergeItem` test type, as a schema.
const mergeItem: JSONSchemaProps = { type: 'object', properties: {} };
Object.assign(mergeItem.properties!, {
  name: { type: 'string' },
  value: { type: 'string' },
  other: { type: 'string' },
  mergingList: {
    type: 'array',
    items: mergeItem,
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-patch-merge-key': 'name',
  },
  nonMergingList: { type: 'array', items: mergeItem },
  mergingIntList: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-patch-strategy': 'merge' },
  nonMergingIntList: { type: 'array', items: { type: 'integer' } },
  simpleMap: { type: 'object', additionalProperties: { type: 'string' } },
  retainKeysMap: {
    type: 'object',
    'x-kubernetes-patch-strategy': 'retainKeys',
    properties: { name: { type: 'string' }, value: { type: 'string' }, other: { type: 'string' } },
  },
  retainKeysMergingList: {
    type: 'array',
    items: mergeItem,
    'x-kubernetes-patch-strategy': 'merge,retainKeys',
    'x-kubernetes-patch-merge-key': 'name',
  },
} satisfies Record<string, JSONSchemaProps>);

const names = (...ns: number[]) => ns.map((name) => ({ name }));

const cases: Array<{ name: string; live: unknown; patch: unknown; result?: unknown; error?: RegExp }> = [
  {
    name: 'nested patch merge with empty list',
    live: { name: 'hi', mergingList: [{ name: 'hello2' }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }],
      mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }],
    },
    result: { name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] },
  },
  {
    name: 'delete items in lists of scalars',
    live: { mergingIntList: [1, 2, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2, 4] },
  },
  {
    name: 'delete all duplicate items in lists of scalars',
    live: { mergingIntList: [1, 2, 3, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2, 4] },
  },
  {
    name: 'add and delete items in lists of scalars',
    live: { mergingIntList: [1, 2, 3, 4] },
    patch: {
      '$setElementOrder/mergingIntList': [1, 2, 4],
      '$deleteFromPrimitiveList/mergingIntList': [3],
      mergingIntList: [4],
    },
    result: { mergingIntList: [1, 2, 4] },
  },
  {
    name: 'merge lists of maps',
    live: {
      mergingList: [
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
      ],
    },
    patch: {
      '$setElementOrder/mergingList': names(4, 1, 2, 3),
      mergingList: [
        { name: 4, value: 4 },
        { name: 3, value: 3 },
      ],
    },
    result: {
      mergingList: [
        { name: 4, value: 4 },
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
        { name: 3, value: 3 },
      ],
    },
  },
  {
    name: 'add field to map in merging list with conflict',
    live: {
      mergingList: [
        { name: 1, other: 'a' },
        { name: 3, value: 2, other: 'b' },
      ],
    },
    patch: {
      '$setElementOrder/mergingList': names(1, 2),
      mergingList: [
        { name: 1, value: 1 },
        { name: 2, value: 2 },
      ],
    },
    result: {
      mergingList: [
        { name: 1, value: 1, other: 'a' },
        { name: 2, value: 2 },
        { name: 3, value: 2, other: 'b' },
      ],
    },
  },
  {
    name: 'delete missing map from merging list with conflict',
    live: { mergingList: [{ name: 3, other: 'a' }] },
    patch: {
      '$setElementOrder/mergingList': names(2),
      mergingList: [{ name: 2 }, { name: 1, $patch: 'delete' }],
    },
    result: { mergingList: [{ name: 2 }, { name: 3, other: 'a' }] },
  },
  {
    name: 'add map and delete map from merging list',
    live: { mergingList: [{ name: 1 }, { name: 2, other: 'b' }, { name: 4, other: 'c' }] },
    patch: {
      '$setElementOrder/mergingList': names(2, 3),
      mergingList: [{ name: 3 }, { name: 1, $patch: 'delete' }],
    },
    result: { mergingList: [{ name: 2, other: 'b' }, { name: 4, other: 'c' }, { name: 3 }] },
  },
  {
    name: 'add map and delete map from merging list with conflict',
    live: {
      mergingList: [
        { name: 1, other: 'a' },
        { name: 4, other: 'c' },
      ],
    },
    patch: {
      '$setElementOrder/mergingList': names(2, 3),
      mergingList: [{ name: 2 }, { name: 3 }, { name: 1, $patch: 'delete' }],
    },
    result: { mergingList: [{ name: 4, other: 'c' }, { name: 2 }, { name: 3 }] },
  },
  {
    name: 'preserve the order from the patch in a merging list',
    live: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: {
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
        { name: 2, other: 'x' },
      ],
    },
    result: {
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
        { name: 2, value: 'b', other: 'x' },
      ],
    },
  },
  {
    name: 'preserve the order from the patch in a merging list 2',
    live: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: {
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
      ],
    },
    result: {
      mergingList: [
        { name: 2, value: 'b' },
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
      ],
    },
  },
  {
    name: 'preserve the order from the patch in a merging int list',
    live: { mergingIntList: [1, 2, 3] },
    patch: { mergingIntList: [3, 1, 2] },
    result: { mergingIntList: [3, 1, 2] },
  },
  {
    name: 'preserve the order from the patch in a merging int list 2',
    live: { mergingIntList: [1, 2, 3] },
    patch: { mergingIntList: [3, 1] },
    result: { mergingIntList: [2, 3, 1] },
  },
  {
    name: 'unique scalars when merging lists',
    live: { mergingIntList: [1, 2] },
    patch: { mergingIntList: [2, 3] },
    result: { mergingIntList: [1, 2, 3] },
  },
  {
    name: '$setElementOrder contains item that is not present in the list to be merged',
    live: { mergingList: names(1, 3) },
    patch: {
      '$setElementOrder/mergingList': names(3, 2, 1),
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
    result: {
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
  },
  {
    name: '$setElementOrder contains item that is not present in the int list to be merged',
    live: { mergingIntList: [1, 3] },
    patch: { '$setElementOrder/mergingIntList': [3, 2, 1] },
    result: { mergingIntList: [3, 1] },
  },
  {
    name: 'should check if order in $setElementOrder and patch list match',
    live: { mergingList: names(1, 3, 2) },
    patch: {
      '$setElementOrder/mergingList': names(1, 2, 3),
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
    error: /doesn't match/,
  },
  {
    name: 'should check if order in $setElementOrder and patch int list match',
    live: { mergingIntList: [1, 3, 2] },
    patch: { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3, 1] },
    error: /doesn't match/,
  },
  {
    name: 'missing merge key should error out',
    live: { mergingList: [{ name: 1, value: 'a' }] },
    patch: { mergingList: [{ value: 'b' }] },
    error: /does not contain declared merge key/,
  },
  {
    name: '$deleteFromPrimitiveList of nonexistent item in primitive list should not add the item to the list',
    live: { mergingIntList: [1, 2] },
    patch: { '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2] },
  },
  {
    name: '$deleteFromPrimitiveList on nonexistent primitive list should not add the primitive list',
    live: { foo: ['bar'] },
    patch: { '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { foo: ['bar'] },
  },
  {
    name: '$deleteFromPrimitiveList should delete item from a list without merge patch strategy',
    live: { nonMergingIntList: [1, 2, 3] },
    patch: { '$deleteFromPrimitiveList/nonMergingIntList': [2] },
    result: { nonMergingIntList: [1, 3] },
  },
  {
    name: 'delete all duplicate entries in a merging list',
    live: { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] },
    patch: {
      mergingList: [
        { name: 1, $patch: 'delete' },
        { name: 3, $patch: 'delete' },
      ],
    },
    result: { mergingList: [{ name: 2, value: 'a' }] },
  },
  {
    name: 'delete all items from merging list',
    live: { mergingList: names(1, 2) },
    patch: { mergingList: [{ $patch: 'replace' }] },
    result: { mergingList: [] },
  },
  {
    name: 'delete map from nested map',
    live: { simpleMap: { key1: '1', key2: '1' } },
    patch: { simpleMap: { $patch: 'delete' } },
    result: { simpleMap: {} },
  },
  {
    name: 'retainKeys map merge an empty map',
    live: { retainKeysMap: { name: 'foo', value: 'a' } },
    patch: { retainKeysMap: {} },
    result: { retainKeysMap: { name: 'foo', value: 'a' } },
  },
  {
    name: 'retainKeys list can delete a field when no retainKeys directive present',
    live: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    patch: { retainKeysMergingList: [{ name: 'foo', value: null }] },
    result: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo' }] },
  },
  {
    name: 'replace non merging list nested in merging list',
    live: {
      mergingList: [
        { name: 1, other: 'a', nonMergingList: [{ name: 1 }, { name: 2, value: 2 }] },
        { name: 2, other: 'b' },
      ],
    },
    patch: {
      '$setElementOrder/mergingList': names(1, 2),
      mergingList: [{ name: 1, nonMergingList: [{ name: 1, value: 1 }] }],
    },
    result: {
      mergingList: [
        { name: 1, other: 'a', nonMergingList: [{ name: 1, value: 1 }] },
        { name: 2, other: 'b' },
      ],
    },
  },
];

describe('applyStrategicMergePatch: upstream apply cases', () => {
  it.each(cases)('$name', ({ live, patch, result, error }) => {
    if (error) expect(() => applyStrategicMergePatch(live, patch, mergeItem)).toThrow(error);
    else expect(applyStrategicMergePatch(live, patch, mergeItem)).toEqual(result);
  });
});
