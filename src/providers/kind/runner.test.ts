import { describe, expect, it } from 'vitest';
import { recordingUi } from '../../cli/ui.js';
import { classify, commandError } from './errors.js';
import { createExecaRunner, formatCommand, loggingRunner } from './runner.js';

describe('execa runner', () => {
  const runner = createExecaRunner();

  it('returns output and exit codes without throwing, and feeds stdin', async () => {
    const ok = await runner.run('cat', [], { input: 'kind: Cluster' });
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'kind: Cluster', timedOut: false, notFound: false });
    const bad = await runner.run('sh', ['-c', 'echo oops >&2; exit 3']);
    expect(bad).toMatchObject({ exitCode: 3, stderr: 'oops' });
  });

  it('reports a missing binary and a timeout', async () => {
    expect(await runner.run('kstellar-no-such-tool', ['x'])).toMatchObject({ notFound: true, exitCode: -1 });
    expect(await runner.run('sleep', ['5'], { timeoutMs: 100 })).toMatchObject({
      timedOut: true,
      exitCode: -1,
    });
  });

  it('logs exact command lines at --verbose', async () => {
    const ui = recordingUi();
    await loggingRunner(runner, ui).run('sh', ['-c', 'exit 2']);
    expect(ui.lines).toEqual([`verbose: $ sh -c 'exit 2'`, 'verbose:   (exit 2)']);
  });

  it('quotes like a shell', () => {
    expect(formatCommand('helm', ['--set-json', `x=[{"a":1}]`, '--values', '-'])).toBe(
      `helm --set-json 'x=[{"a":1}]' --values -`,
    );
    expect(formatCommand('sh', ['-c', "it's"])).toBe(`sh -c 'it'\\''s'`);
  });
});

describe('error catalogue', () => {
  it('maps known tool output onto codes', () => {
    expect(classify('Error: failed to authorize: ... 403 Forbidden')).toBe('E-HELM-AUTH');
    expect(classify('ctr: content digest sha256:1234: not found')).toBe('E-KIND-LOAD-DIGEST');
    expect(classify('Bind for 0.0.0.0:9443 failed: port is already allocated')).toBe('E-PORT-BUSY');
    expect(classify('toomanyrequests: You have reached your pull rate limit')).toBe('E-IMAGE-PULL');
    expect(classify('ERROR: failed to create cluster: failed to init node with kubeadm')).toBe('E-INOTIFY');
    expect(classify('something else')).toBeUndefined();
  });

  it('builds messages with the command and the fix', () => {
    const e = commandError(
      {
        command: 'kind create cluster --name x',
        exitCode: 1,
        stdout: '',
        stderr: 'Bind for 0.0.0.0:9443 failed: port is already allocated',
        timedOut: false,
        notFound: false,
      },
      'create kind cluster x',
    );
    expect(e.code).toBe('E-PORT-BUSY');
    expect(e.message).toBe(
      '[E-PORT-BUSY] create kind cluster x failed (exit 1): Bind for 0.0.0.0:9443 failed: port is already allocated\ncommand: kind create cluster --name x',
    );
    expect(e.hint).toMatch(/--port/);
  });
});
