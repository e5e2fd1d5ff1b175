import { describe, expect, it } from 'vitest';
import { decodeContinue, encodeContinue } from './continue.js';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe('continue tokens', () => {
  it('round-trips revision and key, URL-safe and unpadded', () => {
    const key = '/core/configmaps/default/a?b&c=d/é';
    const tok = encodeContinue(1234, key);
    expect(tok).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeContinue(tok)).toEqual({ rev: 1234, key });
  });

  it('uses the upstream envelope', () => {
    const json = JSON.parse(Buffer.from(encodeContinue(7, '/k'), 'base64url').toString());
    expect(json).toEqual({ v: 'meta.k8s.io/v1', rv: 7, start: '/k' });
  });

  it('accepts padded tokens and the "inconsistent" rv -1', () => {
    const padded = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: -1, start: '/x' })).toString(
      'base64',
    );
    expect(decodeContinue(padded.replace(/\+/g, '-').replace(/\//g, '_'))).toEqual({ rev: -1, key: '/x' });
  });

  it.each([
    ['empty', ''],
    ['non-base64 characters', 'abc$%^'],
    ['standard base64 alphabet', '+/+/'],
    ['impossible length', 'abcde'],
    ['not JSON', b64('hello')],
    ['JSON array', b64('[1,2]')],
    ['wrong version', b64(JSON.stringify({ v: 'v2', rv: 3, start: '/a' }))],
    ['rv zero', b64(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 0, start: '/a' }))],
    ['rv fractional', b64(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 1.5, start: '/a' }))],
    ['rv string', b64(JSON.stringify({ v: 'meta.k8s.io/v1', rv: '3', start: '/a' }))],
    ['empty start', b64(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '' }))],
    ['missing start', b64(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3 }))],
  ])('rejects garbage: %s', (_why, tok) => {
    expect(() => decodeContinue(tok)).toThrow(/^continue key is not valid: /);
  });
});
