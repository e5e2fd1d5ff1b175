import { describe, expect, it } from 'vitest';
import {
  buildBindingSpec,
  compareClusterScope,
  compareNamespaceScope,
  type WorkloadEntry,
} from './binding.js';
import { emptyModulation } from './match.js';

// buildBindingSpec sorts by precomputed string keys; they must order entries exactly as the
// tuple comparators do, including GVRs or names that are prefixes of one another.
describe('buildBindingSpec sort keys', () => {
  it('orders entries as compareClusterScope / compareNamespaceScope', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
    const parts = ['a', 'ab', 'a-b', 'a.b', 'b', 'A', 'a0', ''];
    const entries: WorkloadEntry[] = Array.from({ length: 400 }, () => ({
      id: {
        group: pick(parts),
        version: pick(['v1', 'v1beta1', 'v10']),
        resource: pick(['x', 'xs', 'x-s']),
        kind: 'K',
        namespace: pick(['', 'n', 'n-1', 'na']),
        name: pick(parts.filter(Boolean)),
      },
      uid: 'u',
      resourceVersion: pick(['1', '10', '2', '100']),
      modulation: emptyModulation(),
    }));
    const spec = buildBindingSpec([], entries);
    const cs = spec.workload?.clusterScope ?? [];
    const ns = spec.workload?.namespaceScope ?? [];
    expect(cs.length + ns.length).toBe(400);
    expect(cs).toEqual([...cs].sort(compareClusterScope));
    expect(ns).toEqual([...ns].sort(compareNamespaceScope));
  });

  it('sorts destinations by code unit and drops duplicates', () => {
    const spec = buildBindingSpec(['b', 'B', 'a', 'b', 'a-1'], []);
    expect(spec.destinations?.map((d) => d.clusterId)).toEqual(['B', 'a', 'a-1', 'b']);
  });
});
