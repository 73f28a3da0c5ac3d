import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Tests that run Confab as a real process (the CLI, crash and multi-node tests) run the compiled
 * code in dist/. Bring it up to date with the sources once per run: `tsc -b` is a no-op when
 * nothing changed, and type errors elsewhere do not stop it emitting (`npm run typecheck` reports those).
 */
export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
  await promisify(execFile)(process.execPath, [tsc, '-b', 'packages/server', 'packages/client'], { cwd: root }).catch(() => undefined);
}
