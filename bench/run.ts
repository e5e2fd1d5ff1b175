import { benchSpace, benchApplyHelm } from './space.js';
import { benchEngine } from './engine.js';
import { benchCli } from './cli.js';
import { benchPropagation } from './propagation.js';

/** `npm run bench`: runs every benchmark once and prints the figures as JSON and as a table. */
async function main(): Promise<void> {
  const only = process.argv[2];
  const all: Record<string, () => Promise<Record<string, unknown>>> = {
    space: benchSpace,
    applyHelm: benchApplyHelm,
    engine: benchEngine,
    cli: () => benchCli(),
    propagation: () => benchPropagation(),
  };
  const out: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
  };
  for (const [name, fn] of Object.entries(all)) {
    if (only && only !== name) continue;
    process.stderr.write(`bench: ${name}...\n`);
    out[name] = await fn();
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e?.stack ?? e}\n`);
  process.exitCode = 1;
});
