import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { KindError } from './errors.js';
import type { Runner } from './runner.js';
import { extractFromTarGz } from './tar.js';
import { fakeFetcher } from './testing/fakes.js';
import { compareVersions, inRange, parseVersion, probeTool, resolveTool } from './tools.js';
import { HELM_PIN, KIND_PIN, type ToolPin } from './versions.js';

/** Answers `<file> version` with whatever the map says; files missing from it are "not found". */
function versionRunner(versions: Record<string, string>, calls: string[] = []): Runner {
  return {
    async run(file, args) {
      calls.push([file, ...args].join(' '));
      const v = versions[file];
      if (v === undefined)
        return { command: file, exitCode: -1, stdout: '', stderr: '', timedOut: false, notFound: true };
      return { command: file, exitCode: 0, stdout: v, stderr: '', timedOut: false, notFound: false };
    },
  };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('versions', () => {
  it('parses the version lines of the tools', () => {
    expect(parseVersion('kind v0.29.0 go1.24.2 linux/amd64')).toEqual([0, 29, 0]);
    expect(parseVersion('v3.18.4+gd80839c')).toEqual([3, 18, 4]);
    expect(parseVersion('v1.32.4-dispatcher')).toEqual([1, 32, 4]);
    expect(parseVersion('nothing here')).toBeUndefined();
  });

  it('compares numerically, not as strings (the upstream script bug)', () => {
    expect(compareVersions([0, 9, 0], [0, 10, 0])).toBeLessThan(0);
    expect(inRange([0, 100, 0], { min: '0.20.0', below: '1.0.0' })).toBe(true);
    expect(inRange([0, 19, 9], { min: '0.20.0', below: '1.0.0' })).toBe(false);
    expect(inRange([4, 0, 0], HELM_PIN.tested)).toBe(false);
  });

  it('pins have a checksum for every supported platform', () => {
    for (const pin of [KIND_PIN, HELM_PIN])
      for (const p of ['linux-amd64', 'linux-arm64', 'darwin-amd64', 'darwin-arm64'])
        expect(pin.sha256[p]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads kubectl versions from its JSON', async () => {
    const p = await probeTool(
      versionRunner({ kubectl: '{"clientVersion":{"gitVersion":"v1.30.2"}}' }),
      'kubectl',
    );
    expect(p.version).toEqual([1, 30, 2]);
  });
});

describe('resolveTool', () => {
  const home = () => mkdtempSync(join(tmpdir(), 'kstellar-tools-'));

  it('uses a tested tool from PATH without downloading', async () => {
    const f = fakeFetcher({});
    const t = await resolveTool('kind', {
      runner: versionRunner({ kind: 'kind v0.27.0 go1.23 linux/amd64' }),
      fetcher: f,
      home: home(),
    });
    expect(t).toMatchObject({ path: 'kind', source: 'path', version: [0, 27, 0] });
    expect(f.log).toEqual([]);
  });

  it('fetches the pinned release into KSTELLAR_HOME/bin when the tool is missing, checking its sha256', async () => {
    const h = home();
    const bytes = new TextEncoder().encode('#!/bin/sh\necho kind v0.29.0\n');
    const pin: ToolPin = { ...KIND_PIN, sha256: { 'linux-amd64': sha(bytes) } };
    const f = fakeFetcher({ [KIND_PIN.url('linux', 'amd64')]: bytes });
    const runner = versionRunner({ [join(h, 'bin', 'kind')]: 'kind v0.29.0 go1.24.2 linux/amd64' });
    const t = await resolveTool('kind', {
      runner,
      fetcher: f,
      home: h,
      os: 'linux',
      arch: 'x64',
      pins: { kind: pin },
    });
    expect(t).toMatchObject({ path: join(h, 'bin', 'kind'), source: 'fetched', version: [0, 29, 0] });
    expect(f.log).toEqual([
      'https://github.com/kubernetes-sigs/kind/releases/download/v0.29.0/kind-linux-amd64',
    ]);
    expect(readFileSync(join(h, 'bin', 'kind'))).toEqual(Buffer.from(bytes));
    expect(statSync(join(h, 'bin', 'kind')).mode & 0o777).toBe(0o755);
    // Next time the pinned copy is used as it is.
    const again = await resolveTool('kind', {
      runner,
      fetcher: fakeFetcher({}),
      home: h,
      pins: { kind: pin },
    });
    expect(again.source).toBe('home');
  });

  it('replaces an untested version on PATH with the pinned one', async () => {
    const h = home();
    const bytes = new TextEncoder().encode('kind');
    const calls: string[] = [];
    const runner = versionRunner(
      { kind: 'kind v0.17.0 go1.19 linux/amd64', [join(h, 'bin', 'kind')]: 'kind v0.29.0' },
      calls,
    );
    const t = await resolveTool('kind', {
      runner,
      fetcher: fakeFetcher({ [KIND_PIN.url('linux', 'amd64')]: bytes }),
      home: h,
      os: 'linux',
      arch: 'amd64',
      pins: { kind: { ...KIND_PIN, sha256: { 'linux-amd64': sha(bytes) } } },
    });
    expect(t.source).toBe('fetched');
  });

  it('refuses a download whose checksum does not match the pin', async () => {
    const h = home();
    const err = await resolveTool('kind', {
      runner: versionRunner({}),
      fetcher: fakeFetcher({ [KIND_PIN.url('linux', 'amd64')]: new TextEncoder().encode('tampered') }),
      home: h,
      os: 'linux',
      arch: 'amd64',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(KindError);
    expect(err.code).toBe('E-TOOL');
    expect(err.message).toMatch(/has sha256 [0-9a-f]{64}, expected c72eda46/);
    expect(existsSync(join(h, 'bin', 'kind'))).toBe(false);
  });

  it('says what to install by hand when the download fails', async () => {
    const err = await resolveTool('helm', {
      runner: versionRunner({}),
      fetcher: fakeFetcher({}),
      home: home(),
      os: 'linux',
      arch: 'amd64',
    }).catch((e) => e);
    expect(err.code).toBe('E-TOOL');
    expect(err.message).toMatch(
      /helm is not installed, and kstellar could not fetch the pinned v3\.18\.4 from https:\/\/get\.helm\.sh\/helm-v3\.18\.4-linux-amd64\.tar\.gz: getaddrinfo ENOTFOUND/,
    );
    expect(err.hint).toMatch(
      /install Helm v3\.18\.4 \(https:\/\/helm\.sh\/docs\/intro\/install\/\) and put it on PATH/,
    );
  });

  it('takes helm out of the release tarball', async () => {
    const h = home();
    const src = join(h, 'src', 'linux-amd64');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'helm'), 'helm-binary');
    writeFileSync(join(src, 'LICENSE'), 'license');
    await execa('tar', ['-czf', join(h, 'helm.tgz'), '-C', join(h, 'src'), 'linux-amd64']);
    const tgz = readFileSync(join(h, 'helm.tgz'));
    expect(extractFromTarGz(tgz, 'linux-amd64/helm')?.toString()).toBe('helm-binary');
    expect(extractFromTarGz(tgz, 'linux-amd64/nope')).toBeUndefined();
    const runner = versionRunner({ [join(h, 'bin', 'helm')]: 'v3.18.4+gd80839c' });
    const t = await resolveTool('helm', {
      runner,
      fetcher: fakeFetcher({ [HELM_PIN.url('linux', 'amd64')]: tgz }),
      home: h,
      os: 'linux',
      arch: 'amd64',
      pins: { helm: { ...HELM_PIN, sha256: { 'linux-amd64': sha(tgz) } } },
    });
    expect(t.source).toBe('fetched');
    expect(readFileSync(join(h, 'bin', 'helm'), 'utf8')).toBe('helm-binary');
  });
});
