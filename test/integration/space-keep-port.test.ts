import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { Space } from '../../src/space/space.js';
import { removeDir, tempDir } from '../helpers/space-process.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe('Space keepPort', () => {
  it('listens on the previous run’s port, or on a new one when that is taken', async () => {
    const dataDir = tempDir('kstellar-keep-port-');
    dirs.push(dataDir);
    const first = await Space.start({ dataDir, keepPort: true });
    const port = first.port;
    await first.close();

    const again = await Space.start({ dataDir, keepPort: true });
    expect(again.port).toBe(port);
    await again.close();

    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    try {
      const moved = await Space.start({ dataDir, keepPort: true });
      expect(moved.port).not.toBe(port);
      expect(moved.port).toBeGreaterThan(0);
      await moved.close();
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });
});
