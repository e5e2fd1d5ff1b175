import { describe, it, expect } from 'vitest';
import type https from 'node:https';
import { StaticKubeConfig } from './static-kubeconfig.js';
import { kubeConfigFromString } from './kubeconfig.js';

const cfg = (user: string) => `
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: 'https://127.0.0.1:6443', certificate-authority-data: ${Buffer.from('CA').toString('base64')}, tls-server-name: api}
users:
- name: u
  user: ${user}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
`;

describe('StaticKubeConfig', () => {
  it('applies the CA, server name and bearer token of static kubeconfigs', async () => {
    const kc = StaticKubeConfig.parse(cfg('{token: t0k}'))!;
    expect(kc.getCurrentContext()).toBe('x');
    expect(kc.getCurrentCluster()).toMatchObject({ name: 'c', server: 'https://127.0.0.1:6443' });
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    expect(String(opts.ca)).toBe('CA');
    expect(opts.servername).toBe('api');
    expect(opts.headers).toEqual({ Authorization: 'Bearer t0k' });
  });

  it('applies client certificates and basic auth', async () => {
    const cert = Buffer.from('CERT').toString('base64');
    const key = Buffer.from('KEY').toString('base64');
    const opts: https.RequestOptions = {};
    await StaticKubeConfig.parse(
      cfg(`{client-certificate-data: ${cert}, client-key-data: ${key}}`),
    )!.applyToHTTPSOptions(opts);
    expect([String(opts.cert), String(opts.key)]).toEqual(['CERT', 'KEY']);
    const basic: https.RequestOptions = {};
    await StaticKubeConfig.parse(cfg('{username: a, password: b}'))!.applyToHTTPSOptions(basic);
    expect(basic.auth).toBe('a:b');
  });

  it('leaves exec plugins to client-node, through kubeConfigFromString', () => {
    const exec = cfg('{exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/true}}');
    expect(StaticKubeConfig.parse(exec)).toBeUndefined();
    const kc = kubeConfigFromString(exec);
    expect(kc).not.toBeInstanceOf(StaticKubeConfig);
    expect(kc.getCurrentContext()).toBe('x');
  });

  it('reports unknown contexts and dangling references like the client-node path', () => {
    expect(() => StaticKubeConfig.parse(cfg('{token: t}'), 'y')).toThrow(
      /context "y" not found .*available contexts: x/,
    );
    expect(() => StaticKubeConfig.parse(cfg('{token: t}').replace('cluster: c,', 'cluster: nope,'))).toThrow(
      /refers to cluster "nope"/,
    );
  });
});
