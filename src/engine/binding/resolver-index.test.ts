import { describe, expect, it } from 'vitest';
import type { DownsyncPolicyClause } from '../../api/control.js';
import { clauseMatches, compileClause, type CompiledClause } from './match.js';
import {
  Buckets,
  clauseSlotOptions,
  clauseSlots,
  MatchIndex,
  type Indexable,
  type Slot,
} from './resolver-index.js';

type Obj = Omit<Indexable, 'labels'> & {
  id: string;
  labels?: Record<string, string>;
  namespaceLabels?: undefined;
  version: string;
  kind: string;
};

const obj = (id: string, over: Partial<Obj> = {}): Obj => ({
  id,
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  namespace: 'ns1',
  name: id,
  labels: { app: id },
  ...over,
});

/** A MatchIndex over a plain map of objects, as the Resolver keeps it. */
function indexOver() {
  const objects = new Map<string, Obj>();
  const ix = new MatchIndex<string, Obj>(() => objects.values());
  return {
    ix,
    add(o: Obj) {
      objects.set(o.id, o);
      ix.addObject(o);
    },
    remove(o: Obj) {
      objects.delete(o.id);
      ix.removeObject(o);
    },
  };
}

const ids = (it: Iterable<Obj>) => [...it].map((o) => o.id).sort();
const slot = (dim: Slot['dim'], value: string, key = ''): Slot => ({ dim, key, value });

describe('Buckets', () => {
  it('keeps one object inline, an array or Set for more, and empties buckets', () => {
    const [a, b, c] = [obj('a'), obj('b'), obj('c')];
    const bk = new Buckets<Obj>();
    bk.add('v', a);
    bk.add('v', a);
    expect(ids(bk.get('v'))).toEqual(['a']);
    bk.add('v', b);
    bk.add('v', c);
    expect(bk.size('v')).toBe(3);
    bk.remove('v', a);
    bk.remove('v', c);
    expect(ids(bk.get('v'))).toEqual(['b']);
    bk.remove('v', obj('nope'));
    expect(bk.size('v')).toBe(1);
    bk.remove('v', b);
    expect(bk.size('v')).toBe(0);
    expect(ids(bk.get('v'))).toEqual([]);
  });

  it('turns a large bucket into a Set on the first removal, and keeps counting right', () => {
    const objs = Array.from({ length: 100 }, (_, i) => obj(`o${i}`));
    const bk = new Buckets<Obj>();
    for (const o of objs) bk.add('v', o);
    expect(bk.size('v')).toBe(100);
    for (const o of objs.slice(0, 60)) bk.remove('v', o);
    bk.remove('v', objs[0]); // not there any more
    expect(ids(bk.get('v'))).toEqual(ids(objs.slice(60)));
    bk.add('v', objs[0]);
    expect(bk.size('v')).toBe(41);
    for (const o of objs) bk.remove('v', o);
    expect(bk.size('v')).toBe(0);
  });
});

describe('clauseSlotOptions', () => {
  const options = (c: DownsyncPolicyClause) => clauseSlotOptions(compileClause(c, 0));

  it('offers one alternative per constrained dimension, most selective first', () => {
    expect(
      options({
        apiGroup: 'apps',
        resources: ['deployments', 'replicasets'],
        namespaces: ['a'],
        objectNames: ['x'],
        objectSelectors: [{ matchLabels: { tier: 'fe', app: 'web' } }],
      }),
    ).toEqual([
      [slot('name', 'x')],
      [slot('namespace', 'a')],
      [slot('label', 'web', 'app')], // first matchLabels key by name
      [slot('resource', 'deployments'), slot('resource', 'replicasets')],
      [slot('group', 'apps')],
    ]);
  });

  it("skips wildcards and selectors without a required label; '' is a real group", () => {
    expect(options({ namespaces: ['*'], objectNames: ['*', 'x'], resources: ['*'] })).toEqual([]);
    expect(
      options({
        apiGroup: '',
        objectSelectors: [
          { matchLabels: { app: 'a' } },
          { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
        ],
      }),
    ).toEqual([[slot('group', '')]]);
  });

  it('files selectors requiring different labels under each, once', () => {
    expect(
      options({
        objectSelectors: [
          { matchLabels: { app: 'a' } },
          { matchLabels: { tier: 'b' } },
          { matchLabels: { app: 'a', x: 'y' } },
        ],
      }),
    ).toEqual([[slot('label', 'a', 'app'), slot('label', 'b', 'tier')]]);
  });

  it('gives a clause whose object selectors are all invalid no bucket at all', () => {
    const c = compileClause({ objectSelectors: [{ matchExpressions: [{ key: 'x', operator: 'In' }] }] }, 0);
    expect(clauseSlotOptions(c)).toEqual([[]]);
    expect(clauseSlots(c)).toEqual([]);
    expect(clauseSlots(compileClause({}, 0))).toBe('all');
  });
});

describe('MatchIndex', () => {
  it('files objects only under dimensions some clause uses, building them on first use', () => {
    const { ix, add, remove } = indexOver();
    const [a, b, c] = [obj('a'), obj('b', { labels: { app: 'x' } }), obj('c', { labels: { app: 'x' } })];
    add(a);
    add(b);
    expect(ix.dimensionsInUse()).toEqual([]);
    const sx = [slot('label', 'x', 'app')];
    ix.addClause(sx, 'r1');
    expect(ix.dimensionsInUse()).toEqual([]); // built when first asked for
    expect(ids(ix.objectsIn(sx[0]))).toEqual(['b']);
    expect(ix.dimensionsInUse()).toEqual(['label:app']);
    add(c);
    expect(ids(ix.objectsIn(sx[0]))).toEqual(['b', 'c']);
    ix.relabelObject(c, c.labels, { app: 'y' });
    c.labels = { app: 'y' };
    expect(ids(ix.objectsIn(sx[0]))).toEqual(['b']);
    expect(ids(ix.objectsIn(slot('label', 'y', 'app')))).toEqual(['c']);
    remove(b);
    expect(ids(ix.objectsIn(sx[0]))).toEqual([]);
    // A second clause on the same dimension shares it; the last one out drops it.
    ix.addClause([slot('label', 'a', 'app')], 'r2');
    ix.addClause([slot('resource', 'deployments')], 'r3'); // used, never asked for: not built
    ix.removeClause(sx, 'r1');
    expect(ix.dimensionsInUse()).toEqual(['label:app']);
    expect(ids(ix.objectsIn(slot('label', 'a', 'app')))).toEqual(['a']);
    ix.removeClause([slot('label', 'a', 'app')], 'r2');
    expect(ix.dimensionsInUse()).toEqual([]);
    ix.removeClause([slot('resource', 'deployments')], 'r3');
    expect(ix.empty).toBe(true);
  });

  it('builds nothing while there are no objects, and files later objects once built', () => {
    const { ix, add } = indexOver();
    const s = slot('namespace', 'ns1');
    ix.addClause([s], 'r');
    expect(ix.objectCount(s)).toBe(0);
    add(obj('a'));
    expect(ix.dimensionsInUse()).toEqual([]);
    expect(ids(ix.objectsIn(s))).toEqual(['a']);
    add(obj('b'));
    expect(ids(ix.objectsIn(s))).toEqual(['a', 'b']);
  });

  it('finds the clauses filed under any bucket of an object, and catch-all clauses', () => {
    const { ix } = indexOver();
    ix.addClause([slot('name', 'a')], 'by-name');
    ix.addClause([slot('namespace', 'ns1'), slot('namespace', 'ns2')], 'by-ns');
    ix.addClause([slot('resource', 'deployments')], 'by-resource');
    ix.addClause([slot('group', 'apps')], 'by-group');
    ix.addClause([slot('label', 'a', 'app'), slot('label', 'fe', 'tier')], 'by-label');
    ix.addClause('all', 'anything');
    ix.addClause([], 'never');
    const refs = (o: Obj) => {
      const out: string[] = [];
      ix.clausesOf(o, out);
      return out.sort();
    };
    expect(refs(obj('a', { labels: { app: 'a', tier: 'fe' } }))).toEqual(
      ['anything', 'by-group', 'by-label', 'by-label', 'by-name', 'by-ns', 'by-resource'].sort(),
    );
    expect(
      refs(obj('z', { group: '', resource: 'configmaps', namespace: 'ns3', labels: undefined })),
    ).toEqual(['anything']);
    ix.removeClause('all', 'anything');
    ix.removeClause([slot('namespace', 'ns1'), slot('namespace', 'ns2')], 'by-ns');
    expect(refs(obj('b', { namespace: 'ns2', labels: { tier: 'fe' } }))).toEqual([
      'by-group',
      'by-label',
      'by-resource',
    ]);
  });

  it('chooses the alternative with the fewest objects to visit, unbuilt dimensions counting all', () => {
    const { ix, add } = indexOver();
    const byName = [slot('name', 'o1')];
    const byNs = [slot('namespace', 'ns1')];
    const byResource = [slot('resource', 'deployments')];
    // No objects: the first (most selective) alternative, whatever is built.
    expect(ix.chooseSlots([byName, byNs])).toBe(byName);
    expect(ix.chooseSlots([])).toBe('all');
    for (let i = 0; i < 30; i++)
      add(obj(`o${i}`, { namespace: i < 3 ? 'ns1' : 'ns2', resource: i < 20 ? 'deployments' : 'services' }));
    expect(ix.chooseSlots([byName, byNs])).toBe(byName); // both unbuilt: a tie
    ix.addClause(byNs, 'r1'); // namespaces built: 3 objects in ns1, against 30 to build names
    expect(ix.chooseSlots([byName, byNs])).toBe(byNs);
    ix.addClause(byName, 'r2');
    expect(ix.chooseSlots([byName, byNs])).toBe(byName); // 1 < 3
    ix.addClause([slot('resource', 'services')], 'r3');
    expect(ix.chooseSlots([byResource, byNs])).toBe(byNs); // 20 deployments > 3
    expect(ix.chooseSlots([[], byNs])).toEqual([]);
  });

  it('keeps the objects of each namespace while held', () => {
    const { ix, add } = indexOver();
    add(obj('a'));
    add(obj('b', { namespace: 'ns2' }));
    ix.retainNamespaces();
    expect(ids(ix.objectsInNamespace('ns1'))).toEqual(['a']);
    expect(ix.dimensionsInUse()).toEqual(['namespace']);
    add(obj('c'));
    expect(ids(ix.objectsInNamespace('ns1'))).toEqual(['a', 'c']);
    ix.addClause([slot('namespace', 'ns2')], 'r');
    ix.releaseNamespaces();
    expect(ids(ix.objectsInNamespace('ns2'))).toEqual(['b']); // still used by the clause
    ix.removeClause([slot('namespace', 'ns2')], 'r');
    expect(ix.dimensionsInUse()).toEqual([]);
  });

  // The index is only correct if every (clause, object) pair that matches can be found from
  // both sides, whatever the order of object, label and clause changes.
  it('finds every matching pair from both sides through random changes (seeded)', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
    const chance = (p: number) => rnd() < p;
    const randLabels = () => {
      const l: Record<string, string> = {};
      for (const k of ['app', 'tier', 'env']) if (chance(0.6)) l[k] = pick(['a', 'b', 'c']);
      return chance(0.1) ? undefined : l;
    };
    const randClause = (): DownsyncPolicyClause => {
      const c: DownsyncPolicyClause = {};
      if (chance(0.3)) c.apiGroup = pick(['', 'apps']);
      if (chance(0.4)) c.resources = [pick(['configmaps', 'deployments', '*'])];
      if (chance(0.3)) c.namespaces = [pick(['ns1', 'ns2', ''])];
      if (chance(0.3)) c.objectNames = [pick(['o1', 'o2', 'o3', '*'])];
      if (chance(0.5))
        c.objectSelectors = [
          chance(0.8)
            ? { matchLabels: { [pick(['app', 'tier', 'env'])]: pick(['a', 'b']) } }
            : { matchExpressions: [{ key: 'app', operator: pick(['Exists', 'DoesNotExist']) }] },
        ];
      return c;
    };
    // Enough objects for buckets past Buckets' small-array size, so they turn into Sets.
    const NAMES = Array.from({ length: 30 }, (_, i) => `o${i}`);
    const objects = new Map<string, Obj>();
    const ix = new MatchIndex<CompiledClause, Obj>(() => objects.values());
    const filed = new Map<CompiledClause, readonly Slot[] | 'all'>();
    let found = 0;
    for (let step = 0; step < 600; step++) {
      const op = rnd();
      if (op < 0.4) {
        const id = `${pick(['', 'apps'])}/${pick(['configmaps', 'deployments'])}/${pick(['ns1', 'ns2', ''])}/${pick(NAMES)}`;
        const [group, resource, namespace, name] = id.split('/');
        const old = objects.get(id);
        if (old) {
          const labels = randLabels();
          ix.relabelObject(old, old.labels, labels);
          old.labels = labels;
        } else {
          const o = obj(id, { group, resource, namespace, name, labels: randLabels() });
          objects.set(id, o);
          ix.addObject(o);
        }
      } else if (op < 0.5 && objects.size) {
        const o = pick([...objects.values()]);
        objects.delete(o.id);
        ix.removeObject(o);
      } else if (op < 0.8 || !filed.size) {
        const c = compileClause(randClause(), 0);
        const slots = ix.chooseSlots(clauseSlotOptions(c));
        filed.set(c, slots);
        ix.addClause(slots, c);
      } else {
        const c = pick([...filed.keys()]);
        ix.removeClause(filed.get(c)!, c);
        filed.delete(c);
      }
      // And buckets hold nothing else: no removed object, none under a value it no longer has.
      for (const slots of filed.values())
        for (const sl of slots === 'all' ? [] : slots)
          for (const o of ix.objectsIn(sl)) {
            const v = sl.dim === 'label' ? o.labels?.[sl.key] : o[sl.dim];
            if (objects.get(o.id) !== o || v !== sl.value)
              expect.fail(`step ${step}: ${o.id} is stale under ${sl.dim} ${sl.key}=${sl.value}`);
          }
      for (const o of objects.values()) {
        const refs: CompiledClause[] = [];
        ix.clausesOf(o, refs);
        for (const [c, slots] of filed) {
          if (!clauseMatches(c, o)) continue;
          found++;
          if (!refs.includes(c)) expect.fail(`step ${step}: clause not found from ${o.id}`);
          const inBuckets = slots === 'all' || slots.some((s) => [...ix.objectsIn(s)].includes(o));
          if (!inBuckets) expect.fail(`step ${step}: ${o.id} not found from its clause`);
        }
      }
    }
    expect(found).toBeGreaterThan(1000);
  });
});
