import { describe, expect, it } from 'vitest';
import {
  labelSelectorFromObject,
  labelSelectorToString,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorParseError,
  type LabelSelector,
} from './selectors.js';

const reqs = (s: string) => parseLabelSelector(s).requirements;

describe('parseLabelSelector', () => {
  it('parses the selectors helm and kubectl send, sorted by key', () => {
    expect(reqs('name=r1,owner=helm')).toEqual([
      { key: 'name', operator: '=', values: ['r1'] },
      { key: 'owner', operator: '=', values: ['helm'] },
    ]);
    expect(reqs('owner=helm,name=r1').map((r) => r.key)).toEqual(['name', 'owner']);
    expect(reqs('kubernetes.io/cluster-service=true')).toEqual([
      { key: 'kubernetes.io/cluster-service', operator: '=', values: ['true'] },
    ]);
  });

  it('parses every operator', () => {
    expect(reqs('a=1,b==2,c!=3,d in (x,y),e notin (z),f,!g,h>4,i<5')).toEqual([
      { key: 'a', operator: '=', values: ['1'] },
      { key: 'b', operator: '==', values: ['2'] },
      { key: 'c', operator: '!=', values: ['3'] },
      { key: 'd', operator: 'in', values: ['x', 'y'] },
      { key: 'e', operator: 'notin', values: ['z'] },
      { key: 'f', operator: 'exists', values: [] },
      { key: 'g', operator: '!', values: [] },
      { key: 'h', operator: 'gt', values: ['4'] },
      { key: 'i', operator: 'lt', values: ['5'] },
    ]);
  });

  it('tolerates whitespace and needs none', () => {
    expect(reqs('  app = web ,  tier in ( fe , be ) , ! legacy ')).toEqual(
      reqs('app=web,tier in (fe,be),!legacy'),
    );
    expect(reqs('tier in(fe,be)')).toEqual([{ key: 'tier', operator: 'in', values: ['be', 'fe'] }]);
    expect(reqs('\tapp\n!=\rweb')).toEqual([{ key: 'app', operator: '!=', values: ['web'] }]);
  });

  it('accepts empty values the way upstream does', () => {
    expect(reqs('a=')).toEqual([{ key: 'a', operator: '=', values: [''] }]);
    expect(reqs('a!=,b')).toEqual([
      { key: 'a', operator: '!=', values: [''] },
      { key: 'b', operator: 'exists', values: [] },
    ]);
    expect(reqs('a in ()')[0].values).toEqual(['']);
    expect(reqs('a in (,b)')[0].values).toEqual(['', 'b']);
    expect(reqs('a in (b,)')[0].values).toEqual(['', 'b']);
    expect(reqs('a in (b,,c)')[0].values).toEqual(['', 'b', 'c']);
    expect(() => parseLabelSelector('a in (b,,)')).toThrow("found ')', expected: ',', or identifier");
    expect(reqs('a notin (b,b)')[0].values).toEqual(['b']);
  });

  it('reads in and notin as plain words where a value or key is expected', () => {
    expect(reqs('a=in')).toEqual([{ key: 'a', operator: '=', values: ['in'] }]);
    expect(reqs('in=notin')).toEqual([{ key: 'in', operator: '=', values: ['notin'] }]);
    expect(reqs('a in (in,notin)')[0].values).toEqual(['in', 'notin']);
  });

  it('selects everything when empty', () => {
    expect(parseLabelSelector('')).toEqual({ requirements: [], selectsNothing: false });
    expect(parseLabelSelector('   ').requirements).toEqual([]);
  });

  it.each([
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a>b', "for 'Gt', 'Lt' operators, the value must be an integer"],
    [
      '-a=b',
      'unable to parse requirement: key: Invalid value: "-a": name part must consist of alphanumeric characters',
    ],
    ['a/b/c=d', 'a qualified name must consist of alphanumeric characters'],
    ['/a=b', 'prefix part must be non-empty'],
    ['Example.com/a=b', 'prefix part a lowercase RFC 1123 subdomain'],
    [`${'k'.repeat(64)}=v`, 'name part must be no more than 63 characters'],
    ['a=-b', 'values[0][a]: Invalid value: "-b": a valid label must be an empty string'],
    [`a=${'v'.repeat(64)}`, 'must be no more than 63 characters'],
  ])('rejects %j', (s, message) => {
    expect(() => parseLabelSelector(s)).toThrow(SelectorParseError);
    expect(() => parseLabelSelector(s)).toThrow(message);
  });

  it('accepts the longest valid keys and values', () => {
    const prefix = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`; // 253
    const key = `${prefix}/${'n'.repeat(63)}`;
    expect(reqs(`${key}=${'v'.repeat(63)}`)[0].key).toBe(key);
    expect(() => parseLabelSelector(`x${key}=v`)).toThrow('prefix part');
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'fe', 'app.kubernetes.io/name': 'shop', replicas: '3' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['tier in (fe,be)', true],
    ['tier in (be)', false],
    ['missing in (x)', false],
    ['tier notin (be)', true],
    ['tier notin (fe)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['app.kubernetes.io/name=shop', true],
    ['replicas>2', true],
    ['replicas>3', false],
    ['replicas<4', true],
    ['app>1', false],
    ['missing<4', false],
    ['app=web,tier=fe', true],
    ['app=web,tier=be', false],
    ['missing=', false],
    ['missing!=', true],
  ])('%j → %s', (s, want) => {
    expect(matchesLabels(parseLabelSelector(s), labels)).toBe(want);
  });

  it('treats missing labels as an empty set', () => {
    expect(matchesLabels(parseLabelSelector('!a,b!=c'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('a'), undefined)).toBe(false);
  });

  it('ignores inherited members', () => {
    expect(matchesLabels(parseLabelSelector('constructor'), {})).toBe(false);
    expect(matchesLabels(parseLabelSelector('!toString'), {})).toBe(true);
  });

  it('agrees with a direct oracle on random selectors and label sets', () => {
    // Small universes so that hits and misses are both frequent.
    const keys = ['a', 'b', 'x.io/c', 'd'];
    const values = ['', '1', '2', 'v'];
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(xs: T[]) => xs[rnd(xs.length)];
    type Req = { key: string; op: string; vals: string[] };
    const oracle = (rs: Req[], ls: Record<string, string>) =>
      rs.every(({ key, op, vals }) => {
        const present = key in ls;
        if (op === 'exists') return present;
        if (op === '!') return !present;
        const member = present && vals.includes(ls[key]);
        return op === '=' || op === '==' || op === 'in' ? member : !member;
      });
    const render = ({ key, op, vals }: Req) => {
      if (op === 'exists') return key;
      if (op === '!') return `!${key}`;
      if (op === 'in' || op === 'notin') return `${key} ${op} (${vals.join(',')})`;
      return `${key}${op}${vals[0]}`;
    };

    let hits = 0;
    for (let i = 0; i < 2000; i++) {
      const rs: Req[] = Array.from({ length: 1 + rnd(3) }, () => {
        const op = pick(['=', '==', '!=', 'in', 'notin', 'exists', '!']);
        const n = op === 'in' || op === 'notin' ? 1 + rnd(3) : 1;
        // Empty members of a set have their own, stricter syntax (see 'accepts empty values').
        const pool = n > 1 ? values.filter(Boolean) : values;
        return { key: pick(keys), op, vals: Array.from({ length: n }, () => pick(pool)) };
      });
      const ls: Record<string, string> = {};
      for (const k of keys) if (rnd(3) > 0) ls[k] = pick(values);
      const text = rs.map(render).join(rnd(2) ? ',' : ' , ');
      const got = matchesLabels(parseLabelSelector(text), ls);
      expect(got, `${text} on ${JSON.stringify(ls)}`).toBe(oracle(rs, ls));
      if (got) hits++;
    }
    expect(hits).toBeGreaterThan(200);
    expect(hits).toBeLessThan(1800);
  });
});

describe('labelSelectorFromObject', () => {
  it('follows LabelSelectorAsSelector: nil selects nothing, empty selects everything', () => {
    for (const nothing of [null, undefined]) {
      const sel = labelSelectorFromObject(nothing);
      expect(sel.selectsNothing).toBe(true);
      expect(matchesLabels(sel, {})).toBe(false);
      expect(matchesLabels(sel, { a: 'b' })).toBe(false);
    }
    for (const empty of [{}, { matchLabels: {} }, { matchLabels: {}, matchExpressions: [] }]) {
      const sel = labelSelectorFromObject(empty);
      expect(sel).toEqual({ requirements: [], selectsNothing: false });
      expect(matchesLabels(sel, { a: 'b' })).toBe(true);
    }
  });

  it('turns matchLabels and matchExpressions into requirements', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { tier: 'fe', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'zone', operator: 'NotIn', values: ['z1'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'team', operator: 'Exists', values: [] },
      ],
    });
    expect(sel.requirements.map((r) => [r.key, r.operator])).toEqual([
      ['app', '='],
      ['canary', '!'],
      ['env', 'in'],
      ['team', 'exists'],
      ['tier', '='],
      ['zone', 'notin'],
    ]);
    expect(matchesLabels(sel, { app: 'web', tier: 'fe', env: 'dev', team: 'x' })).toBe(true);
    expect(matchesLabels(sel, { app: 'web', tier: 'fe', env: 'dev', team: 'x', canary: '1' })).toBe(false);
    expect(matchesLabels(sel, { app: 'web', tier: 'fe', env: 'qa', team: 'x' })).toBe(false);
  });

  it.each([
    [
      { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] },
      '"Equals" is not a valid label selector operator',
    ],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['b'] }] }, 'values set must be empty'],
    [{ matchExpressions: [{ key: 'a', operator: 'constructor' }] }, 'is not a valid label selector operator'],
    [{ matchLabels: { 'bad key': 'v' } }, 'name part must consist'],
    [{ matchLabels: { app: 'bad value' } }, 'a valid label must be an empty string'],
  ])('rejects %j', (sel, message) => {
    expect(() => labelSelectorFromObject(sel as any)).toThrow(SelectorParseError);
    expect(() => labelSelectorFromObject(sel as any)).toThrow(message);
  });
});

describe('labelSelectorToString', () => {
  it('prints the canonical form: keys sorted, set values sorted', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { tier: 'fe', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'x', operator: 'DoesNotExist' },
        { key: 'y', operator: 'Exists' },
        { key: 'z', operator: 'NotIn', values: ['b', 'a'] },
      ],
    });
    expect(labelSelectorToString(sel)).toBe('app=web,env in (dev,prod),tier=fe,!x,y,z notin (a,b)');
  });

  it('round-trips through the parser', () => {
    for (const s of ['app=web', 'a==b,c!=d', 'k in (),v notin (a,b)', 'h>3,l<2', '!gone,here', '']) {
      const sel = parseLabelSelector(s);
      expect(parseLabelSelector(labelSelectorToString(sel))).toEqual(sel);
    }
    expect(labelSelectorToString(parseLabelSelector('b=2,a=1'))).toBe('a=1,b=2');
  });

  it('prints nothing for the empty and the nil selector', () => {
    const everything: LabelSelector = { requirements: [], selectsNothing: false };
    expect(labelSelectorToString(everything)).toBe('');
    expect(labelSelectorToString(labelSelectorFromObject(null))).toBe('');
  });
});

describe('field selectors', () => {
  it('parses the selectors kubectl sends', () => {
    expect(parseFieldSelector('metadata.name=web')).toEqual([
      { field: 'metadata.name', operator: '=', value: 'web' },
    ]);
    expect(
      parseFieldSelector(
        'involvedObject.kind=Deployment,involvedObject.uid=fc17d9f8,involvedObject.name=web',
      ),
    ).toHaveLength(3);
    expect(parseFieldSelector('status.phase!=Running,spec.nodeName==n1')).toEqual([
      { field: 'status.phase', operator: '!=', value: 'Running' },
      { field: 'spec.nodeName', operator: '==', value: 'n1' },
    ]);
    expect(parseFieldSelector('')).toEqual([]);
    expect(parseFieldSelector('a=,,b=c')).toEqual([
      { field: 'a', operator: '=', value: '' },
      { field: 'b', operator: '=', value: 'c' },
    ]);
  });

  it('unescapes \\, \\= and \\\\ in values', () => {
    expect(parseFieldSelector('metadata.name=a\\,b,x=y')).toEqual([
      { field: 'metadata.name', operator: '=', value: 'a,b' },
      { field: 'x', operator: '=', value: 'y' },
    ]);
    expect(parseFieldSelector('a=b\\=c')[0].value).toBe('b=c');
    expect(parseFieldSelector('a=b\\\\c')[0].value).toBe('b\\c');
    expect(parseFieldSelector('a!=\\,')[0]).toEqual({ field: 'a', operator: '!=', value: ',' });
  });

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: ='],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('rejects %j', (s, message) => {
    expect(() => parseFieldSelector(s)).toThrow(SelectorParseError);
    expect(() => parseFieldSelector(s)).toThrow(message);
  });

  it('matches with missing fields read as the empty string', () => {
    const fields: Record<string, string> = { 'metadata.name': 'web', 'status.phase': 'Running' };
    const get = (f: string) => fields[f];
    expect(matchesFields(parseFieldSelector('metadata.name=web'), get)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.name==api'), get)).toBe(false);
    expect(matchesFields(parseFieldSelector('status.phase!=Pending,metadata.name=web'), get)).toBe(true);
    expect(matchesFields(parseFieldSelector('status.phase!=Running'), get)).toBe(false);
    expect(matchesFields(parseFieldSelector('spec.nodeName='), get)).toBe(true);
    expect(matchesFields(parseFieldSelector('spec.nodeName!=n1'), get)).toBe(true);
    expect(matchesFields([], get)).toBe(true);
  });
});
