import { ensureTools } from '../../test/helpers/tools.js';

// Extract the real client binaries once, before any e2e file runs.
export default function setup(): void {
  ensureTools();
}
