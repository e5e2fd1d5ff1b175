import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { loadKubeConfig, kubeConfigFromString } from './kubeconfig.js';
import { KubeConfigError } from './errors.js';

const config = (ctxs: string[], current: string, server = 'https://127.0.0.1:6443') => `
apiVersion: v1
kind: Config
clusters:
${ctxs.map((c) => `- name: ${c}\n  cluster: { server: "${server}" }`).join('\n')}
users:
${ctxs.map((c) => `- name: ${c}-user\n  user: { token: tok-${c} }`).join('\n')}
contexts:
${ctxs.map((c) => `- name: ${c}\n  context: { cluster: ${c}, user: ${c}-user }`).join('\n')}
current-context: ${current}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
  writeFileSync(join(dir, 'a'), config(['wds1', 'its1'], 'wds1'));
  writeFileSync(join(dir, 'b'), config(['its1', 'cluster1'], 'cluster1', 'https://other:1'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadKubeConfig', () => {
  it('loads a file and selects the current or the named context', () => {
    expect(loadKubeConfig(join(dir, 'a')).getCurrentContext()).toBe('wds1');
    const kc = loadKubeConfig(join(dir, 'a'), 'its1');
    expect(kc.getCurrentContext()).toBe('its1');
    expect(kc.getCurrentUser()?.token).toBe('tok-its1');
  });

  it('says the file is missing', () => {
    expect(() => loadKubeConfig(join(dir, 'nope'))).toThrow(
      `kubeconfig file ${join(dir, 'nope')} does not exist`,
    );
  });

  it('names the contexts that exist when the requested one does not', () => {
    let err: unknown;
    try {
      loadKubeConfig(join(dir, 'a'), 'wds2');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeConfigError);
    expect((err as Error).message).toBe(
      'context "wds2" not found in ' + join(dir, 'a') + '; available contexts: wds1, its1',
    );
  });

  it('merges $KUBECONFIG files, first definition winning, missing files skipped', () => {
    const env = { KUBECONFIG: [join(dir, 'missing'), join(dir, 'a'), join(dir, 'b')].join(delimiter) };
    const kc = loadKubeConfig(undefined, undefined, env);
    expect(kc.getCurrentContext()).toBe('wds1');
    expect(kc.getContexts().map((c) => c.name)).toEqual(['wds1', 'its1', 'cluster1']);
    expect(kc.getCluster('its1')?.server).toBe('https://127.0.0.1:6443');
    expect(loadKubeConfig(undefined, 'cluster1', env).getCurrentCluster()?.server).toBe('https://other:1');
  });

  it('explains when no kubeconfig can be found', () => {
    expect(() => loadKubeConfig(undefined, undefined, { KUBECONFIG: join(dir, 'x') })).toThrow(
      /none of the kubeconfig files in \$KUBECONFIG exist/,
    );
    expect(() => loadKubeConfig(undefined, undefined, { HOME: join(dir, 'home') })).toThrow(
      /no kubeconfig found: .*\.kube\/config does not exist/,
    );
  });

  it('parses YAML strings, with the same context checks', () => {
    expect(kubeConfigFromString(config(['x'], 'x')).getCurrentContext()).toBe('x');
    expect(() => kubeConfigFromString(config(['x'], 'x'), 'y')).toThrow(/available contexts: x/);
    expect(() => kubeConfigFromString(config(['x'], ''))).toThrow(/no current-context; pick one of: x/);
  });
});
